package dev.dragnet.testbed.whois;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Gathers the bytes of one WHOIS query line, which may arrive split over several reads.
 *
 * <p>The line ends at LF; one CR before it is dropped, so both CRLF and a bare LF end a line. Bytes after the
 * LF are ignored. A line whose content is longer than the cap marks the decoder as overflowed, and the
 * bytes already gathered never exceed the cap plus one (room for the CR). Not thread-safe: one per connection,
 * fed from one subscription.
 */
final class QueryLineDecoder {

	private static final byte CR = '\r';

	private static final byte LF = '\n';

	private final int maxLineBytes;

	private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

	private boolean overflowed;

	private boolean complete;

	QueryLineDecoder(int maxLineBytes) {
		if (maxLineBytes < 1) {
			throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
		}
		this.maxLineBytes = maxLineBytes;
	}

	/**
	 * Feeds the next bytes read from the connection. Returns the query line (decoded as UTF-8) once its LF has
	 * arrived, and empty while it is incomplete, after it was returned, or after an overflow.
	 */
	Optional<String> feed(byte[] chunk) {
		if (this.complete || this.overflowed) {
			return Optional.empty();
		}
		for (byte b : chunk) {
			if (b == LF) {
				return endOfLine();
			}
			if (this.pending.size() > this.maxLineBytes) {
				// Already one byte past the cap, with no CR in sight that could excuse it.
				this.overflowed = true;
				return Optional.empty();
			}
			this.pending.write(b);
		}
		return Optional.empty();
	}

	/** Whether the line grew past the cap before its end; the connection should then be closed. */
	boolean overflowed() {
		return this.overflowed;
	}

	private Optional<String> endOfLine() {
		byte[] line = this.pending.toByteArray();
		int length = (line.length > 0 && line[line.length - 1] == CR) ? line.length - 1 : line.length;
		if (length > this.maxLineBytes) {
			this.overflowed = true;
			return Optional.empty();
		}
		this.complete = true;
		return Optional.of(new String(line, 0, length, StandardCharsets.UTF_8));
	}

}
