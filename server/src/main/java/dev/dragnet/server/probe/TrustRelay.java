package dev.dragnet.server.probe;

import dev.dragnet.server.cluster.ClusterEvents;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;

/**
 * Applies trust decisions made on other instances (revoked, released, quarantined) to the probe sessions on this
 * one: an admin may revoke a probe through any instance, and a spot check may be lost on one instance by a probe
 * connected to another.
 */
@Component
class TrustRelay implements SmartLifecycle {

	private final ClusterEvents events;

	private final ProbeTrust trust;

	private volatile @Nullable Disposable relaying;

	TrustRelay(ClusterEvents events, ProbeTrust trust) {
		this.events = events;
		this.trust = trust;
	}

	@Override
	public void start() {
		this.relaying = this.events.received(ProbeTrust.TRUST_EVENT)
			.subscribe((event) -> this.trust.decidedElsewhere(event.subject(), event.detail()));
	}

	@Override
	public void stop() {
		Disposable running = this.relaying;
		if (running != null) {
			running.dispose();
		}
		this.relaying = null;
	}

	@Override
	public boolean isRunning() {
		return this.relaying != null;
	}
}
