package dev.dragnet.probe.whois;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/**
 * The bytes of one WHOIS answer, never more than the cap. Grows as data arrives rather than reserving the cap
 * up front, so a thousand small answers do not each hold a megabyte.
 *
 * <p>Appends happen on the connection's event loop while a deadline may read the partial answer from a timer
 * thread, hence the (uncontended) monitor.
 */
final class AnswerBuffer {

	private static final int INITIAL_CAPACITY = 4096;

	private final int cap;

	private byte[] data;

	private int size;

	private boolean truncated;

	AnswerBuffer(int cap) {
		this.cap = cap;
		this.data = new byte[Math.min(cap, INITIAL_CAPACITY)];
	}

	/**
	 * Copies what fits of {@code chunk} under the cap.
	 * @return {@code false} once the answer went past the cap: the caller stops reading
	 */
	synchronized boolean append(ByteBuf chunk) {
		int readable = chunk.readableBytes();
		int n = Math.min(readable, this.cap - this.size);
		if (n > 0) {
			ensureCapacity(this.size + n);
			chunk.readBytes(this.data, this.size, n);
			this.size += n;
		}
		if (readable > n) {
			// A byte beyond the cap exists: only now is the answer known to be cut.
			this.truncated = true;
			return false;
		}
		return true;
	}

	synchronized int size() {
		return this.size;
	}

	synchronized boolean truncated() {
		return this.truncated;
	}

	synchronized byte[] bytes() {
		return Arrays.copyOf(this.data, this.size);
	}

	private void ensureCapacity(int needed) {
		if (needed > this.data.length) {
			int grown = (int) Math.min((long) this.cap, Math.max((long) needed, this.data.length * 2L));
			this.data = Arrays.copyOf(this.data, grown);
		}
	}
}
