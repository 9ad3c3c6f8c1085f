package dev.dragnet.server.probe;

import java.util.Set;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.server.dispatch.TaskForwarder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The {@code probeFleet} part of {@code /actuator/health}: whether this server has probes to send work to.
 *
 * <ul>
 * <li>{@code UP}: at least one probe is effective.</li>
 * <li>{@code UNKNOWN}: no probe has connected since the server started. Normal right after a start; it does
 * not pull the overall status down, since the server itself works and lookups get a clear 503 meanwhile.</li>
 * <li>{@code DOWN}: probes were effective in this run and none is any more: the fleet was lost, and every
 * lookup fails until one comes back. The overall status is DOWN too (HTTP 503), which is what a monitor
 * should page on.</li>
 * </ul>
 * Details: {@code effective} and {@code ineffective} counts, and the names of the probes that are down. With
 * several instances, {@code elsewhere} counts the effective WHOIS probes of the other instances this one can
 * forward lookups to; they count as this server's fleet (docs/CLUSTER.md).
 */
@Component
class ProbeFleetHealthIndicator implements ReactiveHealthIndicator {

	/** Names listed in the details at most: the health answer stays small with a large fleet. */
	private static final int MAX_NAMED = 20;

	private final ProbeRegistry registry;

	private final ProbeEvents events;

	private final ObjectProvider<TaskForwarder> forwarder;

	ProbeFleetHealthIndicator(ProbeRegistry registry, ProbeEvents events, ObjectProvider<TaskForwarder> forwarder) {
		this.registry = registry;
		this.events = events;
		this.forwarder = forwarder;
	}

	@Override
	public Mono<Health> health() {
		return Mono.fromSupplier(this::now);
	}

	private Health now() {
		int effective = this.registry.effectiveCount();
		TaskForwarder peers = this.forwarder.getIfAvailable();
		int elsewhere = (peers != null) ? peers.probesFor(Protocol.CAPABILITY_WHOIS, Set.of()) : 0;
		Set<String> down = this.events.down();
		int ineffective = down.size();
		Health.Builder health;
		if (effective + elsewhere > 0) {
			health = Health.up();
		}
		else if (ineffective == 0) {
			health = Health.unknown().withDetail("reason", "no probe has connected since the server started");
		}
		else {
			health = Health.down().withDetail("reason", "every probe that was effective is gone");
		}
		health.withDetail("effective", effective).withDetail("ineffective", ineffective);
		if (elsewhere > 0) {
			health.withDetail("elsewhere", elsewhere);
		}
		if (!down.isEmpty()) {
			health.withDetail("down", down.stream().sorted().limit(MAX_NAMED).toList());
		}
		return health.build();
	}
}
