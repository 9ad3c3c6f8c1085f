package dev.dragnet.server.probe;

import dev.dragnet.protocol.ProbeFrame;
import reactor.core.publisher.Mono;

/**
 * Handles the campaign frames of a probe session ({@code want-blocks}, {@code progress},
 * {@code block-result}, {@code block-give-up}) and the end of a session, for the campaign feature, which implements it. Kept as an
 * interface so the probe package does not depend on campaigns.
 */
public interface CampaignFrames {

	/** Handles one campaign frame of {@code session}; answers go back with {@link ProbeSession#deliver}. */
	Mono<Void> handle(ProbeSession session, ProbeFrame frame);

	/** The session was welcomed: the probe gets what it needs for campaign work (the source definitions). */
	Mono<Void> sessionStarted(ProbeSession session);

	/** The session ended: whatever blocks the probe held go back to the pool. */
	Mono<Void> sessionEnded(ProbeSession session, String reason);
}
