package dev.dragnet.server.whois.bulk;

import java.time.Duration;

import dev.dragnet.server.web.Printable;
import dev.dragnet.server.web.ProblemException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** The errors a bulk line can get before any lookup is made. */
final class BulkProblems {

	private static final int MAX_QUOTED = 100;

	private BulkProblems() {
	}

	/** A line longer than {@code dragnet.whois.bulk.max-line-length}. */
	static final class LineTooLong extends ProblemException {

		LineTooLong(long maxLength) {
			super(HttpStatus.BAD_REQUEST, "line-too-long", "Line too long",
					"the line is longer than " + maxLength + " bytes (dragnet.whois.bulk.max-line-length); it was skipped");
		}
	}

	/** A line that cannot be read as a lookup: malformed JSON, or no domain. */
	static final class BadLine extends ProblemException {

		BadLine(String detail) {
			super(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", detail);
		}
	}

	/** A client that already runs {@code dragnet.whois.bulk.max-requests-per-client} bulk requests. */
	static final class TooManyRequests extends ProblemException {

		private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

		TooManyRequests(int limit) {
			super(HttpStatus.TOO_MANY_REQUESTS, "too-many-bulk-requests", "Too many bulk requests",
					"this client already runs " + limit + " bulk request(s), the most one address may run at once"
							+ " (dragnet.whois.bulk.max-requests-per-client); send more lines in one request, or retry"
							+ " when one has ended");
		}

		@Override
		public HttpHeaders headers() {
			HttpHeaders headers = new HttpHeaders();
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER.toSeconds()));
			return headers;
		}
	}

	/** {@code text} with control characters replaced and cut to a length fit for a message. */
	static String quoted(String text) {
		return Printable.cut(text, MAX_QUOTED);
	}
}
