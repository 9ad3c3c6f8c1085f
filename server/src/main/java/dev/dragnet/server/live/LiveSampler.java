package dev.dragnet.server.live;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.dragnet.server.campaign.CampaignService;
import dev.dragnet.server.db.DatabaseStatus;
import dev.dragnet.server.dispatch.TargetStatistics;
import dev.dragnet.server.dispatch.TrafficSeries;
import dev.dragnet.server.probe.ProbeService;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Reads the state the status page shows: every probe, the WHOIS traffic of the last minute and the busiest
 * servers, every campaign with its progress, and whether the database answers. Two queries per sample, however many
 * browsers watch; while the database is away, none, and the last campaigns read are shown.
 */
@Component
class LiveSampler {

	static final int SERVERS_SHOWN = 10;

	private final ProbeService probes;

	private final CampaignService campaigns;

	private final TargetStatistics statistics;

	private final DatabaseStatus database;

	/** The campaigns last read: shown unchanged while the database is away. */
	private volatile List<?> lastCampaigns = List.of();

	LiveSampler(ProbeService probes, CampaignService campaigns, TargetStatistics statistics, DatabaseStatus database) {
		this.probes = probes;
		this.campaigns = campaigns;
		this.statistics = statistics;
		this.database = database;
	}

	/** The parts, by event name: {@code probes}, {@code whois}, {@code campaigns}, {@code database}. */
	Mono<Map<String, Object>> sample() {
		return Mono.zip(this.probes.probes().collectList(), campaigns()).map((sampled) -> {
			Map<String, Object> parts = new LinkedHashMap<>();
			parts.put("probes", sampled.getT1());
			parts.put("whois", new WhoisTraffic(this.statistics.traffic(),
					this.statistics.snapshot().stream().limit(SERVERS_SHOWN).toList()));
			parts.put("campaigns", sampled.getT2());
			parts.put("database", this.database.current());
			return parts;
		});
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
