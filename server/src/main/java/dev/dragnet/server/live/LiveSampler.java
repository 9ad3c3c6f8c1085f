package dev.dragnet.server.live;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.dragnet.server.campaign.CampaignService;
import dev.dragnet.server.dispatch.TargetStatistics;
import dev.dragnet.server.dispatch.TrafficSeries;
import dev.dragnet.server.probe.ProbeService;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Reads the state the status page shows: every probe, the WHOIS traffic of the last minute and the busiest
 * servers, and every campaign with its progress. Two queries per sample, however many browsers watch.
 */
@Component
class LiveSampler {

	static final int SERVERS_SHOWN = 10;

	private final ProbeService probes;

	private final CampaignService campaigns;

	private final TargetStatistics statistics;

	LiveSampler(ProbeService probes, CampaignService campaigns, TargetStatistics statistics) {
		this.probes = probes;
		this.campaigns = campaigns;
		this.statistics = statistics;
	}

	/** The parts, by event name: {@code probes}, {@code whois}, {@code campaigns}. */
	Mono<Map<String, Object>> sample() {
		return Mono.zip(this.probes.probes().collectList(), this.campaigns.campaigns().collectList())
			.map((sampled) -> {
				Map<String, Object> parts = new LinkedHashMap<>();
				parts.put("probes", sampled.getT1());
				parts.put("whois", new WhoisTraffic(this.statistics.traffic(),
						this.statistics.snapshot().stream().limit(SERVERS_SHOWN).toList()));
				parts.put("campaigns", sampled.getT2());
				return parts;
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
