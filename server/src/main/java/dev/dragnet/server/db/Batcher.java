package dev.dragnet.server.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Group commit: items submitted one by one are run as few statements. An item submitted while fewer than
 * {@code maxInFlight} batches run starts a batch of its own at once, so a quiet server adds no delay; items that
 * come while the batches run wait, and the next batch takes up to {@code maxBatch} of them when one ends. Under
 * load a batch grows to what arrived during one statement's round trip, without a timer.
 *
 * <p>Each submitter gets its own item's result from the map the batch returns (empty when the map has none), or
 * the batch's error. A submitter that cancels does not take its item out: the batch still runs it. At most
 * {@code maxQueued} items wait; one more is refused at once with {@link Overflow}, so a stalled database costs a
 * bounded queue, never a growing one. The batch function must end on its own (give it a deadline).
 *
 * @param <T> an item
 * @param <R> an item's result
 */
public final class Batcher<T, R> {

	private final Function<List<T>, Mono<Map<T, R>>> run;

	private final int maxBatch;

	private final int maxQueued;

	private final int maxInFlight;

	private final Object lock = new Object();

	private List<Waiting<T, R>> queue = new ArrayList<>();

	private int inFlight;

	/**
	 * @param run runs one batch: the items in the order submitted, to each item's result
	 * @param maxBatch most items in one batch
	 * @param maxQueued most items waiting for a batch
	 * @param maxInFlight most batches running at once
	 */
	public Batcher(Function<List<T>, Mono<Map<T, R>>> run, int maxBatch, int maxQueued, int maxInFlight) {
		if (maxBatch < 1 || maxQueued < maxBatch || maxInFlight < 1) {
			throw new IllegalArgumentException("need maxBatch >= 1, maxQueued >= maxBatch and maxInFlight >= 1");
		}
		this.run = run;
		this.maxBatch = maxBatch;
		this.maxQueued = maxQueued;
		this.maxInFlight = maxInFlight;
	}

	/** Runs {@code item} in the next batch; lazy: nothing is queued until subscribed. */
	public Mono<R> submit(T item) {
		return Mono.create((sink) -> {
			List<Waiting<T, R>> batch = null;
			synchronized (this.lock) {
				if (this.queue.size() >= this.maxQueued) {
					sink.error(new Overflow(this.maxQueued));
					return;
				}
				this.queue.add(new Waiting<>(item, sink));
				if (this.inFlight < this.maxInFlight) {
					batch = take();
				}
			}
			if (batch != null) {
				start(batch);
			}
		});
	}

	/** Items waiting for a batch, now. */
	public int queued() {
		synchronized (this.lock) {
			return this.queue.size();
		}
	}

	/** Takes the next batch off the queue and counts it in flight; call holding the lock, with a non-empty queue. */
	private List<Waiting<T, R>> take() {
		List<Waiting<T, R>> batch;
		if (this.queue.size() <= this.maxBatch) {
			batch = this.queue;
			this.queue = new ArrayList<>();
		}
		else {
			List<Waiting<T, R>> head = this.queue.subList(0, this.maxBatch);
			batch = new ArrayList<>(head);
			head.clear();
		}
		this.inFlight++;
		return batch;
	}

	private void start(List<Waiting<T, R>> batch) {
		List<T> items = new ArrayList<>(batch.size());
		for (Waiting<T, R> waiting : batch) {
			items.add(waiting.item());
		}
		Mono<Map<T, R>> statement;
		try {
			statement = this.run.apply(items);
		}
		catch (RuntimeException ex) {
			statement = Mono.error(ex);
		}
		statement.subscribe((results) -> {
			for (Waiting<T, R> waiting : batch) {
				R result = results.get(waiting.item());
				if (result != null) {
					waiting.sink().success(result);
				}
				else {
					waiting.sink().success();
				}
			}
		}, (ex) -> {
			for (Waiting<T, R> waiting : batch) {
				waiting.sink().error(ex);
			}
			ended();
		}, () -> {
			for (Waiting<T, R> waiting : batch) {
				waiting.sink().success(); // no-op for those the map answered
			}
			ended();
		});
	}

	/** A batch ended: the next one starts with what waits. */
	private void ended() {
		List<Waiting<T, R>> next = null;
		synchronized (this.lock) {
			this.inFlight--;
			if (!this.queue.isEmpty()) {
				next = take();
			}
		}
		if (next != null) {
			start(next);
		}
	}

	private record Waiting<T, R>(T item, MonoSink<R> sink) {
	}

	/** An item refused because {@code maxQueued} items already wait: the batches do not keep up. */
	public static final class Overflow extends RuntimeException {

		Overflow(int maxQueued) {
			super(maxQueued + " items already wait for a batch", null, false, false);
		}
	}
}
