package dev.dragnet.server.probe;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The live feed of probe state changes: connected, ineffective (with the reason and what the probe was
 * doing), recovered. For alerts, metrics and live pages.
 *
 * <p>Changes are published as they happen and not stored: a subscriber sees those after it subscribed.
 * Each subscriber has its own buffer of {@value #BUFFER} changes, so a slow one never holds up the others
 * or the probe sessions; one that falls further behind loses its oldest changes, with a log line.
 */
@Component
public class ProbeEvents {

	private static final Logger logger = LoggerFactory.getLogger(ProbeEvents.class);

	/** Changes held for one subscriber that has not caught up; far more than a fleet's worth of bursts. */
	static final int BUFFER = 1024;

	/** Best effort to each subscriber; the per-subscriber buffers in {@link #changes()} make it lossless. */
	private final Sinks.Many<ProbeStateChange> sink = Sinks.many().multicast().directBestEffort();

	/** Probes that became ineffective in this run and are not back: as many as the fleet has probes. */
	private final Set<String> down = ConcurrentHashMap.newKeySet();

	private final Clock clock;

	ProbeEvents(ObjectProvider<Clock> clock) {
		this.clock = clock.getIfAvailable(Clock::systemUTC);
	}

	/**
	 * Every probe state change from now on, in the order they happened. Never completes; cancel to stop.
	 */
	public Flux<ProbeStateChange> changes() {
		return this.sink.asFlux()
			.onBackpressureBuffer(BUFFER, (dropped) -> logger.warn(
					"a slow listener of probe changes missed that probe {} became {}", dropped.probe(),
					dropped.state()), BufferOverflowStrategy.DROP_OLDEST);
	}

	/** Names of the probes that became ineffective in this run and have not come back. */
	public Set<String> down() {
		return Set.copyOf(this.down);
	}

	/** A session was welcomed: publishes {@code CONNECTED}, or {@code RECOVERED} if the probe was down. */
	ProbeStateChange connected(ProbeSession session) {
		ProbeStateChange.Kind kind = this.down.remove(session.name()) ? ProbeStateChange.Kind.RECOVERED
				: ProbeStateChange.Kind.CONNECTED;
		return publish(new ProbeStateChange(session.name(), kind, session.remoteAddress(), now(), session.lastSeen(),
				null, List.of(), List.of()));
	}

	/**
	 * A closed session that was the probe's current one: publishes {@code INEFFECTIVE}. Called as the session
	 * closes, before anything is saved, so a quick reconnect is always published after it.
	 */
	ProbeStateChange ineffective(ProbeSession session, String reason, List<String> blocks) {
		this.down.add(session.name());
		return publish(new ProbeStateChange(session.name(), ProbeStateChange.Kind.INEFFECTIVE,
				session.remoteAddress(), now(), session.lastSeen(), reason, session.abandonedTasks(), blocks));
	}

	/**
	 * A probe whose session was on another server instance, which died: publishes {@code INEFFECTIVE} here, on the
	 * instance that took over, so that its alert is raised once (see {@code AlertLedger}).
	 */
	ProbeStateChange ineffectiveElsewhere(String name, @Nullable String remoteAddress, @Nullable Instant lastSeen,
			String reason) {
		this.down.add(name);
		Instant now = now();
		return publish(new ProbeStateChange(name, ProbeStateChange.Kind.INEFFECTIVE,
				(remoteAddress != null) ? remoteAddress : "unknown", now, (lastSeen != null) ? lastSeen : now, reason,
				List.of(), List.of()));
	}

	private ProbeStateChange publish(ProbeStateChange change) {
		synchronized (this.sink) {
			this.sink.tryEmitNext(change);
		}
		return change;
	}

	private Instant now() {
		return this.clock.instant();
	}
}
