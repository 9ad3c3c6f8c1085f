package dev.dragnet.server.campaign;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Every {@code dragnet.campaigns.sweep-interval}, gives back the blocks whose lease expired. */
@Component
class LeaseSweeper implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(LeaseSweeper.class);

	private final BlockWork work;

	private final CampaignProperties properties;

	private volatile Disposable running;

	LeaseSweeper(BlockWork work, CampaignProperties properties) {
		this.work = work;
		this.properties = properties;
	}

	@Override
	public void start() {
		// A tick that comes while a slow sweep still runs is skipped: an overflow would stop the sweeper for good.
		this.running = Flux.interval(this.properties.sweepInterval(), Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> this.work.sweep().onErrorResume((ex) -> {
				logger.warn("could not sweep expired block leases: {}", ex.toString());
				return Mono.empty();
			}))
			.subscribe(null, (ex) -> logger.error("the lease sweeper stopped: {}", ex.toString()));
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
