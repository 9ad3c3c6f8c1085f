package dev.dragnet.server.alert;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.dragnet.server.db.DatabaseStatus.Availability;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Turns the database's availability into at most two alerts per outage: one once it has been unreachable for
 * {@code dragnet.alerts.database-outage-after} without a break, one when it answers again after that. A shorter
 * outage is no news and raises nothing.
 */
final class DatabaseAlerts {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private static final List<String> SUBJECTS = List.of("database");

	private final Duration after;

	private final String prefix;

	private final Scheduler scheduler;

	DatabaseAlerts(AlertProperties properties, Scheduler scheduler) {
		this.after = properties.databaseOutageAfter();
		this.prefix = properties.subjectPrefix().isBlank() ? "" : properties.subjectPrefix().strip() + " ";
		this.scheduler = scheduler;
	}

	Flux<Alert> alerts(Flux<Availability> changes) {
		AtomicReference<@Nullable Availability> reported = new AtomicReference<>();
		return changes.switchMap((change) -> {
			if (!change.up()) {
				return Mono.delay(this.after, this.scheduler).map((tick) -> {
					reported.set(change);
					return down(change);
				});
			}
			Availability down = reported.getAndSet(null);
			return (down != null) ? Mono.just(back(down, change)) : Mono.empty();
		});
	}

	private Alert down(Availability change) {
		Instant now = change.since().plus(this.after);
		String body = "PostgreSQL has been unreachable since " + TIME.format(change.since()) + " ("
				+ AlertMessages.ago(change.since(), now) + "): " + change.reason() + "\n\n"
				+ "Meanwhile WHOIS lookups (HTTP, port 43, bulk) are answered without the cache, probes stay connected\n"
				+ "and their state is written when the database is back, and GET /api/probes answers from memory.\n"
				+ "What needs the database (campaigns, results, admin writes, sources) answers 503 database-unavailable.\n"
				+ "Another message follows when it answers again.\n";
		return new Alert(Alert.Kind.DATABASE_DOWN, now, this.prefix + "the database is unreachable", body, SUBJECTS);
	}

	private Alert back(Availability down, Availability up) {
		String body = "PostgreSQL answers again since " + TIME.format(up.since()) + ".\n" + "It was unreachable for "
				+ AlertMessages.ago(down.since(), up.since()) + ", from " + TIME.format(down.since()) + ": "
				+ down.reason() + "\n";
		return new Alert(Alert.Kind.DATABASE_BACK, up.since(), this.prefix + "the database is back", body, SUBJECTS);
	}
}
