package dev.dragnet.protocol.source;

import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Where the names are in an answer, and where the site shows how many there are.
 *
 * @param kind how {@code expression} is read
 * @param expression for {@link Kind#CSS} a Jsoup selector of the elements holding one name each; for
 * {@link Kind#REGEX} a Java pattern whose group 1 (or whole match, when it has no group) is one name, found repeatedly;
 * for {@link Kind#JSON_POINTER} a JSON pointer (RFC 6901) to an array with one entry per name; for {@link Kind#NDJSON}
 * a JSON pointer into each record line to its name ({@code "/obj/rrname"}); for {@link Kind#LINES} ignored (each
 * non-blank line, trimmed, is one name)
 * @param attribute for {@link Kind#CSS}: {@code null} for the element's text, or the attribute holding the name
 * ({@code "href"}); for {@link Kind#JSON_POINTER}: {@code null} when each entry is the name itself, or a pointer
 * relative to the entry ({@code "/0"} for {@code ["a.com",""]} pairs, {@code "/name"} for objects); ignored otherwise
 * (and must be {@code null} for {@link Kind#NDJSON}).
 * Entries that are JSON {@code null} or missing are skipped (a B9 quirk)
 * @param hostOfUrl whether each value is a URL whose host is the name (search results)
 * @param countExpression where the site shows its total, read the same way as {@code expression} ({@link Kind#CSS}:
 * a selector, the last number in the first match's text, so {@code "11-20 of 37 results"} reads 37; {@link Kind#REGEX}:
 * group 1 of the first match; {@link Kind#JSON_POINTER}: a number or numeric string), or {@code null} when the site
 * does not show one; always {@code null} for {@link Kind#NDJSON}, whose streams say themselves when a limit cut them. A
 * total larger than what was fetched marks the answer truncated (B7)
 */
public record Extractor(Kind kind, String expression, @Nullable String attribute, boolean hostOfUrl,
		@Nullable String countExpression) {

	/** Checks that patterns compile and pointers look like pointers. */
	public Extractor {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(expression, "expression");
		if (kind == Kind.REGEX) {
			Pattern.compile(expression);
			if (countExpression != null) {
				Pattern.compile(countExpression);
			}
		}
		if (kind == Kind.JSON_POINTER) {
			requirePointer(expression);
			if (attribute != null) {
				requirePointer(attribute);
			}
			if (countExpression != null) {
				requirePointer(countExpression);
			}
		}
		if (kind == Kind.NDJSON) {
			requirePointer(expression);
			if (attribute != null || countExpression != null) {
				throw new IllegalArgumentException("an NDJSON extractor has only an expression: the pointer to the name");
			}
		}
		if (kind != Kind.LINES && expression.isBlank()) {
			throw new IllegalArgumentException(kind + " extractor needs an expression");
		}
	}

	/** Each non-blank line is a name. */
	public static Extractor lines() {
		return new Extractor(Kind.LINES, "", null, false, null);
	}

	private static void requirePointer(String pointer) {
		if (!pointer.isEmpty() && !pointer.startsWith("/")) {
			throw new IllegalArgumentException("a JSON pointer is empty or starts with '/': " + pointer);
		}
	}

	/** How an extractor reads an answer. */
	public enum Kind {

		/** HTML, parsed by Jsoup, elements chosen by a CSS selector. */
		CSS,

		/** Any text, names found by a regular expression. */
		REGEX,

		/** JSON, names in an array found by a JSON pointer. */
		JSON_POINTER,

		/**
		 * Newline-delimited JSON as passive-DNS services stream it (DNSDB's framing): one record a line, its name at a
		 * JSON pointer; lines holding {@code "cond"} frame the stream. {@code begin} and {@code ongoing} are skipped;
		 * the stream must end with {@code succeeded}, or {@code limited} (a result limit cut it: truncated, B7), else
		 * it is incomplete, not empty; {@code failed} is an error.
		 */
		NDJSON,

		/** Plain text, one name a line. */
		LINES

	}

}
