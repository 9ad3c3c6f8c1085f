package dev.dragnet.probe.http;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/**
 * The bytes of one HTTP body, never more than the cap. Grows as data arrives rather than reserving the cap up front.
 * Appends happen on the connection's event loop; the monitor makes a read from another thread safe.
 */
public final class CappedBuffer {

	private static final int INITIAL_CAPACITY = 8192;

	private final int cap;

	private byte[] data;

	private int size;

	public CappedBuffer(int cap) {
		this.cap = cap;
		this.data = new byte[Math.min(cap, INITIAL_CAPACITY)];
	}

	/** Copies {@code chunk} if it fits under the cap; {@code false} (nothing kept) when it does not. */
	public synchronized boolean append(ByteBuf chunk) {
		int readable = chunk.readableBytes();
		if (readable > this.cap - this.size) {
			return false;
		}
		int needed = this.size + readable;
		if (needed > this.data.length) {
			int grown = (int) Math.min((long) this.cap, Math.max((long) needed, this.data.length * 2L));
			this.data = Arrays.copyOf(this.data, grown);
		}
		chunk.getBytes(chunk.readerIndex(), this.data, this.size, readable);
		this.size = needed;
		return true;
	}

	public synchronized byte[] bytes() {
		return Arrays.copyOf(this.data, this.size);
	}

}
