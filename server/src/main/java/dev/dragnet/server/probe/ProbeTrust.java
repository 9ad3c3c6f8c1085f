package dev.dragnet.server.probe;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.cluster.ClusterEvents;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.publisher.Mono;

/**
 * Decides which probes are trusted with work: revokes probes (their session closes at once, their credential is
 * refused from then on), quarantines probes that keep failing or lose spot checks (they stay connected and get no
 * work), and releases them when an admin says so. See docs/PROBE-TRUST.md.
 */
@Service
public class ProbeTrust {

	private static final Logger logger = LoggerFactory.getLogger(ProbeTrust.class);

	private final ProbeCredentials credentials;

	private final ProbeRegistry registry;

	private final ProbeProperties.Quarantine limits;

	private final Clock clock;

	private final ObjectProvider<CampaignFrames> campaigns;

	/** Per probe name: failures in a row, and spot checks lost since its last release. */
	private final Map<String, Record> records = new ConcurrentHashMap<>();

	/** When any probe last answered a task well: failures only count while others succeed. */
	private final Map<String, Instant> lastSuccess = new ConcurrentHashMap<>();

	private final ClusterEvents cluster;

	/** The cluster event that carries a trust decision to the instance holding the probe's session. */
	static final String TRUST_EVENT = "trust";

	ProbeTrust(ProbeCredentials credentials, ProbeRegistry registry, ProbeProperties properties,
			ObjectProvider<Clock> clock, ObjectProvider<CampaignFrames> campaigns, ClusterEvents cluster) {
		this.cluster = cluster;
		// A revocation, release or quarantine decided on another instance, for a session that may be on this one.
		cluster.on(TRUST_EVENT, (event) -> decidedElsewhere(event.subject(), event.detail()));
		this.campaigns = campaigns;
		this.credentials = credentials;
		this.registry = registry;
		this.limits = properties.quarantine();
		this.clock = clock.getIfAvailable(Clock::systemUTC);
	}

	/**
	 * Revokes probe {@code name}: stores it, then closes its live session with {@link Protocol#CLOSE_REVOKED};
	 * its tasks and blocks go to other probes as for any closed session. Answers false for an unknown probe.
	 */
	Mono<Boolean> revoke(String name) {
		String reason = "revoked by an admin";
		return this.credentials.revoke(name, reason, this.clock.instant()).doOnNext((known) -> {
			if (known) {
				logger.warn("probe {} REVOKED: its credential is refused from now on", name);
				revokedHere(name);
				tellOthers(name, REVOKED);
			}
		});
	}

	/** Lets a quarantined probe have work again and forgets its record. Answers false for an unknown probe. */
	Mono<Boolean> release(String name) {
		return this.credentials.quarantine(name, null, this.clock.instant()).doOnNext((known) -> {
			if (known) {
				releasedHere(name);
				tellOthers(name, RELEASED);
				logger.info("probe {} released from quarantine by an admin: it gets work again", name);
			}
		});
	}

	/**
	 * Counts a task result: a failure in a row for the probe, or a success that ends its streak. A probe with
	 * {@code maxConsecutiveFailures} failures in a row while other probes answered is quarantined.
	 */
	Mono<Void> observe(ProbeSession session, TaskResult result) {
		Instant now = this.clock.instant();
		switch (result.outcome()) {
			case OK, TRUNCATED -> {
				this.lastSuccess.put(session.name(), now);
				record(session.name()).failures.set(0);
				return Mono.empty();
			}
			case TIMEOUT, CONNECT_FAILED, ERROR -> {
				Record record = record(session.name());
				if (record.failures.getAndIncrement() == 0) {
					record.streakStarted = now;
				}
				int failures = record.failures.get();
				if (this.limits.maxConsecutiveFailures() > 0 && failures >= this.limits.maxConsecutiveFailures()
						&& othersSucceededSince(session.name(), record.streakStarted)) {
					return quarantine(session.name(), failures + " tasks failed in a row while other probes answered", false);
				}
				return Mono.empty();
			}
			default -> {
				return Mono.empty(); // throttling and the probe's own refusals are not its fault
			}
		}
	}

