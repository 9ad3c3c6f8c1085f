package dev.dragnet.server.campaign;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import dev.dragnet.net.Ipv4Range;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code campaign}, {@code ip_range} and {@code work_block} tables. */
@Repository
class CampaignRepository {

	private static final String PROGRESS = """
			SELECT c.*,
			    count(b.id) FILTER (WHERE b.state = 'PENDING') AS pending_blocks,
			    count(b.id) FILTER (WHERE b.state = 'LEASED') AS leased_blocks,
			    count(b.id) FILTER (WHERE b.state = 'DONE') AS done_blocks,
			    count(b.id) FILTER (WHERE b.state = 'FAILED') AS failed_blocks,
			    coalesce(sum(b.last_num - b.first_num + 1) FILTER (WHERE b.state = 'PENDING'), 0) AS pending_ips,
			    coalesce(sum(b.last_num - b.first_num + 1) FILTER (WHERE b.state = 'LEASED'), 0) AS leased_ips,
			    coalesce(sum(b.last_num - b.first_num + 1) FILTER (WHERE b.state = 'DONE'), 0) AS done_ips,
			    coalesce(sum(b.last_num - b.first_num + 1) FILTER (WHERE b.state = 'FAILED'), 0) AS failed_ips,
			    coalesce(sum(b.domains_found), 0) AS domains_found,
			    (SELECT array_agg(r.line ORDER BY r.n DESC, r.line) FROM (
			        SELECT coalesce(f.failure_reason, 'no reason recorded') || ' (' || count(*)
			               || CASE WHEN count(*) = 1 THEN ' block)' ELSE ' blocks)' END AS line, count(*) AS n
			        FROM work_block f WHERE f.campaign_id = c.id AND f.state = 'FAILED'
			        GROUP BY f.failure_reason ORDER BY count(*) DESC LIMIT 5) r) AS failure_reasons,
			    now() AS now
			FROM campaign c LEFT JOIN work_block b ON b.campaign_id = c.id
			""";

	private final DatabaseClient db;

