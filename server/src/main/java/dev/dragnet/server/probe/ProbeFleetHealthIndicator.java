package dev.dragnet.server.probe;

import java.util.Set;

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
 * Details: {@code effective} and {@code ineffective} counts, and the names of the probes that are down.
 */
@Component
class ProbeFleetHealthIndicator implements ReactiveHealthIndicator {

	/** Names listed in the details at most: the health answer stays small with a large fleet. */
	private static final int MAX_NAMED = 20;

	private final ProbeRegistry registry;

	private final ProbeEvents events;

	ProbeFleetHealthIndicator(ProbeRegistry registry, ProbeEvents events) {
		this.registry = registry;
		this.events = events;
	}

	@Override
	public Mono<Health> health() {
		return Mono.fromSupplier(this::now);
	}

	private Health now() {
		int effective = this.registry.effectiveCount();
		Set<String> down = this.events.down();
		int ineffective = down.size();
		Health.Builder health;
		if (effective > 0) {
			health = Health.up();
		}
		else if (ineffective == 0) {
			health = Health.unknown().withDetail("reason", "no probe has connected since the server started");
		}
		else {
			health = Health.down().withDetail("reason", "every probe that was effective is gone");
		}
		health.withDetail("effective", effective).withDetail("ineffective", ineffective);
		if (!down.isEmpty()) {
			health.withDetail("down", down.stream().sorted().limit(MAX_NAMED).toList());
		}
		return health.build();
	}
}
