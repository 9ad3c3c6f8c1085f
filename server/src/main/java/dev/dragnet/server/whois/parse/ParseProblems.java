package dev.dragnet.server.whois.parse;

import dev.dragnet.server.web.ProblemException;
import org.springframework.http.HttpStatus;

/** The client-visible errors of {@code POST /api/whois/parse}. */
final class ParseProblems {

	private ParseProblems() {
	}

	/** The body held no text to parse. */
	static final class EmptyText extends ProblemException {

		EmptyText() {
			super(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
					"the request body is empty; send the raw WHOIS text as text/plain");
		}
	}

	/** The body is larger than the parser accepts. */
	static final class TextTooLarge extends ProblemException {

		TextTooLarge(int maxBytes) {
			super(HttpStatus.CONTENT_TOO_LARGE, "whois-text-too-large", "WHOIS text too large",
					"the request body is larger than " + maxBytes + " bytes; send one WHOIS answer at a time");
		}
	}
}
