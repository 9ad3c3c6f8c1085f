package dev.dragnet.server.whois.port43;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Collects the first line a client sends (up to LF, a CR before it dropped), keeping at most {@code maxLength}
 * bytes. A longer line is read on to its end but not kept, so the client's bytes are all consumed before the
 * error is answered (closing over unread bytes would reset the connection and lose the answer). Not
 * thread-safe: one instance per connection.
 */
final class QueryLineReader {

	private final byte[] line;

	private final int maxLength;

	private int length;

	private boolean overlong;

	QueryLineReader(int maxLength) {
		this.maxLength = maxLength;
		this.line = new byte[maxLength + 1];
	}

	/** The line, once {@code chunk} completes it; bytes after the line end are ignored. */
	Optional<QueryLine> feed(byte[] chunk) {
		for (byte b : chunk) {
			if (b == '\n') {
				return Optional.of(take());
			}
			if (this.length < this.line.length) {
				this.line[this.length++] = b;
			}
			else {
				this.overlong = true;
			}
		}
		return Optional.empty();
	}

	/** What the client sent before closing its side without a line end, if anything. */
	Optional<QueryLine> finish() {
		return (this.length > 0 || this.overlong) ? Optional.of(take()) : Optional.empty();
	}

	private QueryLine take() {
		int end = this.length;
		if (end > 0 && this.line[end - 1] == '\r') {
			end--;
		}
		boolean tooLong = this.overlong || end > this.maxLength;
		this.length = 0;
		this.overlong = false;
		return new QueryLine(tooLong ? "" : new String(this.line, 0, end, StandardCharsets.UTF_8), tooLong);
	}

	/**
	 * One query line.
	 *
	 * @param text the line, decoded as UTF-8; empty when overlong
	 * @param overlong whether the line was longer than the cap
	 */
	record QueryLine(String text, boolean overlong) {
	}
}
