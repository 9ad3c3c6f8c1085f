package dev.dragnet.server.probe;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Liveness by ping. Every interval the server sends {@code Ping(seq)}; a ping still unanswered when the next
 * interval comes counts as missed; after {@code missedPings} misses in a row the heartbeat fails with
 * {@link MissedPingsException}. A pong for the latest ping (or any later one) clears the count.
 */
final class Heartbeat {

	private final int missedPings;

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong answered = new AtomicLong();

	Heartbeat(int missedPings) {
		this.missedPings = missedPings;
	}

	/** Records a pong; stale or unknown sequence numbers are ignored. */
	void pong(long seq) {
		this.answered.accumulateAndGet(Math.min(seq, this.sent.get()), Math::max);
	}

	/** Pings in a row that got no answer so far. */
	long missed() {
		return this.sent.get() - this.answered.get();
	}

	/**
	 * Runs until the probe misses too many pings; then errors with {@link MissedPingsException}. Never
	 * completes on its own: cancel it when the session ends.
	 */
	Mono<Void> run(Duration interval, Scheduler scheduler, LongConsumer ping) {
		return Flux.interval(interval, scheduler).concatMap((tick) -> tick(ping)).then();
	}

	private Mono<Long> tick(LongConsumer ping) {
		if (missed() >= this.missedPings) {
			return Mono.error(new MissedPingsException(missed()));
		}
		long seq = this.sent.incrementAndGet();
		ping.accept(seq);
		return Mono.just(seq);
	}

	/** The probe stopped answering pings. */
	static final class MissedPingsException extends RuntimeException {

		MissedPingsException(long missed) {
			super("missed " + missed + " pings in a row", null, false, false);
		}
	}
}
