package dev.dragnet.server.whois.parse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A set of notices a WHOIS answer may carry (throttled, not found), each a regular expression with an anchor: a
 * plain word or words every match of it contains. One alternation of dozens of case-insensitive expressions tried at
 * every position of every answer is what a lookup paid most for its classification; the anchors are looked for
 * first, with {@link String#contains} on the answer folded once, and only the expressions of the anchors found run.
 * Most answers (records) contain none, so most pay a few fast scans instead; a record whose disclaimer says
 * "available" pays for the few expressions anchored on that word, not for all.
 *
 * <p>The result is the expression's own: the anchors only rule out answers that cannot match. That holds while each
 * anchor is written, lower case, outside any group or quantifier of its expression (the tests check every one), and
 * the answer is folded the way {@link Pattern#CASE_INSENSITIVE} with {@link Pattern#UNICODE_CASE} compares
 * characters ({@link #fold}).
 */
final class Phrases {

	/** Per anchor, the alternation of the expressions it anchors. */
	private final String[] anchors;

	private final Pattern[] patterns;

	private final List<Phrase> phrases;

	private Phrases(List<Phrase> phrases, int flags) {
		this.phrases = List.copyOf(phrases);
		Map<String, String> byAnchor = phrases.stream().collect(Collectors.groupingBy(Phrase::anchor,
				LinkedHashMap::new, Collectors.mapping(Phrase::regex, Collectors.joining("|"))));
		this.anchors = byAnchor.keySet().toArray(String[]::new);
		this.patterns = byAnchor.values().stream()
			.map((regex) -> Pattern.compile(regex, flags | Pattern.CASE_INSENSITIVE))
			.toArray(Pattern[]::new);
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
		Matcher first = null;
		for (int i = 0; i < this.anchors.length; i++) {
			if (folded.contains(this.anchors[i])) {
				// Only the expressions this anchor is part of can match here; the earliest match of all wins.
				Matcher matcher = this.patterns[i].matcher(text);
				if (matcher.find() && (first == null || matcher.start() < first.start())) {
					first = matcher;
				}
			}
		}
		return first;
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
