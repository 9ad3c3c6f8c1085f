package dev.dragnet.server.dispatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * WHOIS and RDAP attempts of the last {@link #SECONDS} seconds, one bucket per second: how many ended well, were
 * throttled or failed, and their latencies. Fixed size whatever the traffic: a ring of buckets, each holding a
 * bounded sample of latencies. Thread-safe; the clock is given so tests can move time.
 */
public final class TrafficSeries {

	/** Seconds kept. */
	public static final int SECONDS = 60;

	static final int LATENCIES_PER_SECOND = 256;

	private final LongSupplier clockMillis;

	private final Bucket[] buckets = new Bucket[SECONDS];

	public TrafficSeries(LongSupplier clockMillis) {
		this.clockMillis = clockMillis;
		for (int i = 0; i < SECONDS; i++) {
			this.buckets[i] = new Bucket();
		}
	}

	/** Counts one attempt: {@code outcome} is a task outcome name, or NO_ANSWER / PROBE_LOST. */
	public void record(String outcome, long elapsedMillis) {
		long second = this.clockMillis.getAsLong() / 1000;
		Bucket bucket = this.buckets[(int) (second % SECONDS)];
		synchronized (bucket) {
			bucket.roll(second);
			if ("OK".equals(outcome) || "TRUNCATED".equals(outcome)) {
				bucket.ok++;
				if (bucket.latencyCount < LATENCIES_PER_SECOND) {
					bucket.latencies[bucket.latencyCount++] = elapsedMillis;
				}
			}
			else if ("THROTTLED".equals(outcome)) {
				bucket.throttled++;
			}
			else {
				bucket.failed++;
			}
		}
	}

	/** The last {@link #SECONDS} whole seconds, oldest first, ending with the second before the current one. */
	public Traffic snapshot() {
		long now = this.clockMillis.getAsLong() / 1000;
		List<Second> seconds = new ArrayList<>(SECONDS);
		long[] all = new long[SECONDS * LATENCIES_PER_SECOND];
		int filled = 0;
		long ok = 0;
		long throttled = 0;
		long failed = 0;
		for (long second = now - SECONDS; second < now; second++) {
			Bucket bucket = this.buckets[(int) (second % SECONDS)];
			synchronized (bucket) {
				if (bucket.second != second) {
					seconds.add(new Second(second, 0, 0, 0));
					continue;
				}
				seconds.add(new Second(second, bucket.ok, bucket.throttled, bucket.failed));
				ok += bucket.ok;
				throttled += bucket.throttled;
				failed += bucket.failed;
				System.arraycopy(bucket.latencies, 0, all, filled, bucket.latencyCount);
				filled += bucket.latencyCount;
			}
		}
		long[] latencies = Arrays.copyOf(all, filled);
		Arrays.sort(latencies);
		return new Traffic(seconds, (ok + throttled + failed) / (double) SECONDS, ok, throttled, failed,
				percentile(latencies, 50), percentile(latencies, 95));
	}

	private static @Nullable Long percentile(long[] sorted, int percent) {
		if (sorted.length == 0) {
			return null;
		}
		int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, index)];
	}

	/**
	 * Traffic over the last minute.
	 *
	 * @param seconds one entry per second, oldest first
	 * @param lookupsPerSecond attempts per second, averaged over the minute
	 * @param ok attempts answered
	 * @param throttled attempts refused as too frequent
	 * @param failed attempts that timed out, could not connect or failed otherwise
	 * @param p50Millis median latency of answered attempts, null without any
	 * @param p95Millis 95th percentile latency of answered attempts, null without any
	 */
	public record Traffic(List<Second> seconds, double lookupsPerSecond, long ok, long throttled, long failed,
			@Nullable Long p50Millis, @Nullable Long p95Millis) {
	}

	/** One second: its epoch second and its attempts by outcome. */
	public record Second(long epochSecond, long ok, long throttled, long failed) {
	}

	private static final class Bucket {

		long second = -1;

		long ok;

		long throttled;

		long failed;

		final long[] latencies = new long[LATENCIES_PER_SECOND];

		int latencyCount;

		void roll(long now) {
			if (this.second != now) {
				this.second = now;
				this.ok = 0;
				this.throttled = 0;
				this.failed = 0;
				this.latencyCount = 0;
			}
		}
	}
}
