package dev.dragnet.server.campaign;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

import dev.dragnet.server.db.DatabaseFailures;
import dev.dragnet.server.db.DatabaseUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Group commit: requests that arrive while earlier ones are being written wait, and go together into the next
 * statement, so under load one statement serves many requests and a lone request is written at once. At most
 * {@code concurrency} statements run at once, whatever the number of probes asking; at most {@code backlog}
 * requests wait, and {@link #offer} refuses one more. A statement that has not ended after {@code deadline} fails
 * its group with {@link DatabaseUnavailableException} (its requests are deferred), so a database that stopped
 * answering holds no statement slot for good.
 *
 * @param <T> a waiting request, which carries where its outcome goes
 */
abstract class GroupedWrites<T> {

	private static final Logger logger = LoggerFactory.getLogger(GroupedWrites.class);

	private final int concurrency;

	private final int backlog;

	private final Duration deadline;

	/** Requests waiting for a statement, oldest first. Guarded by {@code this}. */
	private final ArrayDeque<T> waiting = new ArrayDeque<>();

	/** Statements running. Guarded by {@code this}. */
	private int writing;

	GroupedWrites(int concurrency, int backlog, Duration deadline) {
		this.concurrency = concurrency;
		this.backlog = backlog;
		this.deadline = deadline;
	}

	/** Queues a request, and writes it now if a statement is free; false (not queued) when the backlog is full. */
	final boolean offer(T request) {
		synchronized (this) {
			if (this.waiting.size() >= this.backlog) {
				return false;
			}
			this.waiting.add(request);
		}
		drain();
		return true;
	}

	/** Requests waiting for a statement now. */
	final synchronized int waiting() {
		return this.waiting.size();
	}

	/**
	 * Takes the next group from the waiting requests, oldest first: removes what it takes through the iterator, and
	 * takes at least the first. Called holding this object's lock; must not call out.
	 */
	abstract List<T> take(Iterator<T> waiting);

	/** Writes one group; each request hears its own outcome. Errors only where every request should hear it. */
	abstract Mono<Void> write(List<T> group);

	/** The group's write failed: each request that has not heard its outcome hears {@code error}. */
	abstract void failed(List<T> group, Throwable error);

	private void drain() {
		while (true) {
			List<T> group;
			synchronized (this) {
				if (this.writing >= this.concurrency || this.waiting.isEmpty()) {
					return;
				}
				group = take(this.waiting.iterator());
				this.writing++;
			}
			// A detached subscription: the group's requests each wait on their own outcome, not on this.
			Mono.defer(() -> write(group))
				.timeout(this.deadline, Mono.error(() -> new DatabaseUnavailableException("a statement of " + group.size()
						+ " campaign write(s) did not end within " + this.deadline, this.deadline)))
				.doFinally((signal) -> {
					synchronized (this) {
						this.writing--;
					}
					drain();
				})
				.subscribe(null, (ex) -> {
					failed(group, ex);
					if (!DatabaseFailures.isUnavailable(ex)) {
						logger.warn("a grouped write of {} request(s) failed: {}", group.size(), ex.toString());
					}
				});
		}
	}

	/** Too many requests wait: this one is not taken; the caller defers it (its probe asks or sends again). */
	static final class Busy extends RuntimeException {

		Busy(int waiting) {
			super(waiting + " requests wait to be written", null, false, false);
		}
	}
}
