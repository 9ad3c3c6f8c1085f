package dev.dragnet.server.probe;

import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import reactor.util.concurrent.Queues;

/**
 * The queue of frames waiting to be written to one probe: bounded at {@code capacity} like an array queue, but
 * growing in small linked chunks, so that an idle session (most of a fleet, most of the time: a ping now and then)
 * holds a few slots instead of {@code capacity} of them. One producer (sends are serialized by the session) and
 * one consumer (the connection's writer).
 */
final class OutboundQueue<E> extends AbstractQueue<E> {

	/** Slots per chunk: a ping and its neighbours fit in one. */
	static final int CHUNK = 8;

	private final Queue<E> frames = Queues.<E>unbounded(CHUNK).get();

	private final AtomicInteger size = new AtomicInteger();

	private final int capacity;

	OutboundQueue(int capacity) {
		this.capacity = capacity;
	}

	@Override
	public boolean offer(E frame) {
		if (this.size.get() >= this.capacity) {
			return false;
		}
		this.size.incrementAndGet();
		this.frames.offer(frame);
		return true;
	}

	@Override
	public @Nullable E poll() {
		E frame = this.frames.poll();
		if (frame != null) {
			this.size.decrementAndGet();
		}
		return frame;
	}

	@Override
	public @Nullable E peek() {
		return this.frames.peek();
	}

	@Override
	public int size() {
		return this.size.get();
	}

	@Override
	public boolean isEmpty() {
		return this.frames.isEmpty();
	}

	@Override
	public Iterator<E> iterator() {
		throw new UnsupportedOperationException("frames are polled, not iterated");
	}
}
