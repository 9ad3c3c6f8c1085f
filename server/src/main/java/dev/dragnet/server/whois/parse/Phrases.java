package dev.dragnet.server.whois.parse;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A set of notices a WHOIS answer may carry (throttled, not found), each a regular expression with an anchor: a
 * plain word or words every match of it contains. One alternation of dozens of case-insensitive expressions tried at
 * every position of every answer is what a lookup paid most for its classification; the anchors are looked for
 * first, with {@link String#contains} on the answer folded once, and the expression runs only when one is there. Most
 * answers (records) contain none, so most pay a few fast scans instead.
 *
 * <p>The result is the expression's own: the anchors only rule out answers that cannot match. That holds while each
 * anchor is written, lower case, outside any group or quantifier of its expression (the tests check every one), and
 * the answer is folded the way {@link Pattern#CASE_INSENSITIVE} with {@link Pattern#UNICODE_CASE} compares
 * characters ({@link #fold}).
 */
final class Phrases {

	private final Pattern pattern;

	private final String[] anchors;

	private final List<Phrase> phrases;

	private Phrases(List<Phrase> phrases, int flags) {
		this.phrases = List.copyOf(phrases);
		this.pattern = Pattern.compile(phrases.stream().map(Phrase::regex).collect(Collectors.joining("|")),
				flags | Pattern.CASE_INSENSITIVE);
		this.anchors = phrases.stream().map(Phrase::anchor).distinct().toArray(String[]::new);
	}

	/** The notices, matched case-insensitively with {@code flags} added. */
	static Phrases of(int flags, Phrase... phrases) {
		return new Phrases(List.of(phrases), flags);
	}

	/** A notice: its expression, and a plain lower-case part of it every match contains. */
	static Phrase phrase(String anchor, String regex) {
		return new Phrase(anchor, regex);
	}

	List<Phrase> phrases() {
		return this.phrases;
	}

	/** Whether {@code text}, folded by {@link #fold}, holds one of the notices. */
	boolean foundIn(String text, String folded) {
		return find(text, folded) != null;
	}

	/** A matcher at the first notice in {@code text} (folded by {@link #fold}), or {@code null} when none is. */
	@Nullable Matcher find(String text, String folded) {
		for (String anchor : this.anchors) {
			if (folded.contains(anchor)) {
				Matcher matcher = this.pattern.matcher(text);
				return matcher.find() ? matcher : null;
			}
		}
		return null;
	}

	/**
	 * {@code text} with each character folded as case-insensitive Unicode matching compares it (lower case of its
	 * upper case: {@code ſ} is {@code s}, {@code İ} is {@code i}), one character for one, so an anchor found here is
	 * one the expression can match.
	 */
	static String fold(String text) {
		char[] folded = null;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			char f;
			if (c < 0x80) {
				f = (c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c;
			}
			else {
				f = Character.toLowerCase(Character.toUpperCase(c));
			}
			if (f != c && folded == null) {
				folded = text.toCharArray();
			}
			if (folded != null) {
				folded[i] = f;
			}
		}
		return (folded != null) ? new String(folded) : text;
	}

	/** A notice: a regular expression and a plain lower-case part of it every match contains. */
	record Phrase(String anchor, String regex) {
	}
}
