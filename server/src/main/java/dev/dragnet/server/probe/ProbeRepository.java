package dev.dragnet.server.probe;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code probe} table: every probe ever seen, its state and lifetime counters. */
@Repository
class ProbeRepository {

	private final DatabaseClient db;

	ProbeRepository(DatabaseClient db) {
		this.db = db;
	}

	Mono<Void> connected(ProbeSession session) {
		return this.db.sql("""
				INSERT INTO probe (name, remote_address, state, version, capabilities, max_concurrency,
				                   connected_since, last_seen, disconnected_at, disconnect_reason)
				VALUES (:name, :address, 'EFFECTIVE', :version, :capabilities, :max, :since, :since, NULL, NULL)
				ON CONFLICT (name) DO UPDATE SET remote_address = EXCLUDED.remote_address, state = 'EFFECTIVE',
				    version = EXCLUDED.version, capabilities = EXCLUDED.capabilities,
				    max_concurrency = EXCLUDED.max_concurrency, connected_since = EXCLUDED.connected_since,
				    last_seen = EXCLUDED.last_seen, disconnected_at = NULL, disconnect_reason = NULL
				""")
			.bind("name", session.name())
			.bind("address", session.remoteAddress())
			.bind("version", session.version())
			.bind("capabilities", session.capabilities().toArray(String[]::new))
			.bind("max", session.maxConcurrency())
			.bind("since", utc(session.connectedSince()))
			.then();
	}

	/** Saves last-seen time and counters; only while this session is still the probe's current one. */
	Mono<Void> touch(ProbeSession session) {
		return Mono.defer(() -> touchNow(session));
	}

	private Mono<Void> touchNow(ProbeSession session) {
		long[] counts = session.drainCounters();
		return this.db.sql("""
				UPDATE probe SET last_seen = :seen, completed = completed + :completed, failed = failed + :failed,
				    throttled = throttled + :throttled
				WHERE name = :name
				""")
			.bind("seen", utc(session.lastSeen()))
			.bind("completed", counts[0])
			.bind("failed", counts[1])
			.bind("throttled", counts[2])
			.bind("name", session.name())
			.then();
	}

	/** Marks the probe INEFFECTIVE, unless a newer session of the same name already took over. */
	Mono<Void> disconnected(ProbeSession session, String reason, Instant at) {
		return Mono.defer(() -> disconnectedNow(session, reason, at));
	}

	private Mono<Void> disconnectedNow(ProbeSession session, String reason, Instant at) {
		long[] counts = session.drainCounters();
		return this.db.sql("""
				UPDATE probe SET state = CASE WHEN connected_since = :since THEN 'INEFFECTIVE' ELSE state END,
				    disconnected_at = CASE WHEN connected_since = :since THEN :at ELSE disconnected_at END,
				    disconnect_reason = CASE WHEN connected_since = :since THEN :reason ELSE disconnect_reason END,
				    last_seen = GREATEST(last_seen, :seen),
				    completed = completed + :completed, failed = failed + :failed, throttled = throttled + :throttled
				WHERE name = :name
				""")
			.bind("since", utc(session.connectedSince()))
			.bind("at", utc(at))
			.bind("reason", reason)
			.bind("seen", utc(session.lastSeen()))
			.bind("completed", counts[0])
			.bind("failed", counts[1])
			.bind("throttled", counts[2])
			.bind("name", session.name())
			.then();
	}

	/** At start no session is live on this instance, so no probe can be effective through it. */
	Mono<Long> allIneffective(String reason, Instant at) {
		return this.db.sql("""
				UPDATE probe SET state = 'INEFFECTIVE', disconnected_at = :at, disconnect_reason = :reason
				WHERE state = 'EFFECTIVE' AND (connected_since IS NULL OR connected_since < :at)
				""")
			.bind("at", utc(at))
			.bind("reason", reason)
			.fetch()
			.rowsUpdated();
	}

	Flux<ProbeRow> findAll() {
		return this.db.sql("SELECT * FROM probe ORDER BY name").map(ProbeRepository::row).all();
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
				instant(r.get("revoked_at", OffsetDateTime.class)), r.get("quarantine_reason", String.class));
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
			long completed, long failed, long throttled, @Nullable Instant revokedAt, @Nullable String quarantineReason) {
	}
}
