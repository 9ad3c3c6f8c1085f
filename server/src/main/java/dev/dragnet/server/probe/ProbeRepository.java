package dev.dragnet.server.probe;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import dev.dragnet.server.cluster.ClusterMembership;
import dev.dragnet.server.db.Chore;
import dev.dragnet.server.db.DatabaseFailures;
import dev.dragnet.server.db.DatabaseProperties;
import dev.dragnet.server.db.DatabaseStatus;
import dev.dragnet.server.probe.ProbeBacklog.Pending;
import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code probe} table: every probe ever seen, its state and lifetime counters. Session changes are written
 * at once while the database answers and wait in a bounded {@link ProbeBacklog} while it does not.
 */
@Repository
class ProbeRepository {

	/** The advisory lock of {@link #archive}, so that one server instance archives at a time ("probe_ar"). */
	private static final long ARCHIVE_LOCK = 0x70726f62655f6172L;

	/** Probes whose last-seen times one statement saves at most. */
	static final int TOUCH_BATCH = 1000;

	private final DatabaseClient db;

	private final DatabaseStatus status;

	private final ProbeBacklog backlog;

	private final ClusterMembership cluster;

	ProbeRepository(DatabaseClient db, DatabaseStatus status, DatabaseProperties properties, ClusterMembership cluster) {
		this.db = db;
		this.status = status;
		this.backlog = new ProbeBacklog(properties.probeBacklog());
		this.cluster = cluster;
	}

	/** Saves a new session: the whole row, EFFECTIVE. Never fails while the database is away (see below). */
	Mono<Void> connected(ProbeSession session) {
		return Mono.defer(() -> save(session.name(), Pending.connected(session)));
	}

	/**
	 * Saves the last-seen times and counters of many sessions, {@value #TOUCH_BATCH} to a statement (the ping sweep's
	 * save). A probe whose earlier state still waits, and every one while the database is away, waits in the backlog
	 * instead, to be written back in order.
	 */
	Mono<Void> touchAll(List<ProbeSession> sessions) {
		return Flux.fromIterable(sessions).buffer(TOUCH_BATCH).concatMap(this::touchBatch).then();
	}

	private Mono<Void> touchBatch(List<ProbeSession> sessions) {
		return Mono.defer(() -> {
			Map<String, Pending> now = new LinkedHashMap<>();
			for (ProbeSession session : sessions) {
				Pending touched = Pending.touched(session, session.drainCounters());
				if (!this.status.isAvailable() || this.backlog.holds(session.name())) {
					this.backlog.add(session.name(), touched);
				}
				else {
					now.merge(session.name(), touched, Pending::then);
				}
			}
			if (now.isEmpty()) {
				return Mono.empty();
			}
			return writeTouches(now).timeout(this.status.optionalTimeout()).onErrorResume((ex) -> {
				this.status.failed(ex);
				if (!(ex instanceof TimeoutException) && !DatabaseFailures.isUnavailable(ex)) {
					return Mono.error(ex);
				}
				now.forEach(this.backlog::add);
				return Mono.empty();
			});
		});
	}

	/** One UPDATE for many probes' last-seen times (as microseconds since the epoch) and counters. */
	private Mono<Void> writeTouches(Map<String, Pending> states) {
		int n = states.size();
		String[] names = new String[n];
		Long[] seen = new Long[n];
		Long[] completed = new Long[n];
		Long[] failed = new Long[n];
		Long[] throttled = new Long[n];
		int i = 0;
		for (Map.Entry<String, Pending> entry : states.entrySet()) {
			Pending state = entry.getValue();
			Instant at = (state.lastSeen() != null) ? state.lastSeen() : state.sessionSince();
			names[i] = entry.getKey();
			seen[i] = ChronoUnit.MICROS.between(Instant.EPOCH, at);
			completed[i] = state.counters()[0];
			failed[i] = state.counters()[1];
			throttled[i] = state.counters()[2];
			i++;
		}
		return this.db.sql("""
				UPDATE probe SET
				    last_seen = GREATEST(probe.last_seen, timestamptz 'epoch' + t.seen * interval '1 microsecond'),
				    completed = probe.completed + t.completed, failed = probe.failed + t.failed,
				    throttled = probe.throttled + t.throttled
				FROM unnest(:names::text[], :seen::bigint[], :completed::bigint[], :failed::bigint[],
				            :throttled::bigint[]) AS t(name, seen, completed, failed, throttled)
				WHERE probe.name = t.name
				""")
			.bind("names", names)
			.bind("seen", seen)
			.bind("completed", completed)
			.bind("failed", failed)
			.bind("throttled", throttled)
			.then();
	}

