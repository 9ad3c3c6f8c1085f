package dev.dragnet.server.db;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The {@code r2dbc} health component, in place of Boot's: a check with a deadline
 * ({@code dragnet.database.check-timeout}), so {@code /actuator/health} says DOWN at once when PostgreSQL is away
 * instead of waiting on a connection. DOWN makes the overall status DOWN (503): a load balancer may route lookups
 * elsewhere, though this server still answers them.
 */
@Component("r2dbcHealthIndicator")
class DatabaseHealthIndicator implements ReactiveHealthIndicator {

	private final DatabaseStatus status;

	DatabaseHealthIndicator(DatabaseStatus status) {
		this.status = status;
	}

	@Override
	public Mono<Health> health() {
		return this.status.check().map((up) -> {
			DatabaseStatus.Availability now = this.status.current();
			Health.Builder health = up ? Health.up() : Health.down();
			health.withDetail("database", "PostgreSQL").withDetail("since", now.since().toString());
			if (!up && now.reason() != null) {
				health.withDetail("reason", now.reason());
			}
			return health.build();
		});
	}
}
