package dev.dragnet.server.probe;

import java.time.Clock;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The fleet as users see it: stored rows, overlaid with the live numbers of connected probes. */
@Service
public class ProbeService {

	private static final Logger logger = LoggerFactory.getLogger(ProbeService.class);

	private final ProbeRepository repository;

	private final ProbeRegistry registry;

	private final Instant started;

	ProbeService(ProbeRepository repository, ProbeRegistry registry, ObjectProvider<Clock> clock) {
		this.repository = repository;
		this.registry = registry;
		this.started = clock.getIfAvailable(Clock::systemUTC).instant();
	}

	/** Probes stored as effective by an earlier run have no live session here: mark them ineffective. */
	@EventListener(ApplicationReadyEvent.class)
	void forgetSessionsOfEarlierRuns() {
		this.repository.allIneffective("server restarted", this.started)
			.subscribe((count) -> {
				if (count > 0) {
					logger.info("{} probe(s) from the previous run marked INEFFECTIVE until they reconnect", count);
				}
			}, (ex) -> logger.error("could not reset probe states at start: {}", ex.toString()));
	}

	public Flux<ProbeView> probes() {
		return this.repository.findAll().map(this::view);
	}

	private ProbeView view(ProbeRepository.ProbeRow row) {
		ProbeSession live = this.registry.session(row.name()).filter(ProbeSession::isEffective).orElse(null);
		if (live == null) {
			return new ProbeView(row.name(), row.remoteAddress(), row.state(), row.version(), row.connectedSince(), row.lastSeen(),
					0, row.completed(), row.failed(), row.throttled(), row.disconnectedAt(), row.disconnectReason(),
					row.revokedAt() != null, row.revokedAt(), row.quarantineReason());
		}
		// The row's counters lag the live session by at most one ping interval: add what is not saved yet.
		long[] unsaved = live.unsavedCounters();
		return new ProbeView(live.name(), live.remoteAddress(), ProbeState.EFFECTIVE, live.version(),
				live.connectedSince(), live.lastSeen(), live.inFlight(), row.completed() + unsaved[0],
				row.failed() + unsaved[1], row.throttled() + unsaved[2], null, null, row.revokedAt() != null,
				row.revokedAt(), live.quarantineReason());
	}

	/**
	 * A probe as {@code GET /api/probes} shows it.
	 *
	 * @param inFlight tasks sent to it and not answered yet (0 when not connected)
	 * @param completed tasks it answered
	 * @param failed tasks that failed on it, throttled ones included
	 * @param throttled tasks that ended THROTTLED: the server asked refused it as too frequent
	 * @param revoked whether an admin revoked it (it cannot connect until it is enrolled again)
	 * @param revokedAt when it was revoked
	 * @param quarantineReason why it gets no work until an admin releases it, or null
	 */
	public record ProbeView(String name, @Nullable String remoteAddress, ProbeState state, @Nullable String version,
			@Nullable Instant connectedSince, @Nullable Instant lastSeen, int inFlight, long completed, long failed,
			long throttled, @Nullable Instant disconnectedAt, @Nullable String disconnectReason, boolean revoked,
			@Nullable Instant revokedAt, @Nullable String quarantineReason) {
	}
}
