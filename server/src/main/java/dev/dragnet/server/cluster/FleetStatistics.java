package dev.dragnet.server.cluster;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

import dev.dragnet.server.dispatch.TargetStatistics;
import dev.dragnet.server.dispatch.TargetStatistics.TargetStats;
import dev.dragnet.server.dispatch.TrafficSeries;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The per-server statistics of the whole fleet: this instance's, merged with every live peer's
 * ({@code GET /internal/cluster/stats}, within {@code dragnet.cluster.stats-timeout}). A peer that does not answer
 * in time is left out and named. With one instance, this instance's numbers as they are.
 *
 * <p>Counts, queues, open queries and allowed rates add up (each instance's ledger covers its own probes); the
 * configured and learned intervals are the slowest any instance keeps; the median latency is the mean of the
 * instances' medians weighted by their successes, an approximation.
 */
@Component
public class FleetStatistics {

	private static final int CONCURRENCY = 16;

	private static final long LIVE_REFRESH_MILLIS = 2000;

	private volatile @Nullable Mono<Live> liveCache;

	private volatile long liveCachedAt;

	private final TargetStatistics local;

	private final ClusterMembership membership;

	private final ClusterSecret secret;

	private final PeerClient client;

	private final ClusterProperties properties;

	FleetStatistics(TargetStatistics local, ClusterMembership membership, ClusterSecret secret, PeerClient client,
			ClusterProperties properties) {
		this.local = local;
		this.membership = membership;
		this.secret = secret;
		this.client = client;
		this.properties = properties;
	}

	/** The fleet's statistics, busiest server first, with the instances counted and those left out. */
	public Mono<Fleet> snapshot() {
		List<ClusterMembership.Member> peers = this.membership.peers();
		List<TargetStats> own = this.local.snapshot();
		if (peers.isEmpty()) {
			return Mono.just(new Fleet(own, 1, List.of()));
		}
		if (!this.secret.configured()) {
			return Mono.just(new Fleet(own, 1, peers.stream()
				.map((peer) -> peer.id() + " (no dragnet.cluster.secret: instances do not call each other)")
				.toList()));
		}
		return Flux.fromIterable(peers).flatMap(this::ask, CONCURRENCY).collectList().map((answers) -> {
			List<List<TargetStats>> all = new ArrayList<>(List.of(own));
			List<String> missing = new ArrayList<>();
			for (PeerStats answer : answers) {
				if (answer.stats() != null) {
					all.add(answer.stats());
				}
				else {
					missing.add(answer.instance() + " (" + answer.problem() + ")");
				}
			}
			return new Fleet(merge(all), all.size(), List.copyOf(missing));
		});
	}

	/**
	 * The status page's WHOIS panel for the whole fleet: the busiest servers and the last minute of attempts, merged
	 * over the instances that answer. Asked of the peers at most every {@value #LIVE_REFRESH_MILLIS} ms, however
	 * many viewers sample it; in between the last answer is served.
	 */
	public Mono<Live> live() {
		if (this.membership.peers().isEmpty() || !this.secret.configured()) {
			return Mono.just(new Live(this.local.snapshot(), this.local.traffic()));
		}
		long now = System.nanoTime();
		Mono<Live> cached = this.liveCache;
		if (cached == null || now - this.liveCachedAt > LIVE_REFRESH_MILLIS * 1_000_000L) {
			cached = Mono.zip(snapshot(), fleetTraffic())
				.map((both) -> new Live(both.getT1().servers(), both.getT2()))
				.cache();
			this.liveCache = cached;
			this.liveCachedAt = now;
		}
		return cached;
	}

	private Mono<TrafficSeries.Traffic> fleetTraffic() {
		return Flux.fromIterable(this.membership.peers())
			.filter((peer) -> peer.url() != null)
			.flatMap((peer) -> this.client.traffic(peer.url(), this.properties.statsTimeout())
				.onErrorResume((ex) -> Mono.empty()), CONCURRENCY)
			.collectList()
			.map((peers) -> {
				List<TrafficSeries.Traffic> all = new ArrayList<>(peers);
				all.add(this.local.traffic());
				return mergeTraffic(all);
			});
	}

	/**
	 * Several instances' last minute as one: attempts per second added up by second; the median latency weighted by
	 * each instance's successful attempts and the 95th percentile the highest of theirs (approximations: the
	 * instances keep no shared histogram).
	 */
	static TrafficSeries.Traffic mergeTraffic(List<TrafficSeries.Traffic> parts) {
		if (parts.size() == 1) {
			return parts.get(0);
		}
		Map<Long, long[]> seconds = new TreeMap<>();
		double rate = 0;
		long ok = 0;
		long throttled = 0;
		long failed = 0;
		double weighted = 0;
		long weights = 0;
		Long p95 = null;
		for (TrafficSeries.Traffic part : parts) {
			for (TrafficSeries.Second second : part.seconds()) {
				long[] sum = seconds.computeIfAbsent(second.epochSecond(), (k) -> new long[3]);
				sum[0] += second.ok();
				sum[1] += second.throttled();
				sum[2] += second.failed();
			}
			rate += part.lookupsPerSecond();
			ok += part.ok();
			throttled += part.throttled();
			failed += part.failed();
			if (part.p50Millis() != null && part.ok() > 0) {
				weighted += part.p50Millis() * (double) part.ok();
				weights += part.ok();
			}
			p95 = slowest(p95, part.p95Millis());
		}
		List<TrafficSeries.Second> merged = new ArrayList<>();
		seconds.forEach((second, sum) -> merged.add(new TrafficSeries.Second(second, sum[0], sum[1], sum[2])));
		return new TrafficSeries.Traffic(merged, rate, ok, throttled, failed,
				(weights > 0) ? Math.round(weighted / weights) : null, p95);
	}

	private Mono<PeerStats> ask(ClusterMembership.Member peer) {
		URI url = peer.url();
		if (url == null) {
			return Mono.just(new PeerStats(peer.id(), null, "its address is not known yet"));
		}
		return this.client.stats(url, this.properties.statsTimeout())
			.map((stats) -> new PeerStats(peer.id(), stats, null))
			.onErrorResume((ex) -> Mono.just(new PeerStats(peer.id(), null, (ex instanceof TimeoutException)
					? "no answer within " + this.properties.statsTimeout().toMillis() + " ms" : ex.toString())));
	}

	/** Several instances' statistics as one, busiest first (as {@link TargetStatistics#snapshot()} orders). */
	static List<TargetStats> merge(List<List<TargetStats>> instances) {
		Map<String, List<TargetStats>> byServer = new HashMap<>();
		instances.forEach((list) -> list.forEach((s) -> byServer.computeIfAbsent(s.server(), (k) -> new ArrayList<>()).add(s)));
		return byServer.entrySet()
			.stream()
			.map((entry) -> combine(entry.getKey(), entry.getValue()))
			.sorted(Comparator.comparingLong(TargetStats::lookups)
				.thenComparingInt(TargetStats::queued)
				.reversed()
				.thenComparing(TargetStats::server))
			.toList();
	}

	private static TargetStats combine(String server, List<TargetStats> parts) {
		if (parts.size() == 1) {
			return parts.get(0);
		}
		long lookups = 0;
		long successes = 0;
		long throttles = 0;
		long failures = 0;
		int queued = 0;
		int open = 0;
		double weighted = 0;
		long weights = 0;
		Long interval = null;
		Long learned = null;
		Double rate = null;
		for (TargetStats part : parts) {
			lookups += part.lookups();
			successes += part.successes();
			throttles += part.throttles();
			failures += part.failures();
			queued += part.queued();
			open += part.open();
			if (part.medianLatencyMillis() != null && part.successes() > 0) {
				weighted += part.medianLatencyMillis() * (double) part.successes();
				weights += part.successes();
			}
			interval = slowest(interval, part.intervalMillis());
			learned = slowest(learned, part.learnedIntervalMillis());
			if (part.allowedRate() != null) {
				rate = Math.round(((rate != null) ? rate : 0) * 100 + part.allowedRate() * 100) / 100.0;
			}
		}
		Long median = (weights > 0) ? Math.round(weighted / weights) : null;
		return new TargetStats(server, lookups, successes, throttles, failures, median, queued, open, interval, learned,
				rate);
	}

	private static @Nullable Long slowest(@Nullable Long a, @Nullable Long b) {
		if (a == null) {
			return b;
		}
		return (b == null) ? a : Math.max(a, b);
	}

	/**
	 * The fleet's statistics.
	 *
	 * @param servers per WHOIS or RDAP server, merged over the instances that answered
	 * @param instances how many instances' numbers are included, this one among them
	 * @param missing the live instances left out, each with why
	 */
	public record Fleet(List<TargetStats> servers, int instances, List<String> missing) {
	}

	/**
	 * The fleet's WHOIS panel.
	 *
	 * @param servers per WHOIS or RDAP server, busiest first
	 * @param traffic the last minute of attempts
	 */
	public record Live(List<TargetStats> servers, TrafficSeries.Traffic traffic) {
	}

	private record PeerStats(String instance, @Nullable List<TargetStats> stats, @Nullable String problem) {
	}
}
