package dev.dragnet.server.campaign;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Leases of work blocks and the storing of their results. Safe with several server instances on one database. */
@Repository
class BlockRepository {

	/**
	 * Leased blocks (those the condition in {@code %s}, on {@code w}, picks) back to PENDING with one more attempt,
	 * or FAILED after the last. The self-join shows RETURNING the holder and lease id before the update. The
	 * conditions stay on w, which PostgreSQL checks again on the locked row when a concurrent result got there
	 * first.
	 */
	private static final String RETURN_BLOCKS = """
			UPDATE work_block w SET state = CASE WHEN w.attempts + 1 >= :max THEN 'FAILED' ELSE 'PENDING' END,
			    attempts = w.attempts + 1,
			    failure_reason = CASE WHEN w.attempts + 1 >= :max
			                          THEN :reason || ' (attempt ' || (w.attempts + 1) || ')'
			                          ELSE w.failure_reason END,
			    lease_holder = NULL, lease_session = NULL, lease_id = NULL, lease_expires_at = NULL, updated_at = now()
			FROM work_block old
			WHERE old.id = w.id AND w.state = 'LEASED' AND %s
			RETURNING w.id, w.campaign_id, w.state, old.lease_holder, old.lease_id
			""";

	/**
	 * Leased blocks (those the condition in {@code %s}, on {@code w}, picks) back to PENDING with no attempt counted:
	 * they were not tried, only waited for (their probe's sources rest, or its session that held them is gone).
	 */
	private static final String PUT_BACK = """
			UPDATE work_block w SET state = 'PENDING',
			    lease_holder = NULL, lease_session = NULL, lease_id = NULL, lease_expires_at = NULL, updated_at = now()
			FROM work_block old
			WHERE old.id = w.id AND w.state = 'LEASED' AND %s
			RETURNING w.id, w.campaign_id, w.state, old.lease_holder, old.lease_id
			""";

	private final DatabaseClient db;

