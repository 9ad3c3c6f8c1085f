package dev.dragnet.server.campaign;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

import dev.dragnet.server.db.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Changes to leases that could not be written because the database was away: a new session taking over the leases
 * its probe holds results for (and giving back the rest of its old sessions'), blocks of an ended session given
 * back, blocks given up. They are written, in that order, when the database is back, so an outage neither leaves a
 * block with a gone probe until its lease expires nor counts an attempt for it. Bounded: beyond
 * {@value #CAPACITY} changes the oldest is dropped (its block then waits for its lease to expire, which the sweeper
 * handles) and the drop is logged.
 */
@Component
class DeferredLeaseChanges {

	private static final Logger logger = LoggerFactory.getLogger(DeferredLeaseChanges.class);

	/** Most changes kept. */
	static final int CAPACITY = 4096;

	/** Session starts: written first, so a later put-back of an old session never takes what the new one keeps. */
	private final Deque<Change> starts = new ArrayDeque<>();

	private final Deque<Change> others = new ArrayDeque<>();

	/** A change for later, with what it is for the log. */
	private record Change(String what, Supplier<Mono<Void>> write, boolean start) {
	}

	/** Keeps a session start's lease change for when the database is back. */
	void sessionStart(String what, Supplier<Mono<Void>> write) {
		add(this.starts, new Change(what, write, true));
	}

	/** Keeps any other lease change for when the database is back. */
	void later(String what, Supplier<Mono<Void>> write) {
		add(this.others, new Change(what, write, false));
	}

	int size() {
		synchronized (this) {
			return this.starts.size() + this.others.size();
		}
	}

	/**
	 * Writes the changes kept, one at a time, session starts first. A change that fails because the database is away
	 * again is kept for the next time; one that fails otherwise is logged and dropped.
	 */
	Mono<Void> replay() {
		List<Change> due;
		synchronized (this) {
			due = new ArrayList<>(this.starts);
			due.addAll(this.others);
			this.starts.clear();
			this.others.clear();
		}
		if (due.isEmpty()) {
			return Mono.empty();
		}
		logger.info("the database is back: writing {} lease change(s) kept during the outage", due.size());
		return Flux.fromIterable(due)
			.concatMap((change) -> Mono.defer(change.write()).onErrorResume((ex) -> {
				if (DatabaseFailures.isUnavailable(ex)) {
					add(change.start() ? this.starts : this.others, change);
				}
				else {
					logger.warn("could not write a lease change kept during the outage ({}): {}", change.what(),
							ex.toString());
				}
				return Mono.empty();
			}))
			.then();
	}

	private void add(Deque<Change> queue, Change change) {
		Change dropped = null;
		synchronized (this) {
			if (this.starts.size() + this.others.size() >= CAPACITY) {
				dropped = (this.others.isEmpty() ? this.starts : this.others).pollFirst();
			}
			queue.addLast(change);
		}
		if (dropped != null) {
			logger.warn("too many lease changes wait for the database; dropped the oldest ({}): its blocks wait for their"
					+ " leases to expire", dropped.what());
		}
		else {
			logger.debug("kept for when the database is back: {}", change.what());
		}
	}
}