	/** Marks the probe INEFFECTIVE, unless a newer session of the same name already took over. */
	Mono<Void> disconnected(ProbeSession session, String reason, Instant at) {
		return Mono.defer(
				() -> save(session.name(), Pending.disconnected(session, reason, at, session.drainCounters())));
	}

	/**
	 * Writes a probe's state, or, while the database is away (or an earlier state of the probe still waits), keeps
	 * it in the bounded backlog to be written when it is back: probes are served whatever the database does.
	 * Failures other than an unreachable database are errors as before.
	 */
	private Mono<Void> save(String name, Pending state) {
		if (!this.status.isAvailable() || this.backlog.holds(name)) {
			this.backlog.add(name, state);
			return Mono.empty();
		}
		return write(name, state).timeout(this.status.optionalTimeout()).onErrorResume((ex) -> {
			this.status.failed(ex);
			if (!(ex instanceof TimeoutException) && !DatabaseFailures.isUnavailable(ex)) {
				return Mono.error(ex);
			}
			this.backlog.add(name, state);
			return Mono.empty();
		});
	}

	/** What waits to be written, by probe name. */
	Map<String, Pending> waiting() {
		return this.backlog.snapshot();
	}

	/** Writes back what waits, oldest first, while the database answers; stops at the first failure. */
	Mono<Void> flush() {
		return Flux.defer(() -> Flux.range(0, this.backlog.size()))
			.concatMap((i) -> Mono.defer(() -> this.backlog.take().map(this::writeBack).orElseGet(Mono::empty)))
			.then();
	}

	private Mono<Void> writeBack(Map.Entry<String, Pending> waiting) {
		return write(waiting.getKey(), waiting.getValue()).timeout(this.status.optionalTimeout())
			.doOnSuccess((done) -> this.backlog.written(waiting.getKey()))
			.onErrorResume((ex) -> {
				this.backlog.failed(waiting.getKey(), waiting.getValue());
				this.status.failed(ex);
				return Mono.error(ex);
			});
	}

	private Mono<Void> write(String name, Pending state) {
		return state.row() ? writeRow(name, state) : writeUpdate(name, state);
	}

	private Mono<Void> writeRow(String name, Pending state) {
		return this.db.sql("""
				INSERT INTO probe (name, remote_address, state, version, capabilities, max_concurrency,
				                   connected_since, last_seen, disconnected_at, disconnect_reason,
				                   completed, failed, throttled, instance_id)
				VALUES (:name, :address, :state, :version, :capabilities, :max, :since, :seen, :at, :reason,
				        :completed, :failed, :throttled, :instance)
				ON CONFLICT (name) DO UPDATE SET remote_address = EXCLUDED.remote_address, state = EXCLUDED.state,
				    version = EXCLUDED.version, capabilities = EXCLUDED.capabilities,
				    max_concurrency = EXCLUDED.max_concurrency, connected_since = EXCLUDED.connected_since,
				    last_seen = EXCLUDED.last_seen, disconnected_at = EXCLUDED.disconnected_at,
				    disconnect_reason = EXCLUDED.disconnect_reason, completed = probe.completed + EXCLUDED.completed,
				    failed = probe.failed + EXCLUDED.failed, throttled = probe.throttled + EXCLUDED.throttled,
				    archived_at = NULL, instance_id = EXCLUDED.instance_id
				""")
			.bind("name", name)
			.bind("address", nullable(state.remoteAddress()))
			.bind("state", String.valueOf(state.state()))
			.bind("version", nullable(state.version()))
			.bind("capabilities", state.capabilities().toArray(String[]::new))
			.bind("max", state.maxConcurrency())
			.bind("since", utc(state.sessionSince()))
			.bind("seen", utc((state.lastSeen() != null) ? state.lastSeen() : state.sessionSince()))
			.bind("at", nullableTime(state.disconnectedAt()))
			.bind("reason", nullable(state.disconnectReason()))
			.bind("completed", state.counters()[0])
			.bind("failed", state.counters()[1])
			.bind("throttled", state.counters()[2])
			.bind("instance", this.cluster.id())
			.then();
	}