	BlockRepository(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Leases pending blocks of running campaigns to several probes in one statement: to each up to its
	 * {@code wanted} blocks, never taking it past its {@code maxHeld} blocks at once, as far as pending blocks go
	 * (the earlier requests first). {@code SKIP LOCKED} lets concurrent leasers (other server instances) pass each
	 * other without ever leasing one block twice. The probes must be distinct. Returns the blocks leased, by the
	 * index of their request in {@code wants}.
	 */
	Mono<Map<Integer, List<Leased>>> leaseAll(List<Want> wants, Duration duration) {
		int n = wants.size();
		String[] probes = new String[n];
		String[] sessions = new String[n];
		Integer[] wanted = new Integer[n];
		Integer[] maxHeld = new Integer[n];
		for (int i = 0; i < n; i++) {
			Want want = wants.get(i);
			probes[i] = want.probe();
			sessions[i] = want.session();
			wanted[i] = want.wanted();
			maxHeld[i] = want.maxHeld();
		}
		return this.db.sql("""
				WITH req AS (
				    SELECT * FROM UNNEST(:probes::text[], :sessions::text[], :wanted::int[], :maxHeld::int[])
				        WITH ORDINALITY AS r(probe, session, wanted, max_held, k)),
				want AS (
				    SELECT req.k, req.probe, req.session,
				        GREATEST(0, LEAST(req.wanted, req.max_held - (SELECT count(*) FROM work_block h
				                                                     WHERE h.state = 'LEASED' AND h.lease_holder = req.probe))) AS n
				    FROM req),
				slots AS (
				    SELECT want.k, want.probe, want.session, row_number() OVER (ORDER BY want.k, g) AS slot
				    FROM want, generate_series(1, want.n) AS g),
				picked AS (
				    SELECT b.id FROM work_block b JOIN campaign c ON c.id = b.campaign_id
				    WHERE b.state = 'PENDING' AND c.state = 'RUNNING'
				    ORDER BY b.campaign_id, b.id
				    LIMIT (SELECT count(*) FROM slots)
				    FOR UPDATE OF b SKIP LOCKED),
				numbered AS (
				    SELECT picked.id, row_number() OVER (ORDER BY picked.id) AS slot FROM picked)
				UPDATE work_block w SET state = 'LEASED', lease_holder = slots.probe, lease_session = slots.session,
				    lease_id = gen_random_uuid(),
				    lease_expires_at = now() + make_interval(secs => :seconds), updated_at = now()
				FROM numbered JOIN slots ON slots.slot = numbered.slot, campaign c
				WHERE w.id = numbered.id AND c.id = w.campaign_id
				RETURNING slots.k, w.id, w.campaign_id, w.first_num, w.last_num, w.lease_id, c.sources, c.verify
				""")
			.bind("probes", probes)
			.bind("sessions", sessions)
			.bind("wanted", wanted)
			.bind("maxHeld", maxHeld)
			.bind("seconds", (double) duration.toMillis() / 1000)
			.map((row) -> {
				String[] sources = row.get("sources", String[].class);
				return Map.entry(row.get("k", Long.class).intValue() - 1, new Leased(row.get("id", Long.class),
						row.get("campaign_id", Long.class), row.get("first_num", Long.class),
						row.get("last_num", Long.class), row.get("lease_id", UUID.class).toString(),
						(sources != null) ? List.of(sources) : List.of(), Boolean.TRUE.equals(row.get("verify", Boolean.class))));
			})
			.all()
			.collectMultimap(Map.Entry::getKey, Map.Entry::getValue)
			.map((byRequest) -> {
				Map<Integer, List<Leased>> leased = new HashMap<>();
				byRequest.forEach((k, blocks) -> leased.put(k, List.copyOf(blocks)));
				return leased;
			});
	}

	/** The block a lease is for, while {@code probe} holds it; empty otherwise. */
	Mono<Leased> held(String probe, String leaseId) {
		return this.db.sql("""
				SELECT b.id, b.campaign_id, b.first_num, b.last_num, b.lease_id, c.sources, c.verify
				FROM work_block b JOIN campaign c ON c.id = b.campaign_id
				WHERE b.lease_id = :lease AND b.lease_holder = :probe AND b.state = 'LEASED'
				""")
			.bind("lease", uuid(leaseId))
			.bind("probe", probe)
			.map((row) -> {
				String[] sources = row.get("sources", String[].class);
				return new Leased(row.get("id", Long.class), row.get("campaign_id", Long.class),
						row.get("first_num", Long.class), row.get("last_num", Long.class), leaseId,
						(sources != null) ? List.of(sources) : List.of(), Boolean.TRUE.equals(row.get("verify", Boolean.class)));
			})
			.one();
	}

	/** Extends a lease the probe still holds; returns whether it did. */
	Mono<Boolean> extend(String probe, String leaseId, int done, Duration duration) {
		return this.db.sql("""
				UPDATE work_block SET lease_expires_at = now() + make_interval(secs => :seconds), ips_done = :done,
				    updated_at = now()
				WHERE lease_id = :lease AND lease_holder = :probe AND state = 'LEASED'
				""")
			.bind("seconds", (double) duration.toMillis() / 1000)
			.bind("done", done)
			.bind("lease", uuid(leaseId))
			.bind("probe", probe)
			.fetch()
			.rowsUpdated()
			.map((n) -> n > 0);
	}

	/**
	 * Stores the findings of several blocks and marks them DONE, in one statement, each only while its probe holds
	 * its lease: a result for an expired or foreign lease, or a second copy, stores nothing and leaves the others
	 * stored. The blocks must have distinct leases and no address in common (one statement cannot upsert a row
	 * twice). Returns the campaign id of each result stored, by its index in {@code results}. Each row's sources are
	 * one comma-separated text (Postgres has no ragged arrays); source names cannot hold a comma (see
	 * {@code SourceCatalogue.NAME}, which {@code BlockWork} applies), so the split is exact.
	 */
	Mono<Map<Integer, Long>> storeAll(List<Result> results) {
		int blocks = results.size();
		UUID[] leases = new UUID[blocks];
		String[] probes = new String[blocks];
		Integer[] found = new Integer[blocks];
		int rows = 0;
		int empties = 0;
		for (int i = 0; i < blocks; i++) {
			Result result = results.get(i);
			leases[i] = uuid(result.leaseId());
			probes[i] = result.probe();
			found[i] = result.findings().domains().length;
			rows += result.findings().domains().length;
			empties += result.findings().empty().length;
		}
		Integer[] rowBlocks = new Integer[rows];
		String[] ips = new String[rows];
		String[] domains = new String[rows];
		Short[] levels = new Short[rows];
		Short[] verifications = new Short[rows];
		String[] sources = new String[rows];
		Integer[] emptyBlocks = new Integer[empties];
		String[] empty = new String[empties];
		int row = 0;
		int none = 0;
		for (int i = 0; i < blocks; i++) {
			Findings findings = results.get(i).findings();
			int n = findings.domains().length;
			Arrays.fill(rowBlocks, row, row + n, i + 1);
			System.arraycopy(findings.ips(), 0, ips, row, n);
			System.arraycopy(findings.domains(), 0, domains, row, n);
			System.arraycopy(findings.levels(), 0, levels, row, n);
			System.arraycopy(findings.verifications(), 0, verifications, row, n);
			System.arraycopy(findings.sources(), 0, sources, row, n);
			row += n;
			int e = findings.empty().length;
			Arrays.fill(emptyBlocks, none, none + e, i + 1);
			System.arraycopy(findings.empty(), 0, empty, none, e);
			none += e;
		}
		return this.db.sql("""
				WITH t AS (
				    SELECT * FROM UNNEST(:leases::uuid[], :probes::text[], :found::int[]) WITH ORDINALITY AS t(lease, probe, found, k)),
				lease AS (
				    UPDATE work_block w SET state = 'DONE', ips_done = w.last_num - w.first_num + 1, domains_found = t.found,
				        answered_by = t.probe, lease_holder = NULL, lease_session = NULL, lease_id = NULL, lease_expires_at = NULL,
				        updated_at = now()
				    FROM t
				    WHERE w.lease_id = t.lease AND w.lease_holder = t.probe AND w.state = 'LEASED'
				    RETURNING t.k, w.campaign_id, w.range_id, w.last_num - w.first_num + 1 AS size),
				d AS (
				    INSERT INTO ip_domain (ip, domain, domain_level, verification, sources, campaign_id)
				    SELECT r.ip::inet, r.domain, r.level, r.verification, array_remove(string_to_array(r.sources, ','), ''), lease.campaign_id
				    FROM lease JOIN UNNEST(:rowBlocks::int[], :ips::text[], :domains::text[], :levels::smallint[],
				                           :verifications::smallint[], :sources::text[]) AS r(k, ip, domain, level, verification, sources)
				         ON r.k = lease.k
				    ON CONFLICT (ip, domain) DO UPDATE SET last_seen = now(), is_new = false,
				        sources = ARRAY(SELECT DISTINCT s FROM unnest(ip_domain.sources || EXCLUDED.sources) AS s ORDER BY s),
				        verification = CASE WHEN EXCLUDED.verification <> 0 THEN EXCLUDED.verification
				                            ELSE ip_domain.verification END,
				        campaign_id = EXCLUDED.campaign_id
				    RETURNING 1),
				n AS (
				    INSERT INTO ip_no_domain (ip, campaign_id)
				    SELECT e.ip::inet, lease.campaign_id
				    FROM lease JOIN UNNEST(:emptyBlocks::int[], :empty::text[]) AS e(k, ip) ON e.k = lease.k
				    ON CONFLICT (ip) DO UPDATE SET checked_at = now(), campaign_id = EXCLUDED.campaign_id
				    RETURNING 1),
				r AS (
				    UPDATE ip_range SET resolved_count = resolved_count + s.size, dispatched = true
				    FROM (SELECT range_id, sum(size) AS size FROM lease GROUP BY range_id) s
				    WHERE ip_range.id = s.range_id
				    RETURNING 1)
				SELECT k, campaign_id FROM lease
				""")
			.bind("leases", leases)
			.bind("probes", probes)
			.bind("found", found)
			.bind("rowBlocks", rowBlocks)
			.bind("ips", ips)
			.bind("domains", domains)
			.bind("levels", levels)
			.bind("verifications", verifications)
			.bind("sources", sources)
			.bind("emptyBlocks", emptyBlocks)
			.bind("empty", empty)
			.map((r) -> Map.entry(r.get("k", Long.class).intValue() - 1, r.get("campaign_id", Long.class)))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue);
	}

