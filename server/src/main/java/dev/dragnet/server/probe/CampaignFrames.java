package dev.dragnet.server.probe;

import java.util.List;

import dev.dragnet.protocol.ProbeFrame;
import reactor.core.publisher.Mono;

/**
 * Handles the campaign frames of a probe session ({@code want-blocks}, {@code progress},
 * {@code block-result}, {@code block-give-up}, {@code source-rests}) and the end of a session, for the campaign feature, which implements it. Kept as an
 * interface so the probe package does not depend on campaigns.
 */
public interface CampaignFrames {

	/** Handles one campaign frame of {@code session}; answers go back with {@link ProbeSession#deliver}. */
	Mono<Void> handle(ProbeSession session, ProbeFrame frame);

	/** The session was welcomed: the probe gets what it needs for campaign work (the source definitions). */
	Mono<Void> sessionStarted(ProbeSession session);

	/**
	 * The blocks the probe holds right now, described for people ({@code block 17 of campaign 3 (10.0.0.0 -
	 * 10.0.0.255)}); from memory, so it can be asked as the session closes.
	 */
	List<String> heldBlocks(ProbeSession session);

	/** The session ended: whatever blocks the probe held go back to the pool. */
	Mono<Void> sessionEnded(ProbeSession session, String reason);

	/**
	 * Probe {@code probe} was quarantined: the blocks it holds go back to the pool. When {@code distrusted} (its
	 * answers disagreed with other probes'), what it answered in campaigns not cancelled is done again.
	 */
	default Mono<Void> quarantined(String probe, boolean distrusted) {
		return Mono.empty();
	}

	/**
	 * Probes {@code probes} were on a server instance that died: nobody works on the blocks they held there any
	 * more, so they go back to the pool at once, with no attempt counted, instead of waiting for their leases to
	 * expire.
	 */
	default Mono<Void> instanceGone(String instance, List<String> probes) {
		return Mono.empty();
	}
}
