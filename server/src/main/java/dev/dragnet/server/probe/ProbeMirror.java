package dev.dragnet.server.probe;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The probe rows in memory, by name, brought up to date by reading only the rows changed since the last read (the
 * change feed of {@code schema.sql}: {@code change_seq} and {@code change_xid}), not the whole table. The feed is in
 * the database, so changes made by other server instances, or by hand, are read too; archived rows leave.
 *
 * <p>One read at a time: {@link #refresh()} starts a read if none runs, else waits for the read that starts after
 * the running one ends, shared by every caller that arrived meanwhile. So a caller always sees what was committed
 * before it asked (the running read may have taken its snapshot before), and however many callers there are, at
 * most one read runs and one waits.
 *
 * <p>The whole table is read at the first refresh, every {@link #FULL_READ_INTERVAL} as a safety net (a row deleted
 * by hand leaves then), and at once when the highest change number went down (a database restored or replaced).
 */
final class ProbeMirror {

	/** How often the whole table is read again, besides the reads of changes. */
	static final Duration FULL_READ_INTERVAL = Duration.ofMinutes(10);

	private final Function<@Nullable Cursor, Mono<Delta>> reader;

	private final LongSupplier nanoTime;

	private final Object lock = new Object();

	/** The rows last read, by name; replaced, never changed, so callers may read it while a read merges. */
	private volatile SortedMap<String, ProbeRepository.ProbeRow> rows = Collections.emptySortedMap();

	/** Where the next read of changes starts; null: read the whole table. Written by one read at a time. */
	private volatile @Nullable Cursor cursor;

	private volatile long lastFullRead;

	private Sinks.@Nullable One<Void> running;

	private Sinks.@Nullable One<Void> next;

	/**
	 * @param reader reads the changes after a cursor, or the whole table for a null cursor; it is subscribed once per
	 * read, never twice at a time
	 * @param nanoTime the time, to know when the whole table is due again
	 */
	ProbeMirror(Function<@Nullable Cursor, Mono<Delta>> reader, LongSupplier nanoTime) {
		this.reader = reader;
		this.nanoTime = nanoTime;
	}

	/** The rows as last read, by name (empty before the first read). */
	SortedMap<String, ProbeRepository.ProbeRow> rows() {
		return this.rows;
	}

	/**
	 * Completes when a read that started after this call ended; fails as that read failed, and the rows stay as
	 * they were. Cancelling does not cancel the read.
	 */
	Mono<Void> refresh() {
		return Mono.defer(() -> {
			Sinks.One<Void> awaited;
			boolean start = false;
			synchronized (this.lock) {
				if (this.running == null) {
					this.running = Sinks.one();
					awaited = this.running;
					start = true;
				}
				else {
					if (this.next == null) {
						this.next = Sinks.one();
					}
					awaited = this.next;
				}
			}
			if (start) {
				read(awaited);
			}
			return awaited.asMono();
		});
	}

	private void read(Sinks.One<Void> done) {
		Mono.defer(this::readOnce).subscribe(null, (ex) -> ended(done, ex), () -> ended(done, null));
	}

	private Mono<Void> readOnce() {
		Cursor from = this.cursor;
		boolean full = from == null || this.nanoTime.getAsLong() - this.lastFullRead >= FULL_READ_INTERVAL.toNanos();
		long started = this.nanoTime.getAsLong();
		return this.reader.apply(full ? null : from).flatMap((delta) -> {
			if (from != null && !delta.full() && delta.cursor().high() < from.high()) {
				// The numbers went down: not the database read before. Read it whole now.
				return this.reader.apply(null);
			}
			return Mono.just(delta);
		}).doOnNext((delta) -> {
			this.rows = merge(this.rows, delta);
			this.cursor = delta.cursor();
			if (delta.full()) {
				this.lastFullRead = started;
			}
		}).then();
	}

	private void ended(Sinks.One<Void> done, @Nullable Throwable failure) {
		Sinks.One<Void> following;
		synchronized (this.lock) {
			following = this.next;
			this.next = null;
			this.running = following;
		}
		if (following != null) {
			read(following);
		}
		if (failure != null) {
			done.tryEmitError(failure);
		}
		else {
			done.tryEmitEmpty();
		}
	}

	/**
	 * The rows after a read: those of a whole-table read, else {@code before} with the changed rows put and the
	 * archived ones taken out. {@code before} itself is left as it is.
	 */
	static SortedMap<String, ProbeRepository.ProbeRow> merge(SortedMap<String, ProbeRepository.ProbeRow> before,
			Delta delta) {
		if (!delta.full() && delta.changed().isEmpty() && delta.archived().isEmpty()) {
			return before;
		}
		TreeMap<String, ProbeRepository.ProbeRow> after = delta.full() ? new TreeMap<>() : new TreeMap<>(before);
		for (ProbeRepository.ProbeRow row : delta.changed()) {
			after.put(row.name(), row);
		}
		for (String name : delta.archived()) {
			after.remove(name);
		}
		return Collections.unmodifiableSortedMap(after);
	}

	/**
	 * Where a read of changes starts.
	 *
	 * @param high the highest {@code change_seq} in the table as the last read saw it
	 * @param inProgress the transactions in progress at that read ({@code xid8} as text): what they write may carry
	 * a lower number and show only after it
	 */
	record Cursor(long high, List<String> inProgress) {

		Cursor {
			inProgress = List.copyOf(inProgress);
		}
	}

	/**
	 * One read.
	 *
	 * @param full whether it read the whole table (then {@code changed} is every row not archived)
	 * @param changed the rows changed since the cursor (or every one), not archived
	 * @param archived the names of rows archived since the cursor
	 * @param cursor where the next read starts
	 */
	record Delta(boolean full, List<ProbeRepository.ProbeRow> changed, List<String> archived, Cursor cursor) {

		Delta {
			changed = List.copyOf(changed);
			archived = List.copyOf(archived);
		}
	}
}