	/**
	 * Gives back the blocks leased to one session of {@code probe}: not those a newer session of the same probe
	 * holds. Each goes back to PENDING with one more attempt, or to FAILED with {@code reason} after the last
	 * one. Returns the leases given back.
	 */
	Flux<Released> release(String probe, String session, String reason, int maxAttempts) {
		// Leases from before sessions were recorded have none; they go with any session of their probe.
		return this.db.sql(RETURN_BLOCKS.formatted(
				"w.lease_holder = :probe AND (w.lease_session = :session OR w.lease_session IS NULL)"))
			.bind("max", maxAttempts)
			.bind("reason", reason)
			.bind("probe", probe)
			.bind("session", session)
			.map(BlockRepository::released)
			.all();
	}

	/** Gives back the blocks whose lease expired, like {@link #release(String, String, String, int)}. */
	Flux<Released> releaseExpired(String reason, int maxAttempts) {
		return this.db.sql(RETURN_BLOCKS.formatted("w.lease_expires_at < now()"))
			.bind("max", maxAttempts)
			.bind("reason", reason)
			.map(BlockRepository::released)
			.all();
	}

	private static Released released(Readable row) {
		return new Released(row.get("id", Long.class), row.get("campaign_id", Long.class),
				row.get("lease_holder", String.class), row.get("lease_id", UUID.class).toString(),
				"FAILED".equals(row.get("state", String.class)));
	}

