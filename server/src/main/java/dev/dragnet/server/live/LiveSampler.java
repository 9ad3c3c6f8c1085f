package dev.dragnet.server.live;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.dragnet.server.campaign.CampaignService;
import dev.dragnet.server.cluster.FleetStatistics;
import dev.dragnet.server.db.DatabaseStatus;
import dev.dragnet.server.dispatch.TargetStatistics;
import dev.dragnet.server.dispatch.TrafficSeries;
import dev.dragnet.server.probe.ProbeService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Reads the state the status page shows: the fleet in a few numbers and the probes that changed since the last
 * sample ({@link FleetWatch}), the WHOIS traffic of the last minute and the busiest servers, every campaign with its
 * progress, and whether the database answers. Two queries per sample, however many browsers watch; while the
 * database is away, none, and the last campaigns read are shown. The probe table itself is not sent: the page
 * fetches the rows it shows from {@code GET /api/probes}. Each sample's time is the {@code dragnet.live.sample} timer.
 */
@Component
class LiveSampler {

	static final int SERVERS_SHOWN = 10;

	private final ProbeService probes;

	private final CampaignService campaigns;

	private final TargetStatistics statistics;

	private final DatabaseStatus database;

	private final FleetWatch fleet = new FleetWatch();

	private final Clock clock;

	/** The campaigns last read: shown unchanged while the database is away. */
	private volatile List<?> lastCampaigns = List.of();

	private final @Nullable FleetStatistics fleetStatistics;

	private final @Nullable Timer timer;

	LiveSampler(ProbeService probes, CampaignService campaigns, TargetStatistics statistics, DatabaseStatus database,
			ObjectProvider<Clock> clock, ObjectProvider<FleetStatistics> fleetStatistics,
			ObjectProvider<MeterRegistry> meters) {
		this.fleetStatistics = fleetStatistics.getIfAvailable();
		MeterRegistry registry = meters.getIfAvailable();
		this.timer = (registry != null) ? Timer.builder("dragnet.live.sample")
			.description("Samples of the status page's state: the fleet, campaigns and WHOIS traffic")
			.register(registry) : null;
		this.probes = probes;
		this.clock = clock.getIfAvailable(Clock::systemUTC);
		this.campaigns = campaigns;
		this.statistics = statistics;
		this.database = database;
	}

	/**
	 * The parts, by event name: {@code fleet}, {@code whois}, {@code campaigns}, {@code database}; and the
	 * {@code probes-changed} since the previous sample.
	 */
	Mono<LiveSample> sample() {
		Mono<LiveSample> sample = Mono.zip(this.probes.probes().collectList(), campaigns(), whois()).map((sampled) -> {
			FleetWatch.Reading fleet = this.fleet.observe(sampled.getT1(), this.clock.instant());
			Map<String, Object> parts = new LinkedHashMap<>();
			parts.put("fleet", fleet.summary());
			parts.put("whois", sampled.getT3());
			parts.put("campaigns", sampled.getT2());
			parts.put("database", this.database.current());
			return new LiveSample(parts, fleet.changes());
		});
		Timer timing = this.timer;
		if (timing == null) {
			return sample;
		}
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return sample.doOnSuccess((done) -> timing.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
		});
	}

	/** The WHOIS panel: the whole fleet's with several instances (docs/CLUSTER.md), else this instance's. */
	private Mono<WhoisTraffic> whois() {
		WhoisTraffic own = new WhoisTraffic(this.statistics.traffic(),
				this.statistics.snapshot().stream().limit(SERVERS_SHOWN).toList());
		if (this.fleetStatistics == null) {
			return Mono.just(own);
		}
		return this.fleetStatistics.live()
			.map((fleet) -> new WhoisTraffic(fleet.traffic(), fleet.servers().stream().limit(SERVERS_SHOWN).toList()))
			.onErrorResume((ex) -> Mono.just(own));
	}

	/** The campaigns, or while the database is away the ones last read: the page keeps its picture. */
	private Mono<List<?>> campaigns() {
		if (!this.database.isAvailable()) {
			return Mono.just(this.lastCampaigns);
		}
		return this.campaigns.campaigns()
			.collectList()
			.timeout(this.database.optionalTimeout())
			.<List<?>>map((read) -> {
				this.lastCampaigns = read;
				return read;
			})
			.onErrorResume((ex) -> {
				this.database.failed(ex);
				return Mono.just(this.lastCampaigns);
			});
	}

	/**
	 * The {@code whois} event: the last minute of lookups, and the busiest servers since the start.
	 *
	 * @param traffic attempts per second, outcomes and latency over the last minute
	 * @param servers the {@value #SERVERS_SHOWN} busiest WHOIS and RDAP servers
	 */
	record WhoisTraffic(TrafficSeries.Traffic traffic, List<TargetStatistics.TargetStats> servers) {
	}
}
