package dev.dragnet.protocol.source;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One sign in an answer that the source refused to answer (B1-B4, B6 of {@code REVERSE-IP-NOTES.md}). A probe checks
 * a definition's markers in order, before anything else, on every answer whatever its HTTP status (a 503 challenge
 * page is a block, not a server error); the first that matches decides.
 *
 * @param match what part of the answer {@code value} is compared with
 * @param value for {@link Match#STATUS} an HTTP status code ({@code "429"}); for {@link Match#BODY_CONTAINS} a text
 * the decoded body contains (case-sensitive); for {@link Match#BODY_REGEX} a Java regular expression found anywhere
 * in the decoded body; for {@link Match#HEADER} {@code "Name"} (the header is present) or {@code "Name: text"} (a
 * value of that header contains {@code text}, ignoring case), the name matched ignoring case
 * @param verdict what a match means
 */
public record BlockMarker(Match match, String value, Verdict verdict) {

	/** Checks the marker can be applied: a numeric status, a compilable pattern, a header name. */
	public BlockMarker {
		Objects.requireNonNull(match, "match");
		Objects.requireNonNull(value, "value");
		Objects.requireNonNull(verdict, "verdict");
		if (value.isBlank()) {
			throw new IllegalArgumentException("a block marker needs a value");
		}
		switch (match) {
			case STATUS -> {
				if (!value.matches("[1-5][0-9][0-9]")) {
					throw new IllegalArgumentException("a STATUS marker needs an HTTP status code, not " + value);
				}
			}
			case BODY_REGEX -> Pattern.compile(value);
			case HEADER -> {
				if (value.startsWith(":")) {
					throw new IllegalArgumentException("a HEADER marker needs a header name: " + value);
				}
			}
			case BODY_CONTAINS -> {
			}
		}
	}

	/** A {@link Match#BODY_CONTAINS} marker. */
	public static BlockMarker bodyContains(String text, Verdict verdict) {
		return new BlockMarker(Match.BODY_CONTAINS, text, verdict);
	}

	/** A {@link Match#BODY_REGEX} marker. */
	public static BlockMarker bodyRegex(String regex, Verdict verdict) {
		return new BlockMarker(Match.BODY_REGEX, regex, verdict);
	}

	/** A {@link Match#STATUS} marker. */
	public static BlockMarker status(int status, Verdict verdict) {
		return new BlockMarker(Match.STATUS, Integer.toString(status), verdict);
	}

	/** A {@link Match#HEADER} marker: {@code "Name"} or {@code "Name: text"}. */
	public static BlockMarker header(String nameAndText, Verdict verdict) {
		return new BlockMarker(Match.HEADER, nameAndText, verdict);
	}

	/** What part of an answer a marker looks at. */
	public enum Match {

		/** The HTTP status code. */
		STATUS,

		/** A literal text in the decoded body. */
		BODY_CONTAINS,

		/** A regular expression found in the decoded body. */
		BODY_REGEX,

		/** A response header, present or containing a text. */
		HEADER

	}

}
