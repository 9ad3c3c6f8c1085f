package dev.dragnet.testbed.whois;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A registry's limit per source address: a token bucket per client address that holds at most {@code burst}
 * queries and refills at {@code perSecond}. A query that finds a token is allowed and takes it; one that finds
 * none is refused and takes nothing, so a client that keeps to the rate is never refused and one that goes
 * faster is refused exactly for the excess. Used with {@link WhoisBehaviour#perClient}.
 *
 * <p>Thread-safe: each client's bucket is updated under its own lock.
 */
public final class ClientRateLimit {

	private final double perSecond;

	private final int burst;

	private final LongSupplier nanoClock;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final LongAdder allowed = new LongAdder();

	private final LongAdder refused = new LongAdder();

	private ClientRateLimit(double perSecond, int burst, LongSupplier nanoClock) {
		if (!(perSecond > 0) || burst < 1) {
			throw new IllegalArgumentException("a limit needs perSecond > 0 and burst >= 1");
		}
		this.perSecond = perSecond;
		this.burst = burst;
		this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
	}

	/** At most {@code perSecond} queries a second from each address, {@code burst} at once after a pause. */
	public static ClientRateLimit of(double perSecond, int burst) {
		return new ClientRateLimit(perSecond, burst, System::nanoTime);
	}

	/** The same on a clock of its own, for tests. */
	static ClientRateLimit of(double perSecond, int burst, LongSupplier nanoClock) {
		return new ClientRateLimit(perSecond, burst, nanoClock);
	}

	/** Takes a token for {@code client} if it has one; false means the query is over the limit. */
	public boolean tryAcquire(String client) {
		boolean ok = this.buckets.computeIfAbsent(client, (c) -> new Bucket(this.burst, this.nanoClock.getAsLong()))
			.tryTake(this.perSecond, this.burst, this.nanoClock.getAsLong());
		(ok ? this.allowed : this.refused).increment();
		return ok;
	}

	/** Queries allowed so far, every client together. */
	public long allowed() {
		return this.allowed.sum();
	}

	/** Queries refused so far, every client together. */
	public long refused() {
		return this.refused.sum();
	}

	/** Addresses seen so far. */
	public int clients() {
		return this.buckets.size();
	}

	/** The least time between two queries of one client that keeps to the limit. */
	public Duration interval() {
		return Duration.ofNanos((long) (1_000_000_000L / this.perSecond));
	}

	@Override
	public String toString() {
		return this.perSecond + "/s per client, burst " + this.burst;
	}

	private static final class Bucket {

		private double tokens;

		private long updated;

		Bucket(int burst, long now) {
			this.tokens = burst;
			this.updated = now;
		}

		synchronized boolean tryTake(double perSecond, int burst, long now) {
			this.tokens = Math.min(burst, this.tokens + (now - this.updated) * perSecond / 1_000_000_000d);
			this.updated = now;
			if (this.tokens >= 1) {
				this.tokens -= 1;
				return true;
			}
			return false;
		}
	}
}
