package dev.dragnet.server.cluster;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import dev.dragnet.server.dispatch.TargetStatistics;
import dev.dragnet.server.dispatch.TargetStatistics.TargetStats;
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

	private record PeerStats(String instance, @Nullable List<TargetStats> stats, @Nullable String problem) {
	}
}
