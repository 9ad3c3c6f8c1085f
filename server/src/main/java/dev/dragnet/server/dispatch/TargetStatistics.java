package dev.dragnet.server.dispatch;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.schedule.Frontier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Per remote server: attempts, successes, throttles, failures and the median latency of recent successful
 * attempts. In memory, per server instance; bounded by a sliding window of latencies per server. The servers
 * are those of the WHOIS server table, the allow-list, the RDAP bootstrap and the registrars' servers that
 * referrals lead to: thousands at most, so the meters' tags stay bounded too.
 */
@Component
public class TargetStatistics {

	static final int WINDOW = 512;

	private final Map<String, Counters> targets = new ConcurrentHashMap<>();

	private final TrafficSeries traffic = new TrafficSeries(System::currentTimeMillis);

	private final @Nullable MeterRegistry meters;

	/** The scheduler's view of each target (queue, learned pace), merged into snapshots. */
	private volatile Supplier<Map<String, Frontier.Load>> loads = Map::of;

	/** Statistics kept in memory only. */
	TargetStatistics() {
		this.meters = null;
	}

	/**
	 * Statistics also published as {@code dragnet.whois.requests} (counter) and {@code dragnet.whois.latency}
	 * (timer), both tagged with the server and the attempt's outcome.
	 */
	@Autowired
	TargetStatistics(ObjectProvider<MeterRegistry> meters) {
		this.meters = meters.getIfAvailable();
	}

	void record(String target, Attempt attempt) {
		publish(target, attempt);
		this.traffic.record(attempt.outcome(), attempt.elapsedMillis());
		Counters counters = this.targets.computeIfAbsent(target, (t) -> new Counters());
		counters.attempts.increment();
		if ("OK".equals(attempt.outcome()) || "TRUNCATED".equals(attempt.outcome())) {
			counters.successes.increment();
			counters.latency(attempt.elapsedMillis());
		}
		else if (TaskResult.Outcome.THROTTLED.name().equals(attempt.outcome())) {
			counters.throttles.increment();
		}
		else {
			counters.failures.increment();
		}
	}

	/** Attempts of the last minute, second by second, over every target. */
	public TrafficSeries.Traffic traffic() {
		return this.traffic.snapshot();
	}

	private void publish(String target, Attempt attempt) {
		if (this.meters == null) {
			return;
		}
		Tags tags = Tags.of("server", target, "outcome", attempt.outcome());
		this.meters.counter("dragnet.whois.requests", tags).increment();
		Timer.builder("dragnet.whois.latency")
			.tags(tags)
			.description("Time of one attempt at a WHOIS or RDAP server, seen from this server")
			.register(this.meters)
			.record(Duration.ofMillis(attempt.elapsedMillis()));
	}

	void loads(Supplier<Map<String, Frontier.Load>> loads) {
		this.loads = loads;
	}

	/** A snapshot of every target, busiest first (lookups sent, then lookups waiting). */
	public List<TargetStats> snapshot() {
		Map<String, Frontier.Load> loads = this.loads.get();
		Set<String> names = new HashSet<>(this.targets.keySet());
		names.addAll(loads.keySet());
		return names.stream()
			.map((name) -> this.targets.getOrDefault(name, EMPTY).snapshot(name, loads.get(name)))
			.sorted(Comparator.comparingLong(TargetStats::lookups)
				.thenComparingInt(TargetStats::queued)
				.reversed()
				.thenComparing(TargetStats::server))
			.toList();
	}

	/**
	 * One server's numbers.
	 *
	 * @param server {@code host:port} or an RDAP base host
	 * @param lookups attempts sent to it
	 * @param successes attempts it answered
	 * @param throttles attempts it refused as too frequent
	 * @param failures attempts that timed out or failed otherwise
	 * @param medianLatencyMillis median time of its recent successful answers, or null before the first
	 * @param queued lookups waiting on this server for a turn at it
	 * @param open queries open at it on probes
	 * @param intervalMillis the configured least time between two queries from one probe, or null if unpaced
	 * @param learnedIntervalMillis the slowest pace learned from its throttles that is still in force, or null
	 * @param allowedRate queries per second the pace ledger allows at it now, over every usable probe
	 */
	public record TargetStats(String server, long lookups, long successes, long throttles, long failures,
			Long medianLatencyMillis, int queued, int open, Long intervalMillis, Long learnedIntervalMillis,
			Double allowedRate) {
	}

	private static final Counters EMPTY = new Counters();

	private static final class Counters {

		final LongAdder attempts = new LongAdder();

		final LongAdder successes = new LongAdder();

		final LongAdder throttles = new LongAdder();

		final LongAdder failures = new LongAdder();

		private final long[] window = new long[WINDOW];

		private int filled;

		private int next;

		synchronized void latency(long millis) {
			this.window[this.next] = millis;
			this.next = (this.next + 1) % WINDOW;
			this.filled = Math.min(this.filled + 1, WINDOW);
		}

		synchronized Long median() {
			if (this.filled == 0) {
				return null;
			}
			long[] values = Arrays.copyOf(this.window, this.filled);
			Arrays.sort(values);
			return values[values.length / 2];
		}

		TargetStats snapshot(String target, Frontier.@Nullable Load load) {
			return new TargetStats(target, this.attempts.sum(), this.successes.sum(), this.throttles.sum(),
					this.failures.sum(), median(), (load != null) ? load.queued() : 0, (load != null) ? load.open() : 0,
					(load != null && load.configuredIntervalMillis() > 0) ? load.configuredIntervalMillis() : null,
					(load != null) ? load.learnedIntervalMillis() : null, (load != null) ? load.allowedRate() : null);
		}
	}
}
