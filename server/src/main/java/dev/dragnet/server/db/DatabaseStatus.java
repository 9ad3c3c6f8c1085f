package dev.dragnet.server.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Whether PostgreSQL answers, as far as this server can tell: DOWN as soon as a use of it fails because it cannot
 * be reached ({@link #failed(Throwable)}, {@link DatabaseFailures}) or a check fails; UP again only when a check
 * answers. The check is {@code SELECT 1} every {@code dragnet.database.check-interval} with a deadline of
 * {@code check-timeout}, and again on every {@code /actuator/health}.
 *
 * <p>Features that can do without the database (the WHOIS cache, probe rows) ask {@link #isAvailable()} and do
 * not even try while it is DOWN, so an outage costs them nothing; what truly needs it answers 503
 * {@code database-unavailable}. {@link #changes()} feeds the alerts and the status page.
 */
@Component
public class DatabaseStatus implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseStatus.class);

	private final DatabaseClient db;

	private final DatabaseProperties properties;

	private final Clock clock;

	private final Sinks.Many<Availability> changes = Sinks.many().replay().latest();

	private volatile Availability current;

	private volatile @Nullable Disposable checking;

	DatabaseStatus(DatabaseClient db, DatabaseProperties properties, ObjectProvider<Clock> clock) {
		this.db = db;
		this.properties = properties;
		this.clock = clock.getIfAvailable(Clock::systemUTC);
		// The schema was applied at start, so the database answered a moment ago.
		this.current = new Availability(true, this.clock.instant(), null);
		this.changes.tryEmitNext(this.current);
	}

	/** Whether the database answered the last check and nothing has failed to reach it since. */
	public boolean isAvailable() {
		return this.current.up();
	}

	/** The current availability. */
	public Availability current() {
		return this.current;
	}

	/** The current availability, then every change; never completes. */
	public Flux<Availability> changes() {
		return this.changes.asFlux();
	}

	/** How long a client should wait before retrying what needs the database. */
	public Duration retryAfter() {
		return this.properties.retryAfter();
	}

	/** The deadline of uses the server can do without. */
	public Duration optionalTimeout() {
		return this.properties.optionalTimeout();
	}

	/** An error for what cannot be done while the database is away. */
	public DatabaseUnavailableException unavailable(String what, @Nullable Throwable cause) {
		Availability now = this.current;
		String since = now.up() ? "" : " since " + now.since();
		return new DatabaseUnavailableException(what + ": the database is unreachable" + since
				+ "; try again later", this.properties.retryAfter(), cause);
	}

	/** Reports a failed use; marks the database DOWN when the failure says it cannot be reached. */
	public void failed(Throwable error) {
		if (DatabaseFailures.isUnavailable(error)) {
			change(false, describe(error));
		}
	}

	/** Runs one check now, with its deadline: true when the database answered. Never fails. */
	public Mono<Boolean> check() {
		return this.db.sql("SELECT 1 AS one")
			.map((row) -> Boolean.TRUE)
			.first()
			.timeout(this.properties.checkTimeout())
			.defaultIfEmpty(Boolean.FALSE)
			.doOnNext((up) -> {
				if (up) {
					change(true, null);
				}
			})
			.onErrorResume((ex) -> {
				change(false, describe(ex));
				return Mono.just(Boolean.FALSE);
			});
	}

	private void change(boolean up, @Nullable String reason) {
		Availability next;
		synchronized (this) {
			if (this.current.up() == up) {
				return;
			}
			Availability previous = this.current;
			next = new Availability(up, this.clock.instant(), reason);
			this.current = next;
			if (up) {
				logger.info("the database answers again, after {} unreachable",
						Duration.between(previous.since(), next.since()));
			}
			else {
				logger.warn("the database is unreachable: {}; WHOIS lookups skip the cache, probe states wait in memory,"
						+ " campaign results wait at their probes, and what needs it answers 503", reason);
			}
			this.changes.tryEmitNext(next);
		}
	}

	private static String describe(Throwable error) {
		if (error instanceof TimeoutException) {
			return "no answer within the deadline";
		}
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
		String line = message.lines().findFirst().orElse("").strip();
		return (line.length() > 200) ? line.substring(0, 200) + "..." : line;
	}

	@Override
	public void start() {
		this.checking = Flux.interval(this.properties.checkInterval(), this.properties.checkInterval(),
				Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> check(), 1)
			.subscribe(null, (ex) -> logger.error("database checks stopped: {}", ex.toString()));
	}

	@Override
	public void stop() {
		Disposable running = this.checking;
		if (running != null) {
			running.dispose();
		}
		this.checking = null;
	}

	@Override
	public boolean isRunning() {
		return this.checking != null;
	}

	/**
	 * Whether the database answers, since when, and why not.
	 *
	 * @param up whether it answers
	 * @param since when this state began
	 * @param reason why it is DOWN (null when UP)
	 */
	public record Availability(boolean up, Instant since, @Nullable String reason) {
	}
}