	/**
	 * A spot check found this probe's answer different from two other probes' agreeing answers for the same
	 * query. After {@code maxDisagreements} of them the probe is quarantined, and what it answered in campaigns is
	 * done again by others.
	 */
	public Mono<Void> lostSpotCheck(String probe, String what) {
		int lost = record(probe).disagreements.incrementAndGet();
		logger.warn("probe {} answered {} differently from two other probes ({} such answer{} since its last release)",
				probe, what, lost, (lost == 1) ? "" : "s");
		if (lost >= this.limits.maxDisagreements()) {
			return quarantine(probe, "its answers disagreed with other probes' in " + lost + " spot checks (last: " + what + ")",
					true);
		}
		return Mono.empty();
	}

	/** The spot-check settings. */
	public ProbeProperties.Quarantine limits() {
		return this.limits;
	}

	/**
	 * Quarantines the probe (once: a probe already quarantined keeps its first reason), then lets campaigns take
	 * back its blocks, and redo its answers when {@code distrusted}; that part may run again, it is idempotent.
	 */
	private Mono<Void> quarantine(String name, String reason, boolean distrusted) {
		ProbeSession session = this.registry.session(name).orElse(null);
		Mono<Void> stored = Mono.empty();
		if (session == null || session.quarantineReason() == null) {
			if (session != null) {
				session.quarantine(reason);
			}
			logger.warn("probe {} QUARANTINED: {}; it gets no work until an admin releases it", name, reason);
			stored = this.credentials.quarantine(name, reason, this.clock.instant()).then();
			if (session == null) {
				tellOthers(name, QUARANTINED + reason);
			}
		}
		CampaignFrames handler = this.campaigns.getIfAvailable();
		return (handler != null) ? stored.then(Mono.defer(() -> handler.quarantined(name, distrusted))) : stored;
	}

	private static final String REVOKED = "REVOKED";

	private static final String RELEASED = "RELEASED";

	private static final String QUARANTINED = "QUARANTINED:";

	/**
	 * A trust decision another instance made about a probe whose session may be on this one: revoked (the session
	 * closes), released, or quarantined (the session gets no more work; the deciding instance already gave back its
	 * blocks).
	 */
	void decidedElsewhere(String name, String decision) {
		if (REVOKED.equals(decision)) {
			revokedHere(name);
		}
		else if (RELEASED.equals(decision)) {
			releasedHere(name);
		}
		else if (decision.startsWith(QUARANTINED)) {
			String reason = decision.substring(QUARANTINED.length());
			this.registry.session(name).filter((session) -> session.quarantineReason() == null).ifPresent((session) -> {
				session.quarantine(reason);
				logger.warn("probe {} QUARANTINED by another instance: {}", name, reason);
			});
		}
	}

	private void revokedHere(String name) {
		this.registry.session(name)
			.ifPresent((session) -> session.kick(new CloseStatus(Protocol.CLOSE_REVOKED, "probe revoked by an admin")));
	}

	private void releasedHere(String name) {
		this.records.remove(name);
		this.registry.session(name).ifPresent((session) -> session.quarantine(null));
		this.registry.signalCapacity();
	}

	/** Tells the other instances, one of which may hold the probe's session. */
	private void tellOthers(String name, String decision) {
		this.cluster.publish(TRUST_EVENT, name, decision).subscribe();
	}

	private boolean othersSucceededSince(String name, @Nullable Instant since) {
		return this.lastSuccess.entrySet()
			.stream()
			.anyMatch((e) -> !e.getKey().equals(name) && (since == null || !e.getValue().isBefore(since)));
	}

	private Record record(String name) {
		return this.records.computeIfAbsent(name, (n) -> new Record());
	}

	/** What the server holds against one probe. */
	private static final class Record {

		final AtomicInteger failures = new AtomicInteger();

		final AtomicInteger disagreements = new AtomicInteger();

		volatile @Nullable Instant streakStarted;
	}
}
