package dev.dragnet.server.whois.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A WHOIS answer cut into labelled values, whatever its layout: {@code key: value}, {@code key.....: value},
 * {@code [key] value} (JPRS), {@code a. [key] value}, headers whose values follow on their own lines
 * ({@code Name servers:} then one host a line), and values continued on more indented lines. Each value
 * remembers the section it appeared in (the last header line, such as {@code Registrant:} or
 * {@code [Holder]}) and its paragraph, so "Name" under "Registrar:" can be told from "Name" under
 * "Registrant:". Comment lines ({@code %}, {@code #}, {@code >>>}) carry no values.
 */
final class WhoisRecord {

	private static final Pattern BRACKETED = Pattern.compile("^\\s*(?:[a-z]\\.\\s*)?\\[\\s*([^\\]]{1,40}?)\\s*\\]\\s*(.*)$");

	private static final Pattern TAB_SEPARATED = Pattern.compile("^\\s*([^\\t:]{2,40}?)\\t+\\s*(\\S.*)$");

	/** Labels that head a block of fields even when the fields below are not indented. */
	private static final Pattern SECTION_WORDS = Pattern.compile(
			"(registrant|owner|holder|titular|admin(istrative)?|tech(nical)?|billing|zone|registrar|domain)( contact| c| information| info)?");

	private static final Pattern SPACE_RUN = Pattern.compile("\\s+");

	private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[.:]+$");

	private static final Pattern LEADING_DOTS_AND_SPACE = Pattern.compile("^[.\\s]+");

	private static final Pattern LEADER_DOTS = Pattern.compile("^\\.{2,}\\s*");

	private final List<Entry> entries;

	private final List<String> lines;

	private WhoisRecord(List<Entry> entries, List<String> lines) {
		this.entries = entries;
		this.lines = lines;
	}

	/**
	 * One labelled value.
	 *
	 * @param key the label, normalised: lower case, {@code _} and {@code -} as spaces, single spaces, no dots
	 * @param value the value, stripped; never empty
	 * @param section the normalised label of the header this value sits under, or {@code ""}
	 * @param line the line number, from 0
	 * @param block the paragraph the value is in: paragraphs are separated by blank lines, counted from 0
	 */
	record Entry(String key, String value, String section, int line, int block) {
	}

	static WhoisRecord of(String text) {
		String[] raw = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
		String[][] pairs = new String[raw.length][];
		for (int i = 0; i < raw.length; i++) {
			String stripped = raw[i].strip();
			pairs[i] = (stripped.isEmpty() || isComment(stripped)) ? null : split(raw[i]);
		}
		List<Entry> entries = new ArrayList<>();
		String section = "";
		String header = null;
		int headerIndent = 0;
		boolean blankSinceHeader = false;
		int block = 0;
		String lastKey = null;
		int lastIndent = 0;
		for (int i = 0; i < raw.length; i++) {
			String line = raw[i];
			String stripped = line.strip();
			if (stripped.isEmpty()) {
				lastKey = null;
				if (!blankSinceHeader) {
					block++;
				}
				blankSinceHeader = true;
				continue;
			}
			if (isComment(stripped)) {
				continue;
			}
			String[] pair = pairs[i];
			if (pair != null) {
				String key = normaliseKey(pair[0]);
				String value = cleanValue(pair[1]);
				if (key.isEmpty()) {
					continue;
				}
				if (!value.isEmpty()) {
					entries.add(new Entry(key, value, section, i, block));
					lastKey = key;
					lastIndent = indent(line);
					continue;
				}
				lastKey = null;
				if (pair[2] != null || isSectionWord(key) || opensBlock(raw, pairs, i)) {
					header = key;
					headerIndent = indent(line);
					section = key;
					blankSinceHeader = false;
				}
				continue;
			}
			if (header != null && (!blankSinceHeader || indent(line) > headerIndent)) {
				// a header's values on lines of their own: "Name servers:" then one host a line
				entries.add(new Entry(header, cleanValue(stripped), section, i, block));
				blankSinceHeader = false;
				continue;
			}
			if (lastKey != null && indent(line) > lastIndent) {
				// a value continued on more indented lines: "nameservers: ns1.example." then "   ns2.example."
				entries.add(new Entry(lastKey, cleanValue(stripped), section, i, block));
				continue;
			}
			if (isBareHeading(stripped) && opensBlock(raw, pairs, i)) {
				// "Registrant" or "Admin Contact" alone on a line, its fields indented below
				section = normaliseKey(stripped);
				header = null;
			}
		}
		return new WhoisRecord(List.copyOf(entries), List.of(raw));
	}

	/** Whether the next non-blank line is more indented than line {@code i}, or is not a labelled value. */
	private static boolean opensBlock(String[] raw, String[][] pairs, int i) {
		for (int j = i + 1; j < raw.length; j++) {
			String next = raw[j].strip();
			if (next.isEmpty()) {
				return false;
			}
			if (isComment(next)) {
				continue;
			}
			return indent(raw[j]) > indent(raw[i]) || pairs[j] == null;
		}
		return false;
	}

	private static boolean isSectionWord(String key) {
		return SECTION_WORDS.matcher(key).matches();
	}

	private static boolean isBareHeading(String stripped) {
		return stripped.length() <= 40 && words(stripped) <= 4 && !stripped.contains(".")
				&& Character.isLetter(stripped.charAt(0));
	}

	private static int indent(String line) {
		int i = 0;
		while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
			i++;
		}
		return i;
	}

	private static boolean isComment(String stripped) {
		return stripped.startsWith("%") || stripped.startsWith("#") || stripped.startsWith(">>>")
				|| stripped.startsWith("--") || stripped.startsWith("*");
	}

	private static @Nullable String @Nullable [] split(String line) {
		// each form needs its one literal character: a line without it is not tried (most lines have a ':')
		if (line.indexOf('[') >= 0) {
			Matcher bracketed = BRACKETED.matcher(line);
			if (bracketed.matches()) {
				return new String[] { bracketed.group(1), bracketed.group(2), "bracketed" };
			}
		}
		String[] keyValue = keyValue(line);
		if (keyValue != null && looksLikeKey(keyValue[0])) {
			return new String[] { keyValue[0], keyValue[1], null };
		}
		if (line.indexOf('\t') >= 0) {
			Matcher tabbed = TAB_SEPARATED.matcher(line);
			if (tabbed.matches() && looksLikeKey(tabbed.group(1))) {
				return new String[] { tabbed.group(1), tabbed.group(2), null };
			}
		}
		return null;
	}

	/**
	 * {@code key: value} read by hand, as the expression {@code ^\s*([^:\t]{1,60}?)[\s.]*:(?!//)\s*(.*)$} matches it
	 * (which was a third of a parse). The key is what stands between the leading white space and the line's first
	 * colon, less the spaces and dots before the colon, at most 60 characters and without a tab; a colon that opens
	 * {@code //} is no separator; the value is the rest after the spaces following the colon, without a line
	 * terminator. {@code null} where the expression does not match, or would match only a key of white space (which
	 * {@link #looksLikeKey} refuses). Held to the expression by {@code WhoisRecordSplitTests}.
	 */
	static @Nullable String @Nullable [] keyValue(String line) {
		int colon = line.indexOf(':');
		if (colon < 0 || line.startsWith("//", colon + 1)) {
			return null;
		}
		int start = 0;
		while (start < colon && isSpace(line.charAt(start))) {
			start++;
		}
		int end = colon;
		while (end > start && (isSpace(line.charAt(end - 1)) || line.charAt(end - 1) == '.')) {
			end--;
		}
		if (end == start) {
			if (start == colon) {
				return null; // only white space before the colon: the expression's key would be white space
			}
			end = start + 1; // dots (and spaces) only: the expression's key is the first dot
		}
		int tab = line.indexOf('\t', start);
		if (end - start > 60 || (tab >= 0 && tab < end)) {
			return null;
		}
		int value = colon + 1;
		while (value < line.length() && isSpace(line.charAt(value))) {
			value++;
		}
		for (int i = value; i < line.length(); i++) {
			if (isLineTerminator(line.charAt(i))) {
				return null;
			}
		}
		return new String[] { line.substring(start, end), line.substring(value) };
	}

	/** The expressions' {@code \s}: ASCII white space only. */
	private static boolean isSpace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
	}

	/** Sentences that happen to contain a colon are not labels. */
	static boolean looksLikeKey(String key) {
		String k = key.strip();
		return !k.isEmpty() && !k.contains("http") && !k.contains("<<<") && !hostFirst(k) && words(k) <= 7;
	}

	/**
	 * A host name of two labels or more opens {@code k}, as in {@code ns2.example.net 2001:db8::1}: a value, not a
	 * label. As the expression {@code (?i)[a-z0-9-]+(\.[a-z0-9-]+)+\.?(\s|$)} finds it with {@code lookingAt}.
	 */
	static boolean hostFirst(String k) {
		int n = k.length();
		int i = 0;
		while (i < n && isLabelChar(k.charAt(i))) {
			i++;
		}
		if (i == 0) {
			return false;
		}
		int labels = 1;
		while (i + 1 < n && k.charAt(i) == '.' && isLabelChar(k.charAt(i + 1))) {
			i += 2;
			while (i < n && isLabelChar(k.charAt(i))) {
				i++;
			}
			labels++;
		}
		if (labels < 2) {
			return false;
		}
		if (i < n && k.charAt(i) == '.') {
			i++;
		}
		// then white space, the end, or ($) a line terminator that ends the text
		return i == n || isSpace(k.charAt(i)) || (i == n - 1 && isLineTerminator(k.charAt(i)));
	}

	private static boolean isLabelChar(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
	}

	private static boolean isLineTerminator(char c) {
		return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
	}

	/** The words of {@code k}, stripped, as {@code SPACE_RUN.split(k).length} counts them. */
	static int words(String k) {
		int words = 0;
		boolean inWord = false;
		for (int i = 0; i < k.length(); i++) {
			boolean space = isSpace(k.charAt(i));
			if (!space && !inWord) {
				words++;
			}
			inWord = !space;
		}
		return words;
	}

	static String normaliseKey(String key) {
		String k = key.strip().toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
		return isNormalKey(k) ? k : normaliseKeyByPatterns(k);
	}

	/** {@link #normaliseKey} after the case and separators, by its three expressions: for keys not already normal. */
	static String normaliseKeyByPatterns(String k) {
		k = TRAILING_PUNCTUATION.matcher(k).replaceAll("");
		k = LEADING_DOTS_AND_SPACE.matcher(k).replaceAll("");
		return SPACE_RUN.matcher(k).replaceAll(" ").strip();
	}

	/**
	 * Whether the three expressions would leave {@code k} as it is: printable ASCII, no trailing dot or colon, no
	 * leading dot or space, no whitespace but single spaces between words. Most keys ("domain name", "registrar")
	 * are such.
	 */
	static boolean isNormalKey(String k) {
		int last = k.length() - 1;
		if (last < 0) {
			return true;
		}
		char first = k.charAt(0);
		char end = k.charAt(last);
		if (first == '.' || first == ' ' || end == '.' || end == ':' || end == ' ') {
			return false;
		}
		for (int i = 0; i <= last; i++) {
			char c = k.charAt(i);
			// anything but printable ASCII goes to the expressions (which treat some line separators specially)
			if (c == ' ' ? k.charAt(i + 1) == ' ' : (c < '!' || c > '~')) {
				return false;
			}
		}
		return true;
	}

	private static String cleanValue(String value) {
		String stripped = value.strip();
		return stripped.startsWith("..") ? LEADER_DOTS.matcher(stripped).replaceAll("").strip() : stripped;
	}

	List<Entry> entries() {
		return this.entries;
	}

	List<String> lines() {
		return this.lines;
	}

	/** The first value under any of {@code keys}, in the text's order. */
	@Nullable String first(Set<String> keys) {
		for (Entry entry : this.entries) {
			if (keys.contains(entry.key())) {
				return entry.value();
			}
		}
		return null;
	}

	/** The first value under any of {@code keys} within a section whose label is one of {@code sections}. */
	@Nullable String firstIn(Set<String> sections, Set<String> keys) {
		for (Entry entry : this.entries) {
			if (keys.contains(entry.key()) && sections.contains(entry.section())) {
				return entry.value();
			}
		}
		return null;
	}

	/** The first value under any of {@code keys} in paragraph {@code block}. */
	@Nullable String firstInBlock(int block, Set<String> keys) {
		for (Entry entry : this.entries) {
			if (entry.block() == block && keys.contains(entry.key())) {
				return entry.value();
			}
		}
		return null;
	}

	/** Every value under any of {@code keys}, in order. */
	List<Entry> all(Set<String> keys) {
		List<Entry> found = new ArrayList<>();
		for (Entry entry : this.entries) {
			if (keys.contains(entry.key())) {
				found.add(entry);
			}
		}
		return found;
	}
}