	/** The state only if {@code :since} is still the stored session: a newer session may have taken over. */
	private Mono<Void> writeUpdate(String name, Pending state) {
		boolean ends = state.state() != null;
		return this.db.sql("""
				UPDATE probe SET
				    state = CASE WHEN :ends AND connected_since = :since THEN :state ELSE state END,
				    disconnected_at = CASE WHEN :ends AND connected_since = :since THEN :at ELSE disconnected_at END,
				    disconnect_reason = CASE WHEN :ends AND connected_since = :since THEN :reason
				        ELSE disconnect_reason END,
				    last_seen = GREATEST(last_seen, :seen),
				    completed = completed + :completed, failed = failed + :failed, throttled = throttled + :throttled
				WHERE name = :name
				""")
			.bind("ends", ends)
			.bind("since", utc(state.sessionSince()))
			.bind("state", String.valueOf(state.state()))
			.bind("at", nullableTime(state.disconnectedAt()))
			.bind("reason", nullable(state.disconnectReason()))
			.bind("seen", utc((state.lastSeen() != null) ? state.lastSeen() : state.sessionSince()))
			.bind("completed", state.counters()[0])
			.bind("failed", state.counters()[1])
			.bind("throttled", state.counters()[2])
			.bind("name", name)
			.then();
	}

	private static Parameter nullable(@Nullable String value) {
		return (value != null) ? Parameters.in(value) : Parameters.in(String.class);
	}

	private static Parameter nullableTime(@Nullable Instant value) {
		return (value != null) ? Parameters.in(utc(value)) : Parameters.in(OffsetDateTime.class);
	}

	/**
	 * At start: probes stored as effective through an instance that is no longer alive (an earlier run of this
	 * server, say) have no live session anywhere; probes of live instances are left alone.
	 */
	Mono<Long> allIneffective(String reason, Instant at) {
		return this.db.sql("""
				UPDATE probe SET state = 'INEFFECTIVE', disconnected_at = :at, disconnect_reason = :reason
				WHERE state = 'EFFECTIVE' AND (connected_since IS NULL OR connected_since < :at)
				    AND (instance_id IS NULL OR NOT %s)
				""".formatted(ClusterMembership.aliveCondition("instance_id")))
			.bind("at", utc(at))
			.bind("reason", reason)
			.bind("deadAfterMillis", this.cluster.deadAfterMillis())
			.fetch()
			.rowsUpdated();
	}

	/**
	 * The probes whose sessions were on instance {@code id}, which died: those still EFFECTIVE there become
	 * INEFFECTIVE; those it closed itself as it shut down are taken over too (that instance raised no alert for them:
	 * it was stopping), unless they have connected elsewhere since. Returns them all.
	 */
	Flux<ProbeRow> instanceGone(String id, String reason) {
		return this.db.sql("""
				UPDATE probe SET state = 'INEFFECTIVE',
				    disconnected_at = CASE WHEN state = 'EFFECTIVE' THEN now() ELSE disconnected_at END,
				    disconnect_reason = CASE WHEN state = 'EFFECTIVE' THEN :reason ELSE disconnect_reason END
				WHERE instance_id = :id
				    AND (state = 'EFFECTIVE' OR (state = 'INEFFECTIVE' AND position(:stopping IN disconnect_reason) > 0))
				RETURNING *
				""")
			.bind("id", id)
			.bind("reason", reason)
			.bind("stopping", ProbeShutdown.SHUTTING_DOWN)
			.map(ProbeRepository::row)
			.all();
	}

