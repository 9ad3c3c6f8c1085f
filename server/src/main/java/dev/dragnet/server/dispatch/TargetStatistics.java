package dev.dragnet.server.dispatch;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.dragnet.protocol.TaskResult;
import org.springframework.stereotype.Component;

/**
 * Per remote server: attempts, successes, throttles, failures and the median latency of recent successful
 * attempts. In memory, per server instance; bounded by a sliding window of latencies per server.
 */
@Component
public class TargetStatistics {

	static final int WINDOW = 512;

	private final Map<String, Counters> targets = new ConcurrentHashMap<>();

	private final TrafficSeries traffic = new TrafficSeries(System::currentTimeMillis);

	void record(String target, Attempt attempt) {
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

	/** A snapshot of every target, busiest first. */
	public List<TargetStats> snapshot() {
		return this.targets.entrySet()
			.stream()
			.map((e) -> e.getValue().snapshot(e.getKey()))
			.sorted(Comparator.comparingLong(TargetStats::lookups).reversed().thenComparing(TargetStats::server))
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
	 */
	public record TargetStats(String server, long lookups, long successes, long throttles, long failures,
			Long medianLatencyMillis) {
	}

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

		TargetStats snapshot(String target) {
			return new TargetStats(target, this.attempts.sum(), this.successes.sum(), this.throttles.sum(),
					this.failures.sum(), median());
		}
	}
}
