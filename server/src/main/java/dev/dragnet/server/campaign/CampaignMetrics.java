package dev.dragnet.server.campaign;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import dev.dragnet.server.db.DatabaseFailures;
import dev.dragnet.server.db.DatabaseStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Campaign meters. Counters as work happens: {@code dragnet.campaign.blocks.completed},
 * {@code dragnet.campaign.ips.completed} (their rate is the campaigns' speed) and {@code dragnet.leases.expired}.
 * Gauges per running or paused campaign, read from the database every
 * {@code dragnet.campaigns.metrics-interval}: {@code dragnet.campaign.blocks} and {@code dragnet.campaign.ips}
 * by block state, and {@code dragnet.campaign.ips.per.second}. A campaign's gauges go away when it ends. While the
 * database is away the gauges keep their last values and are not read (the change is logged once, not every tick).
 */
@Component
class CampaignMetrics implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(CampaignMetrics.class);

	private static final List<String> STATES = List.of("pending", "leased", "done", "failed");

	private final CampaignRepository campaigns;

	private final CampaignProperties properties;

	private final Counter blocksCompleted;

	private final Counter ipsCompleted;

	private final Counter leasesExpired;

	private final MultiGauge blocks;

	private final MultiGauge ips;

	private final MultiGauge rate;

	private volatile Disposable refreshing;

	private final DatabaseStatus status;

	/** Whether the last tick found the database away, so the pause is logged once. */
	private volatile boolean paused;

	CampaignMetrics(CampaignRepository campaigns, CampaignProperties properties, MeterRegistry meters,
			DatabaseStatus status) {
		this.status = status;
		this.campaigns = campaigns;
		this.properties = properties;
		this.blocksCompleted = Counter.builder("dragnet.campaign.blocks.completed")
			.description("Campaign blocks whose result was stored")
			.register(meters);
		this.ipsCompleted = Counter.builder("dragnet.campaign.ips.completed")
			.description("Addresses of the blocks whose result was stored")
			.register(meters);
		this.leasesExpired = Counter.builder("dragnet.leases.expired")
			.description("Block leases that expired without a result and went back to the pool (or failed)")
			.register(meters);
		this.blocks = MultiGauge.builder("dragnet.campaign.blocks")
			.description("Blocks of each running or paused campaign, by state")
			.register(meters);
		this.ips = MultiGauge.builder("dragnet.campaign.ips")
			.description("Addresses of each running or paused campaign, by the state of their block")
			.register(meters);
		this.rate = MultiGauge.builder("dragnet.campaign.ips.per.second")
			.description("Addresses finished per second since each running campaign started")
			.register(meters);
	}

	/** A block's result was stored. */
	void blockCompleted(long addresses) {
		this.blocksCompleted.increment();
		this.ipsCompleted.increment(addresses);
	}

	/** A block lease expired without a result. */
	void leaseExpired() {
		this.leasesExpired.increment();
	}

	/** Reads the progress of the campaigns still going and replaces the gauges with it. */
	Mono<Void> refresh() {
		return this.campaigns.findAll()
			.filter((c) -> c.state() == CampaignState.RUNNING || c.state() == CampaignState.PAUSED)
			.collectList()
			.doOnNext((going) -> {
				this.blocks.register(byState(going, (c) -> c.progress().blocks()), true);
				this.ips.register(byState(going, (c) -> c.progress().ips()), true);
				this.rate.register(going.stream()
					.filter((c) -> c.progress().ipsPerSecond() != null)
					.<MultiGauge.Row<?>>map((c) -> MultiGauge.Row.of(tags(c), c.progress().ipsPerSecond()))
					.toList(), true);
			})
			.then();
	}

	private Mono<Void> tick() {
		if (!this.status.isAvailable()) {
			if (!this.paused) {
				this.paused = true;
				logger.info("the database is away: the campaign progress gauges keep their last values until it is back");
			}
			return Mono.empty();
		}
		this.paused = false;
		return refresh().onErrorResume((ex) -> {
			if (DatabaseFailures.isUnavailable(ex)) {
				this.status.failed(ex);
			}
			else {
				logger.warn("could not read campaign progress for the metrics: {}", ex.toString());
			}
			return Mono.empty();
		});
	}

	private static List<MultiGauge.Row<?>> byState(List<CampaignView> going,
			Function<CampaignView, CampaignView.ByState> counts) {
		return going.stream()
			.flatMap((c) -> STATES.stream()
				.<MultiGauge.Row<?>>map((state) -> MultiGauge.Row.of(tags(c).and("state", state),
						count(counts.apply(c), state))))
			.toList();
	}

	private static long count(CampaignView.ByState counts, String state) {
		return switch (state) {
			case "pending" -> counts.pending();
			case "leased" -> counts.leased();
			case "done" -> counts.done();
			default -> counts.failed();
		};
	}

	private static Tags tags(CampaignView campaign) {
		return Tags.of("campaign", Long.toString(campaign.id()));
	}

	@Override
	public void start() {
		// A tick that comes while a slow refresh still runs is skipped, not queued.
		this.refreshing = Flux.interval(Duration.ZERO, this.properties.metricsInterval(), Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> tick())
			.subscribe(null, (ex) -> logger.error("campaign metrics stopped: {}", ex.toString()));
	}

	@Override
	public void stop() {
		Disposable running = this.refreshing;
		if (running != null) {
			running.dispose();
		}
		this.refreshing = null;
	}

	@Override
	public boolean isRunning() {
		return this.refreshing != null;
	}
}
