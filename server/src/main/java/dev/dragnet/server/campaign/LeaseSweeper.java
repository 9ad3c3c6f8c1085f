package dev.dragnet.server.campaign;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import dev.dragnet.server.db.DatabaseFailures;
import dev.dragnet.server.db.DatabaseStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Every {@code dragnet.campaigns.sweep-interval}, gives back the blocks whose lease expired. While the database is
 * away it does nothing (no lease expires for time without a database), and the first sweep after it is back (at once
 * when it comes back) first pushes every lease forward by the outage ({@link BlockWork#recover(Duration)}).
 */
@Component
class LeaseSweeper implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(LeaseSweeper.class);

	private final BlockWork work;

	private final CampaignProperties properties;

	private final DatabaseStatus status;

	private final Clock clock;

	/** When this sweeper saw the database go away, until the leases are pushed forward for it; null otherwise. */
	private final AtomicReference<@Nullable Instant> pausedSince = new AtomicReference<>();

	private volatile @Nullable Disposable running;

	LeaseSweeper(BlockWork work, CampaignProperties properties, DatabaseStatus status, ObjectProvider<Clock> clock) {
		this.work = work;
		this.properties = properties;
		this.status = status;
		this.clock = clock.getIfAvailable(Clock::systemUTC);
	}

	@Override
	public void start() {
		// An outage is noted as it begins, so one shorter than a sweep interval still pushes the leases forward; its
		// end sweeps at once. A tick that comes while a slow sweep still runs is skipped: an overflow would stop the
		// sweeper for good.
		Flux<Object> backs = this.status.changes()
			.doOnNext((change) -> {
				if (!change.up()) {
					pause(change.since());
				}
			})
			.filter(DatabaseStatus.Availability::up)
			.skip(1)
			.cast(Object.class);
		this.running = Flux.merge(Flux.interval(this.properties.sweepInterval(), Schedulers.parallel()), backs)
			.onBackpressureDrop()
			.concatMap((tick) -> tick(), 1)
			.subscribe(null, (ex) -> logger.error("the lease sweeper stopped: {}", ex.toString()));
	}

	private Mono<Void> tick() {
		DatabaseStatus.Availability now = this.status.current();
		if (!now.up()) {
			pause(now.since());
			return Mono.empty();
		}
		Instant since = this.pausedSince.get();
		Mono<Void> recovery = (since == null) ? Mono.empty()
				: Mono.defer(() -> this.work.recover(Duration.between(since, this.clock.instant())))
					.doOnSuccess((done) -> this.pausedSince.compareAndSet(since, null));
		return recovery.then(Mono.defer(this.work::sweep)).onErrorResume((ex) -> {
			if (DatabaseFailures.isUnavailable(ex)) {
				this.status.failed(ex);
				pause(this.clock.instant());
			}
			else {
				logger.warn("could not sweep expired block leases: {}", ex.toString());
			}
			return Mono.empty();
		});
	}

	private void pause(Instant since) {
		if (this.pausedSince.compareAndSet(null, since)) {
			logger.info("the database is away: no block lease expires until it is back, and then each is pushed forward"
					+ " by the outage");
		}
	}

	@Override
	public void stop() {
		Disposable sweeping = this.running;
		if (sweeping != null) {
			sweeping.dispose();
		}
		this.running = null;
	}

	@Override
	public boolean isRunning() {
		return this.running != null;
	}
}