	/**
	 * The rows changed since {@code since} (or, for null, every row not archived), in one statement, with where the
	 * next read starts: the highest change number and the transactions in progress, both as this statement's snapshot
	 * sees them. A row written by one of those transactions is read next time whatever its number; every other
	 * change not seen yet has a higher number (schema.sql, "The probe change feed").
	 */
	Mono<ProbeMirror.Delta> changes(ProbeMirror.@Nullable Cursor since) {
		String which = (since == null) ? "p.archived_at IS NULL"
				: "p.change_seq > :high OR p.change_xid = ANY(CAST(:inProgress AS text[])::xid8[])";
		DatabaseClient.GenericExecuteSpec spec = this.db.sql("""
				SELECT s.high AS feed_high, s.in_progress AS feed_in_progress, p.*
				FROM (SELECT (SELECT max(change_seq) FROM probe) AS high,
				             ARRAY(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) AS x) AS in_progress) AS s
				LEFT JOIN probe p ON %s
				""".formatted(which));
		if (since != null) {
			spec = spec.bind("high", since.high()).bind("inProgress", since.inProgress().toArray(String[]::new));
		}
		return spec.map((r) -> {
			Long high = r.get("feed_high", Long.class);
			String[] inProgress = r.get("feed_in_progress", String[].class);
			ProbeMirror.Cursor cursor = new ProbeMirror.Cursor((high != null) ? high : 0,
					(inProgress != null) ? List.of(inProgress) : List.of());
			boolean archived = r.get("archived_at", OffsetDateTime.class) != null;
			return new FeedRow(cursor, (r.get("name", String.class) == null) ? null : row(r), archived);
		}).all().collectList().map((read) -> {
			List<ProbeRow> changed = new ArrayList<>(read.size());
			List<String> archived = new ArrayList<>();
			for (FeedRow feed : read) {
				ProbeRow row = feed.row();
				if (row != null) {
					if (feed.archived()) {
						archived.add(row.name());
					}
					else {
						changed.add(row);
					}
				}
			}
			ProbeMirror.Cursor next = read.isEmpty() ? new ProbeMirror.Cursor(0, List.of()) : read.get(0).cursor();
			return new ProbeMirror.Delta(since == null, changed, archived, next);
		});
	}

	/** One row of {@link #changes}: the cursor (the same on every row), and a probe row unless none changed. */
	private record FeedRow(ProbeMirror.Cursor cursor, @Nullable ProbeRow row, boolean archived) {
	}

	/**
	 * Archives at most {@code batch} probes disconnected since before {@code before}: they leave the listings and
	 * return when they connect again ({@link #write}). Under {@link Chore#LOCKED}; the number archived.
	 */
	Mono<Long> archive(Instant before, int batch) {
		return this.db.sql(Chore.LOCKED + """
				UPDATE probe SET archived_at = now()
				WHERE (SELECT mine FROM turn) AND name IN (SELECT name FROM probe
				    WHERE archived_at IS NULL AND state = 'INEFFECTIVE' AND disconnected_at < :before LIMIT :batch)
				""")
			.bind("lock", ARCHIVE_LOCK)
			.bind("before", utc(before))
			.bind("batch", batch)
			.fetch()
			.rowsUpdated();
	}

	private static ProbeRow row(Readable r) {
		String[] capabilities = r.get("capabilities", String[].class);
		return new ProbeRow(r.get("name", String.class), r.get("remote_address", String.class),
				ProbeState.valueOf(r.get("state", String.class)), r.get("version", String.class),
				(capabilities != null) ? List.of(capabilities) : List.of(),
				nonNull(r.get("max_concurrency", Integer.class)), instant(r.get("connected_since", OffsetDateTime.class)),
				instant(r.get("last_seen", OffsetDateTime.class)), instant(r.get("disconnected_at", OffsetDateTime.class)),
				r.get("disconnect_reason", String.class), nonNull(r.get("completed", Long.class)),
				nonNull(r.get("failed", Long.class)), nonNull(r.get("throttled", Long.class)),
				instant(r.get("revoked_at", OffsetDateTime.class)), r.get("quarantine_reason", String.class),
				r.get("instance_id", String.class));
	}

	private static int nonNull(@Nullable Integer value) {
		return (value != null) ? value : 0;
	}

	private static long nonNull(@Nullable Long value) {
		return (value != null) ? value : 0;
	}

	private static @Nullable Instant instant(@Nullable OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	/** A probe as stored. */
	record ProbeRow(String name, @Nullable String remoteAddress, ProbeState state, @Nullable String version,
			List<String> capabilities, int maxConcurrency, @Nullable Instant connectedSince,
			@Nullable Instant lastSeen, @Nullable Instant disconnectedAt, @Nullable String disconnectReason,
			long completed, long failed, long throttled, @Nullable Instant revokedAt, @Nullable String quarantineReason,
			@Nullable String instanceId) {
	}
}
