package dev.dragnet.server.whois.bulk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * Splits a body that arrives in buffers into lines (LF or CRLF), one buffer at a time, holding at most one
 * line of {@code maxLength} bytes between buffers. A longer line is reported as overlong with its first
 * bytes only; the rest of it is skipped up to its line end. A UTF-8 byte order mark at the very start is
 * dropped. Not thread-safe: one instance serves one body, fed in order.
 */
final class LineSplitter {

	private static final int PREFIX_BYTES = 64;

	private final int maxLength;

	/** The current line; one byte more than the cap, so a CR before the LF still fits. */
	private final byte[] line;

	private int length;

	private boolean overlong;

	private long number;

	private boolean started;

	LineSplitter(int maxLength) {
		this.maxLength = maxLength;
		this.line = new byte[maxLength + 1];
	}

	/** The lines that {@code buffer} completes, in order. Releases the buffer. */
	List<RawLine> feed(DataBuffer buffer) {
		byte[] bytes;
		try {
			bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
		}
		finally {
			DataBufferUtils.release(buffer);
		}
		List<RawLine> lines = new ArrayList<>();
		int from = skipByteOrderMark(bytes);
		for (int i = from; i < bytes.length; i++) {
			byte b = bytes[i];
			if (b == '\n') {
				lines.add(take());
			}
			else if (this.length < this.line.length) {
				this.line[this.length++] = b;
			}
			else {
				this.overlong = true;
			}
		}
		return lines;
	}

	/** The last line, when the body did not end with a line end. */
	Optional<RawLine> finish() {
		return (this.length > 0 || this.overlong) ? Optional.of(take()) : Optional.empty();
	}

	private int skipByteOrderMark(byte[] bytes) {
		if (this.started) {
			return 0;
		}
		this.started = bytes.length > 0;
		boolean bom = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB
				&& bytes[2] == (byte) 0xBF;
		return bom ? 3 : 0;
	}

	private RawLine take() {
		int end = this.length;
		if (end > 0 && this.line[end - 1] == '\r') {
			end--;
		}
		boolean tooLong = this.overlong || end > this.maxLength;
		int kept = tooLong ? Math.min(end, Math.min(PREFIX_BYTES, this.maxLength)) : end;
		String text = new String(this.line, 0, kept, StandardCharsets.UTF_8);
		this.length = 0;
		this.overlong = false;
		return new RawLine(++this.number, text, tooLong);
	}
}
