package dev.dragnet.server.cluster;

import java.time.Duration;
import java.util.List;

import dev.dragnet.server.dispatch.Attempt;
import dev.dragnet.server.dispatch.Dispatched;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a forwarded lookup, always 200 so that the connection stays open for the next one: what the
 * instance's own dispatcher made of it.
 *
 * @param outcome {@code DONE} (answered), {@code REFUSED} (no probe here could take it in time) or
 * {@code EXHAUSTED} (every attempt here failed)
 * @param dispatched the answer and its attempts, for DONE
 * @param detail why, for REFUSED
 * @param retryAfterMillis when to try again, for REFUSED
 * @param attempts the failed attempts, for EXHAUSTED
 */
record ForwardReply(String outcome, @Nullable Dispatched dispatched, @Nullable String detail, long retryAfterMillis,
		@Nullable List<Attempt> attempts) {

	static final String DONE = "DONE";

	static final String REFUSED = "REFUSED";

	static final String EXHAUSTED = "EXHAUSTED";

	static ForwardReply done(Dispatched dispatched) {
		return new ForwardReply(DONE, dispatched, null, 0, null);
	}

	static ForwardReply refused(String detail, Duration retryAfter) {
		return new ForwardReply(REFUSED, null, detail, retryAfter.toMillis(), null);
	}

	static ForwardReply exhausted(List<Attempt> attempts) {
		return new ForwardReply(EXHAUSTED, null, null, 0, attempts);
	}
}
