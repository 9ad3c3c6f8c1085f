package dev.dragnet.server.db;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A periodic clean-up statement run in batches: every {@code interval}, while the database is available, the batch
 * statement runs again as long as it touched a whole batch, up to {@code maxBatches} times. A run is skipped, not
 * failed, while the database is away; a tick that comes while a run is still going is dropped. Several server
 * instances may run the same chore: each statement takes a transaction-scoped advisory lock ({@link #LOCKED}), so
 * one instance does the work of a round and the others touch nothing.
 */
public final class Chore implements Disposable {

	private static final Logger logger = LoggerFactory.getLogger(Chore.class);

	/**
	 * Prefix for a chore's statement: {@code WITH turn AS (SELECT pg_try_advisory_xact_lock(:lock) AS mine)}; the
	 * statement then adds {@code (SELECT mine FROM turn)} to its condition.
	 */
	public static final String LOCKED = "WITH turn AS (SELECT pg_try_advisory_xact_lock(:lock) AS mine) ";

	private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);

	private final Disposable running;

	private Chore(String what, HousekeepingProperties properties, DatabaseStatus status,
			Supplier<Mono<Long>> batch, LongFunction<String> report, Scheduler scheduler) {
		this.running = Flux.interval(properties.interval(), properties.interval(), scheduler)
			.onBackpressureDrop()
			.concatMap((tick) -> round(what, properties, status, batch)
				.doOnNext((done) -> {
					if (done > 0) {
						logger.info(report.apply(done));
					}
				})
				.onErrorResume((ex) -> {
					status.failed(ex);
					if (status.isAvailable() && !(ex instanceof TimeoutException)) {
						logger.warn("{}: {}", what, ex.toString());
					}
					return Mono.empty();
				}))
			.subscribe(null, (ex) -> logger.error("{} stopped: {}", what, ex.toString()));
	}

	/** Starts {@code batch} every interval; {@code report} says what a run did when it did something. */
	public static Chore start(String what, HousekeepingProperties properties, DatabaseStatus status,
			Supplier<Mono<Long>> batch, LongFunction<String> report) {
		return new Chore(what, properties, status, batch, report, Schedulers.parallel());
	}

	static Chore start(String what, HousekeepingProperties properties, DatabaseStatus status,
			Supplier<Mono<Long>> batch, LongFunction<String> report, Scheduler scheduler) {
		return new Chore(what, properties, status, batch, report, scheduler);
	}

	/** One run: batches while each touched a whole batch, at most {@code maxBatches}. */
	static Mono<Long> round(String what, HousekeepingProperties properties, DatabaseStatus status,
			Supplier<Mono<Long>> batch) {
		if (!status.isAvailable()) {
			return Mono.empty();
		}
		return Mono.defer(batch)
			.timeout(STATEMENT_TIMEOUT)
			.repeat(properties.maxBatches() - 1L)
			.takeUntil((done) -> done < properties.batch())
			.reduce(0L, Long::sum);
	}

	@Override
	public void dispose() {
		this.running.dispose();
	}

	@Override
	public boolean isDisposed() {
		return this.running.isDisposed();
	}
}
