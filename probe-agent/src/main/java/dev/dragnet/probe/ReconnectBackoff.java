package dev.dragnet.probe;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Delays between reconnect attempts: exponential backoff with full jitter. The ceiling starts at {@code min}
 * and doubles per failed attempt up to {@code max}; the delay is uniform between zero and the ceiling, so that
 * thousands of probes that lost the same server (a restart, a network cut) come back spread out, not in step.
 * A wait the server advised ({@link #after(Duration)}) comes on top, bounded by {@link #MAX_ADVISED_WAIT}.
 * Not thread-safe: one agent's reconnect loop uses it.
 */
final class ReconnectBackoff {

	/** The longest wait a server may ask of a probe: beyond, the probe tries again anyway. */
	static final Duration MAX_ADVISED_WAIT = Duration.ofMinutes(5);

	private final Duration min;

	private final Duration max;

	private final DoubleSupplier random;

	private int attempt;

	ReconnectBackoff(Duration min, Duration max) {
		this(min, max, () -> ThreadLocalRandom.current().nextDouble());
	}

	ReconnectBackoff(Duration min, Duration max, DoubleSupplier random) {
		this.min = min;
		this.max = max;
		this.random = random;
	}

	/** The delay before the next attempt; each call counts one more failed attempt. */
	Duration next() {
		Duration delay = delay(this.attempt, this.min, this.max, this.random.getAsDouble());
		if (this.attempt < 62) {
			this.attempt++;
		}
		return delay;
	}

	/**
	 * The delay before the next attempt when the server advised waiting {@code advised}: the advice, at most
	 * {@link #MAX_ADVISED_WAIT}, plus the jittered delay of {@link #next()} (so it counts one more attempt), so that
	 * probes told the same wait still come back spread out.
	 */
	Duration after(Duration advised) {
		Duration bounded = advised.isNegative() ? Duration.ZERO
				: (advised.compareTo(MAX_ADVISED_WAIT) > 0) ? MAX_ADVISED_WAIT : advised;
		return bounded.plus(next());
	}

	/** Starts over from {@code min}: the last session was a good one. */
	void reset() {
		this.attempt = 0;
	}

	/**
	 * The delay for the given attempt (0 for the first): uniform between zero and the ceiling
	 * {@code min * 2^attempt}, capped at {@code max}.
	 * @param random a number in [0, 1]
	 */
	static Duration delay(int attempt, Duration min, Duration max, double random) {
		return Duration.ofMillis(Math.round(ceiling(attempt, min, max).toMillis() * Math.max(0, Math.min(1, random))));
	}

	/** The longest delay of the given attempt: {@code min * 2^attempt}, capped at {@code max}. */
	static Duration ceiling(int attempt, Duration min, Duration max) {
		long maxMillis = max.toMillis();
		return Duration.ofMillis(attempt >= 62 ? maxMillis : Math.min(maxMillis, saturatedShift(min.toMillis(), attempt)));
	}

	private static long saturatedShift(long value, int bits) {
		return value > (Long.MAX_VALUE >> bits) ? Long.MAX_VALUE : value << bits;
	}
}
