package dev.dragnet.server.probe;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * Liveness by ping, for one session. The {@link ProbeSweep} sends {@code Ping(seq)} once per interval with the
 * number {@link #next()} gives; a ping still unanswered when the next visit comes counts as missed, and after
 * {@code missedPings} misses in a row the sweep closes the session. A pong for the latest ping (or any later one)
 * clears the count. Two numbers, no timer: the sweep's clock is shared by every session.
 */
final class Heartbeat {

	private static final AtomicLongFieldUpdater<Heartbeat> ANSWERED = AtomicLongFieldUpdater.newUpdater(Heartbeat.class,
			"answered");

	/** Written by the sweep only, one visit at a time. */
	private volatile long sent;

	private volatile long answered;

	/** Records a pong; stale or unknown sequence numbers are ignored. */
	void pong(long seq) {
		long answer = Math.min(seq, this.sent);
		ANSWERED.accumulateAndGet(this, answer, Math::max);
	}

	/** Pings in a row that got no answer so far. */
	long missed() {
		return this.sent - this.answered;
	}

	/** The sequence number of the next ping, counted as sent. */
	long next() {
		long seq = this.sent + 1;
		this.sent = seq;
		return seq;
	}
}