	/**
	 * Gives back the block of one lease at once, as if the lease had lapsed, only while {@code probe} holds it:
	 * PENDING with one more attempt, or FAILED with {@code reason} after the last one. Returns the lease given
	 * back, if it was.
	 */
	Mono<Released> giveUp(String probe, String leaseId, String reason, int maxAttempts) {
		return this.db.sql(RETURN_BLOCKS.formatted("w.lease_id = :lease AND w.lease_holder = :probe"))
			.bind("max", maxAttempts)
			.bind("reason", reason)
			.bind("lease", uuid(leaseId))
			.bind("probe", probe)
			.map(BlockRepository::released)
			.one();
	}

	/**
	 * Puts the block of one lease back, with no attempt counted, only while {@code probe} holds it: the probe could
	 * not start it because every source it may use rests. Returns the lease put back, if it was.
	 */
	Mono<Released> putBack(String probe, String leaseId) {
		return this.db.sql(PUT_BACK.formatted("w.lease_id = :lease AND w.lease_holder = :probe"))
			.bind("lease", uuid(leaseId))
			.bind("probe", probe)
			.map(BlockRepository::released)
			.one();
	}

	/**
	 * Puts back, with no attempt counted, the blocks {@code probe} holds through sessions other than {@code session}:
	 * a probe's block runs end with the session that leased them, so when the probe is back with a new session (its
	 * connection dropped, the server restarted) nobody works on those blocks any more. Leases from before sessions
	 * were recorded have none and are left to expire.
	 */
	Flux<Released> putBackOtherSessions(String probe, String session) {
		return this.db.sql(PUT_BACK.formatted("w.lease_holder = :probe AND w.lease_session <> :session"))
			.bind("probe", probe)
			.bind("session", session)
			.map(BlockRepository::released)
			.all();
	}

	/**
	 * Moves the leases of {@code probe} named in {@code leaseIds} to its session {@code session}, whichever session
	 * leased them: the probe holds their finished results and sends them again in that session. Their expiry is at
	 * least a full lease from now. Returns how many moved; a lease that ended meanwhile stays ended.
	 */
	Mono<Long> adopt(String probe, String session, List<String> leaseIds, Duration duration) {
		if (leaseIds.isEmpty()) {
			return Mono.just(0L);
		}
		return this.db.sql("""
				UPDATE work_block SET lease_session = :session, updated_at = now(),
				    lease_expires_at = GREATEST(lease_expires_at, now() + make_interval(secs => :seconds))
				WHERE state = 'LEASED' AND lease_holder = :probe AND lease_id = ANY(:leases)
				""")
			.bind("session", session)
			.bind("seconds", (double) duration.toMillis() / 1000)
			.bind("probe", probe)
			.bind("leases", leaseIds.stream().map(BlockRepository::uuid).toArray(UUID[]::new))
			.fetch()
			.rowsUpdated();
	}

	/**
	 * After the database was away for {@code outage}: every lease is pushed forward by that long, and to at least a
	 * full lease from now, since its probe could not report progress meanwhile. Returns how many leases moved.
	 */
	Mono<Long> extendAfterOutage(Duration outage, Duration duration) {
		return this.db.sql("""
				UPDATE work_block SET lease_expires_at = GREATEST(lease_expires_at + make_interval(secs => :outage),
				                                                  now() + make_interval(secs => :seconds)),
				    updated_at = now()
				WHERE state = 'LEASED'
				""")
			.bind("outage", (double) outage.toMillis() / 1000)
			.bind("seconds", (double) duration.toMillis() / 1000)
			.fetch()
			.rowsUpdated();
	}

	/** The campaigns running now. */
	Flux<Long> running() {
		return this.db.sql("SELECT id FROM campaign WHERE state = 'RUNNING' ORDER BY id")
			.map((row) -> row.get("id", Long.class))
			.all();
	}

