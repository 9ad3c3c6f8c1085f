package dev.dragnet.server.alert;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import dev.dragnet.server.cluster.ClusterMembership;
import dev.dragnet.server.db.DatabaseStatus;
import dev.dragnet.server.probe.ProbeStateChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which probes were reported down, kept in the {@code probe_alert} table: the durable, shared half of the alert
 * state. Every server instance raises alerts for the probes it sees change, and this decides which of them are
 * mailed: a down only by the instance whose insert wins and only while the probe is not effective anywhere (it may
 * have moved to another instance meanwhile), a recovery only by the instance whose delete wins. So each message
 * goes out once, whichever instance the probe was or is on, and a restart neither repeats a down nor loses a
 * recovery.
 *
 * <p>While the database is away the instance falls back on what it knows in memory ({@link ProbeWatch}): messages
 * go out, possibly once per instance, rather than not at all.
 */
@Component
class AlertLedger {

	private static final Logger logger = LoggerFactory.getLogger(AlertLedger.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final DatabaseClient db;

	private final DatabaseStatus status;

	private final ClusterMembership cluster;

	AlertLedger(DatabaseClient db, DatabaseStatus status, ClusterMembership cluster) {
		this.db = db;
		this.status = status;
		this.cluster = cluster;
	}

	/**
	 * Of the detections a round lists, those this instance mails: flapping notices always (they are about what this
	 * instance saw), downs only when recorded here first and the probe is not effective on another instance (this
	 * instance's own view of it is the round's: its row may not say INEFFECTIVE yet when the round ends).
	 */
	Mono<List<ProbeWatch.Detection>> claimDowns(List<ProbeWatch.Detection> listed) {
		if (!this.status.isAvailable()) {
			return Mono.just(listed);
		}
		return Flux.fromIterable(listed)
			.concatMap((detection) -> detection.flapping() ? Mono.just(detection)
					: claimDown(detection.change()).filter(Boolean::booleanValue).map((claimed) -> detection))
			.collectList()
			.timeout(TIMEOUT.multipliedBy(2))
			.onErrorResume((ex) -> {
				this.status.failed(ex);
				logger.warn("could not record probes reported down ({}); mailing what this instance saw",
						ex.toString());
				return Mono.just(listed);
			});
	}

	private Mono<Boolean> claimDown(ProbeStateChange change) {
		return this.db.sql("""
				INSERT INTO probe_alert (probe, down_at, reason, remote_address, reported_by)
				SELECT :probe, :at, :reason, :address, :instance
				WHERE NOT EXISTS (SELECT 1 FROM probe WHERE name = :probe AND state = 'EFFECTIVE'
				                  AND instance_id IS DISTINCT FROM :instance)
				ON CONFLICT (probe) DO NOTHING
				RETURNING probe
				""")
			.bind("probe", change.probe())
			.bind("at", change.at().atOffset(ZoneOffset.UTC))
			.bind("reason", String.valueOf(change.reason()))
			.bind("address", change.remoteAddress())
			.bind("instance", this.cluster.id())
			.map((row) -> Boolean.TRUE)
			.one()
			.defaultIfEmpty(Boolean.FALSE)
			.timeout(TIMEOUT);
	}

	/**
	 * Whether {@code back} is the recovery of a reported down that this instance mails: the reported down, or
	 * empty. {@code remembered} is what this instance's memory says, used while the database is away.
	 */
	Mono<Optional<ProbeStateChange>> claimRecovery(ProbeStateChange back, Optional<ProbeStateChange> remembered) {
		if (!this.status.isAvailable()) {
			return Mono.just(remembered);
		}
		return this.db.sql("DELETE FROM probe_alert WHERE probe = :probe RETURNING down_at, reason, remote_address")
			.bind("probe", back.probe())
			.map((row) -> {
				String reason = row.get("reason", String.class);
				String address = row.get("remote_address", String.class);
				Instant at = row.get("down_at", OffsetDateTime.class).toInstant();
				return Optional.of(new ProbeStateChange(back.probe(), ProbeStateChange.Kind.INEFFECTIVE,
						(address != null) ? address : back.remoteAddress(), at, at, reason, List.of(), List.of()));
			})
			.one()
			.defaultIfEmpty(Optional.empty())
			.timeout(TIMEOUT)
			.onErrorResume((ex) -> {
				this.status.failed(ex);
				return Mono.just(remembered);
			});
	}
}
