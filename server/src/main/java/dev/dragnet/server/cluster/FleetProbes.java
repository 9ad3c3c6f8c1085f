package dev.dragnet.server.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.dragnet.server.db.DatabaseStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The effective probes on the other live instances, read from the {@code probe} table every
 * {@code dragnet.cluster.heartbeat-interval}: which instance could run a task of which capability (for
 * forwarding), and how many probes the fleet has (for the gauges). Read only while this instance has peers; with
 * one instance it costs nothing. Up to one heartbeat old; a failed read keeps the last one.
 */
@Component
public class FleetProbes implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(FleetProbes.class);

	private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);

	private final DatabaseClient db;

	private final DatabaseStatus status;

	private final ClusterMembership membership;

	private final ClusterProperties properties;

	/** Probe names and capabilities, by the instance they are on (never this one). */
	private volatile Map<String, List<PeerProbe>> byInstance = Map.of();

	private volatile @Nullable Disposable reading;

	FleetProbes(DatabaseClient db, DatabaseStatus status, ClusterMembership membership, ClusterProperties properties) {
		this.db = db;
		this.status = status;
		this.membership = membership;
		this.properties = properties;
	}

	/**
	 * The other live instances with an effective probe that has {@code capability} and is not in
	 * {@code excludedProbes}, the one with most such probes first.
	 */
	public List<String> instancesFor(String capability, Set<String> excludedProbes) {
		Map<String, Integer> counts = new HashMap<>();
		this.byInstance.forEach((instance, probes) -> {
			int usable = (int) probes.stream()
				.filter((p) -> p.capabilities().contains(capability) && !excludedProbes.contains(p.name()))
				.count();
			if (usable > 0) {
				counts.put(instance, usable);
			}
		});
		return counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
			.map(Map.Entry::getKey)
			.toList();
	}

	/** Effective probes with {@code capability}, not in {@code excludedProbes}, on the other reachable instances. */
	public int probesFor(String capability, Set<String> excludedProbes) {
		int count = 0;
		for (List<PeerProbe> probes : this.byInstance.values()) {
			for (PeerProbe probe : probes) {
				if (probe.capabilities().contains(capability) && !excludedProbes.contains(probe.name())) {
					count++;
				}
			}
		}
		return count;
	}

	/** Effective probes on the other live instances. */
	public int effectiveElsewhere() {
		return this.byInstance.values().stream().mapToInt(List::size).sum();
	}

	/** Reads the table now (if this instance has peers); completes when done, errors when the read failed. */
	Mono<Void> refresh() {
		if (this.membership.peers().isEmpty()) {
			this.byInstance = Map.of();
			return Mono.empty();
		}
		if (!this.status.isAvailable()) {
			return Mono.empty();
		}
		return this.db.sql("""
				SELECT instance_id, name, capabilities FROM probe
				WHERE state = 'EFFECTIVE' AND archived_at IS NULL AND revoked_at IS NULL AND quarantine_reason IS NULL
				    AND instance_id <> :self AND %s
				""".formatted(ClusterMembership.aliveCondition("instance_id")))
			.bind("self", this.membership.id())
			.bind("deadAfterMillis", this.membership.deadAfterMillis())
			.map((row) -> {
				String[] capabilities = row.get("capabilities", String[].class);
				return new PeerProbe(row.get("instance_id", String.class), row.get("name", String.class),
						(capabilities != null) ? List.of(capabilities) : List.of());
			})
			.all()
			.collectList()
			.timeout(STATEMENT_TIMEOUT)
			.doOnNext((probes) -> {
				// Only instances this one can reach: a peer's URL is advertised a beat after its web server starts.
				Set<String> reachable = new HashSet<>();
				this.membership.peers().stream().filter((peer) -> peer.url() != null)
					.forEach((peer) -> reachable.add(peer.id()));
				Map<String, List<PeerProbe>> grouped = new HashMap<>();
				probes.stream().filter((p) -> reachable.contains(p.instance()))
					.forEach((p) -> grouped.computeIfAbsent(p.instance(), (i) -> new ArrayList<>()).add(p));
				grouped.replaceAll((instance, list) -> {
					list.sort(Comparator.comparing(PeerProbe::name));
					return List.copyOf(list);
				});
				this.byInstance = Map.copyOf(grouped);
			})
			.then();
	}

	@Override
	public void start() {
		this.reading = Flux.interval(Duration.ZERO, this.properties.heartbeatInterval(), Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> refresh().onErrorResume((ex) -> {
				logger.debug("could not read the other instances' probes: {}", ex.toString());
				return Mono.empty();
			}))
			.subscribe(null, (ex) -> logger.error("reading the other instances' probes stopped: {}", ex.toString()));
	}

	@Override
	public void stop() {
		Disposable running = this.reading;
		if (running != null) {
			running.dispose();
		}
		this.reading = null;
	}

	@Override
	public boolean isRunning() {
		return this.reading != null;
	}

	/** An effective probe on another instance. */
	record PeerProbe(String instance, String name, List<String> capabilities) {
	}
}