	/**
	 * Puts back, with no attempt counted, every block {@code probe} holds: it was quarantined and gets no work.
	 * Returns the leases put back.
	 */
	Flux<Released> putBackAll(String probe) {
		return this.db.sql(PUT_BACK.formatted("w.lease_holder = :probe"))
			.bind("probe", probe)
			.map(BlockRepository::released)
			.all();
	}

	/**
	 * Undoes what {@code probe} answered in campaigns not cancelled: its DONE blocks go back to PENDING, the names
	 * and "none" records they stored in that campaign go (names seen before the campaign started stay), and a DONE
	 * campaign runs again. Returns the campaigns that got blocks back.
	 */
	Flux<Long> redoAnsweredBy(String probe) {
		return this.db.sql("""
				WITH redo AS (
				    UPDATE work_block w SET state = 'PENDING', ips_done = 0, domains_found = 0, answered_by = NULL,
				        updated_at = now()
				    FROM campaign c
				    WHERE c.id = w.campaign_id AND w.state = 'DONE' AND w.answered_by = :probe
				      AND c.state IN ('RUNNING', 'PAUSED', 'DONE')
				    RETURNING w.campaign_id, w.range_id, w.first_num, w.last_num, c.started_at),
				d AS (
				    DELETE FROM ip_domain x USING redo
				    WHERE x.campaign_id = redo.campaign_id
				      AND x.ip BETWEEN '0.0.0.0'::inet + redo.first_num AND '0.0.0.0'::inet + redo.last_num
				      AND x.first_seen >= coalesce(redo.started_at, '-infinity'::timestamptz)
				    RETURNING 1),
				n AS (
				    DELETE FROM ip_no_domain x USING redo
				    WHERE x.campaign_id = redo.campaign_id
				      AND x.ip BETWEEN '0.0.0.0'::inet + redo.first_num AND '0.0.0.0'::inet + redo.last_num
				    RETURNING 1),
				r AS (
				    UPDATE ip_range SET resolved_count = greatest(0, resolved_count - s.size)
				    FROM (SELECT range_id, sum(last_num - first_num + 1) AS size FROM redo GROUP BY range_id) s
				    WHERE ip_range.id = s.range_id
				    RETURNING 1),
				reopened AS (
				    UPDATE campaign SET state = 'RUNNING', finished_at = NULL
				    WHERE id IN (SELECT campaign_id FROM redo) AND state = 'DONE'
				    RETURNING id)
				SELECT DISTINCT campaign_id FROM redo
				""")
			.bind("probe", probe)
			.map((row) -> row.get("campaign_id", Long.class))
			.all();
	}

	/**
	 * Ends a running campaign with no block left to do: DONE, or FAILED when every block failed. Returns the
	 * new state when it changed.
	 */
	Mono<String> finishIfComplete(long campaignId) {
		return this.db.sql("""
				UPDATE campaign SET state = CASE WHEN EXISTS (SELECT 1 FROM work_block WHERE campaign_id = :id AND state = 'DONE')
				                                 THEN 'DONE' ELSE 'FAILED' END,
				    finished_at = now()
				WHERE id = :id AND state IN ('RUNNING', 'PAUSED')
				  AND NOT EXISTS (SELECT 1 FROM work_block WHERE campaign_id = :id AND state IN ('PENDING', 'LEASED'))
				RETURNING state
				""")
			.bind("id", campaignId)
			.map((row) -> row.get("state", String.class))
			.one();
	}

	private static UUID uuid(String leaseId) {
		try {
			return UUID.fromString(leaseId);
		}
		catch (IllegalArgumentException ex) {
			return new UUID(0, 0); // matches no lease
		}
	}

	/** A leased block. */
	record Leased(long blockId, long campaignId, long first, long last, String leaseId, List<String> sources,
			boolean verify) {
	}

	/** A lease given back, with the probe that held it; {@code failed} when that was the block's last attempt. */
	record Released(long blockId, long campaignId, String holder, String leaseId, boolean failed) {
	}

	/** A probe's {@code want-blocks}, for {@link #leaseAll(List, Duration)}. */
	record Want(String probe, String session, int wanted, int maxHeld) {
	}

	/** One block's result from its lease holder, for {@link #storeAll(List)}. */
	record Result(String probe, String leaseId, Findings findings) {
	}

	/** A block result as parallel arrays, ready for UNNEST. */
	record Findings(String[] ips, String[] domains, Short[] levels, Short[] verifications, String[] sources,
			String[] empty) {
	}
}