	CampaignRepository(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Stores the campaign, its ranges and every work block in one statement, so a campaign is either there
	 * whole or not at all. Returns its id.
	 */
	Mono<Long> create(CampaignPlan plan) {
		int n = plan.ranges().size();
		String[] begins = new String[n];
		String[] ends = new String[n];
		Long[] beginNums = new Long[n];
		Long[] endNums = new Long[n];
		String[] organisations = new String[n];
		for (int i = 0; i < n; i++) {
			Ipv4Range range = plan.ranges().get(i).range();
			begins[i] = Ipv4Range.format(range.first());
			ends[i] = Ipv4Range.format(range.last());
			beginNums[i] = range.first();
			endNums[i] = range.last();
			organisations[i] = plan.ranges().get(i).organisation();
		}
		return this.db.sql("""
				WITH c AS (
				    INSERT INTO campaign (name, block_size, sources, verify, total_ips, total_blocks)
				    VALUES (:name, :blockSize, :sources, :verify, :totalIps, :totalBlocks) RETURNING id),
				r AS (
				    INSERT INTO ip_range (campaign_id, begin_ip, end_ip, begin_num, end_num, organisation)
				    SELECT c.id, t.b::inet, t.e::inet, t.bn, t.en, t.o
				    FROM c, UNNEST(:begins::text[], :ends::text[], :beginNums::bigint[], :endNums::bigint[],
				                   :organisations::text[]) AS t(b, e, bn, en, o)
				    RETURNING id, campaign_id, begin_num, end_num),
				b AS (
				    INSERT INTO work_block (campaign_id, range_id, first_num, last_num)
				    SELECT r.campaign_id, r.id, g, LEAST(g + :blockSize - 1, r.end_num)
				    FROM r, generate_series(r.begin_num, r.end_num, :blockSize::bigint) AS g
				    RETURNING 1)
				SELECT id, (SELECT count(*) FROM b) AS blocks FROM c
				""")
			.bind("name", plan.name())
			.bind("blockSize", plan.blockSize())
			.bind("sources", plan.sources().toArray(String[]::new))
			.bind("verify", plan.verify())
			.bind("totalIps", plan.totalIps())
			.bind("totalBlocks", plan.totalBlocks())
			.bind("begins", begins)
			.bind("ends", ends)
			.bind("beginNums", beginNums)
			.bind("endNums", endNums)
			.bind("organisations", organisations)
			.map((row) -> row.get("id", Long.class))
			.one();
	}

	Flux<CampaignView> findAll() {
		return this.db.sql(PROGRESS + " GROUP BY c.id ORDER BY c.id DESC").map(CampaignRepository::view).all();
	}

	Mono<CampaignView> findById(long id) {
		return this.db.sql(PROGRESS + " WHERE c.id = :id GROUP BY c.id").bind("id", id).map(CampaignRepository::view).one();
	}

	/** Moves a campaign from one of {@code from} to {@code to}; empty when it was in none of them. */
	Mono<Long> transition(long id, List<CampaignState> from, CampaignState to) {
		return this.db.sql("""
				UPDATE campaign SET state = :to,
				    started_at = CASE WHEN :to = 'RUNNING' THEN COALESCE(started_at, now()) ELSE started_at END,
				    finished_at = CASE WHEN :to IN ('CANCELLED', 'DONE', 'FAILED') THEN now() ELSE finished_at END
				WHERE id = :id AND state = ANY(:from)
				RETURNING id
				""")
			.bind("to", to.name())
			.bind("id", id)
			.bind("from", from.stream().map(Enum::name).toArray(String[]::new))
			.map((row) -> row.get("id", Long.class))
			.one();
	}

	/**
	 * Puts the campaign's FAILED blocks back to PENDING with fresh attempts and, when it had ended (DONE or
	 * FAILED), runs it again. Returns how many blocks went back (0 when none had failed); empty for an unknown id.
	 */
	Mono<Long> retryFailed(long id) {
		return this.db.sql("""
				WITH retried AS (
				    UPDATE work_block SET state = 'PENDING', attempts = 0, failure_reason = NULL, updated_at = now()
				    WHERE campaign_id = :id AND state = 'FAILED'
				    RETURNING 1),
				reopened AS (
				    UPDATE campaign SET state = 'RUNNING', finished_at = NULL
				    WHERE id = :id AND state IN ('DONE', 'FAILED') AND EXISTS (SELECT 1 FROM retried)
				    RETURNING 1)
				SELECT (SELECT count(*) FROM retried) AS retried FROM campaign WHERE id = :id
				""")
			.bind("id", id)
			.map((row) -> number(row, "retried"))
			.one();
	}

	Mono<CampaignState> stateOf(long id) {
		return this.db.sql("SELECT state FROM campaign WHERE id = :id")
			.bind("id", id)
			.map((row) -> CampaignState.valueOf(row.get("state", String.class)))
			.one();
	}

	private static CampaignView view(Readable row) {
		String[] sources = row.get("sources", String[].class);
		Instant started = instant(row.get("started_at", OffsetDateTime.class));
		Instant now = instant(row.get("now", OffsetDateTime.class));
		long doneIps = number(row, "done_ips");
		long remaining = number(row, "pending_ips") + number(row, "leased_ips");
		Double rate = null;
		Instant eta = null;
		if (started != null && now != null && doneIps > 0) {
			double seconds = Math.max(1, now.toEpochMilli() - started.toEpochMilli()) / 1000.0;
			rate = doneIps / seconds;
			eta = now.plusMillis((long) (remaining / rate * 1000));
		}
		CampaignView.Progress progress = new CampaignView.Progress(
				new CampaignView.ByState(number(row, "pending_blocks"), number(row, "leased_blocks"),
						number(row, "done_blocks"), number(row, "failed_blocks")),
				new CampaignView.ByState(number(row, "pending_ips"), remaining - number(row, "pending_ips"), doneIps,
						number(row, "failed_ips")),
				number(row, "domains_found"), rate, eta);
		String[] reasons = row.get("failure_reasons", String[].class);
		CampaignView.Failures failures = (number(row, "failed_blocks") == 0) ? null
				: new CampaignView.Failures(number(row, "failed_blocks"), number(row, "failed_ips"),
						(reasons != null) ? List.of(reasons) : List.of());
		return new CampaignView(row.get("id", Long.class), row.get("name", String.class),
				CampaignState.valueOf(row.get("state", String.class)), row.get("block_size", Integer.class),
				(sources != null) ? List.of(sources) : List.of(), Boolean.TRUE.equals(row.get("verify", Boolean.class)),
				row.get("total_ips", Long.class), row.get("total_blocks", Integer.class),
				instant(row.get("created_at", OffsetDateTime.class)), started,
				instant(row.get("finished_at", OffsetDateTime.class)), progress, failures, null, null);
	}

	private static long number(Readable row, String column) {
		Number value = row.get(column, Number.class);
		return (value != null) ? value.longValue() : 0;
	}

	private static @Nullable Instant instant(@Nullable OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}
}
