package dev.dragnet.server.whois.parse;

import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WhoisRecord} reads {@code key: value} lines by hand; the expressions it replaced are kept here as the
 * reference, and every line of the real answers and hundreds of thousands of generated ones must come out of both
 * the same: the same key and value, or no pair.
 */
class WhoisRecordSplitTests {

	private static final Pattern KEY_VALUE = Pattern.compile("^\\s*([^:\\t]{1,60}?)[\\s.]*:(?!//)\\s*(.*)$");

	private static final Pattern HOST_FIRST = Pattern.compile("(?i)[a-z0-9-]+(\\.[a-z0-9-]+)+\\.?(\\s|$)");

	private static final Pattern SPACE_RUN = Pattern.compile("\\s+");

	@Test
	void everyLineOfTheRealAnswersSplitsAsTheExpressionSplitsIt() {
		int pairs = 0;
		int lines = 0;
		for (WhoisFixtures.Answer answer : WhoisFixtures.all()) {
			for (String line : answer.text().replace("\r\n", "\n").replace('\r', '\n').split("\n", -1)) {
				lines++;
				String[] expected = byExpressions(line);
				assertThat(byHand(line)).as("%s: [%s]", answer.file(), line).isEqualTo(expected);
				pairs += (expected != null) ? 1 : 0;
			}
		}
		assertThat(pairs).as("lines with a key and a value, of %d", lines).isGreaterThan(lines / 3);
	}

	@Test
	void generatedLinesSplitAsTheExpressionSplitsThem() {
		Random random = new Random(1203);
		// the characters each branch turns on: colons, slashes, dots, every kind of white space, tabs, the line
		// terminators '.' does not match, host names, "http", a non-ASCII letter and space
		String[] pieces = { "a", "B", "z9", "-", ".", "..", ":", "://", "/", " ", "  ", "\t", "\u000b", "\f", "\u0085",
				"\u2028", "\u2029", "\u2003", "\u00a0", "é", "ns1.example.net", "Domain Name", "http", "<<<", "x.y.",
				"[", "]", "1.2.3.4" };
		for (int i = 0; i < 300_000; i++) {
			StringBuilder line = new StringBuilder();
			for (int n = random.nextInt(12); n > 0; n--) {
				line.append(pieces[random.nextInt(pieces.length)]);
			}
			if (random.nextInt(8) == 0) {
				line.append("x".repeat(55 + random.nextInt(10))).append(": v");
			}
			String text = line.toString();
			assertThat(byHand(text)).as("[%s]", text).isEqualTo(byExpressions(text));
		}
	}

	@Test
	void hostNamesAndWordsAreFoundAsTheExpressionsFindThem() {
		Random random = new Random(42);
		String[] pieces = { "ns1", "a", "-", ".", "..", " ", "\t", "\u0085", "\u2028", "\u2003", "x_y", "9", "é", ":" };
		for (int i = 0; i < 200_000; i++) {
			StringBuilder key = new StringBuilder();
			for (int n = random.nextInt(8); n > 0; n--) {
				key.append(pieces[random.nextInt(pieces.length)]);
			}
			String k = key.toString().strip();
			assertThat(WhoisRecord.hostFirst(k)).as("[%s]", k).isEqualTo(HOST_FIRST.matcher(k).lookingAt());
			if (!k.isEmpty()) {
				assertThat(WhoisRecord.words(k)).as("[%s]", k).isEqualTo(SPACE_RUN.split(k).length);
			}
		}
	}

	@Test
	void theFormsTheExpressionTakesAndRefuses() {
		assertThat(byHand("Domain Name: EXAMPLE.COM")).containsExactly("Domain Name", "EXAMPLE.COM");
		assertThat(byHand("   Registrar......: Foo  ")).containsExactly("Registrar", "Foo  ");
		assertThat(byHand("...: x")).containsExactly(".", "x"); // a key the normal form then empties
		assertThat(byHand("   : x")).isNull();
		assertThat(byHand("Referral URL: http://example.net")).containsExactly("Referral URL", "http://example.net");
		assertThat(byHand("http://example.net/whois: x")).isNull();
		assertThat(byHand("ns1.example.net: 192.0.2.1")).isNull();
		assertThat(byHand("a\tb: c")).isNull();
		assertThat(byHand("x".repeat(61) + ": y")).isNull();
		assertThat(byHand("x".repeat(60) + ": y")).containsExactly("x".repeat(60), "y");
		assertThat(byHand("Status: ok\u2028more")).isNull();
	}

	/** What {@code WhoisRecord} made of a line's key and value before: the expressions, then the label check. */
	private static String @Nullable [] byExpressions(String line) {
		if (line.indexOf(':') < 0) {
			return null;
		}
		Matcher keyValue = KEY_VALUE.matcher(line);
		if (!keyValue.matches()) {
			return null;
		}
		String k = keyValue.group(1).strip();
		boolean label = !k.isEmpty() && !k.contains("http") && !k.contains("<<<") && !HOST_FIRST.matcher(k).lookingAt()
				&& SPACE_RUN.split(k).length <= 7;
		return label ? new String[] { keyValue.group(1), keyValue.group(2) } : null;
	}

	private static String @Nullable [] byHand(String line) {
		String[] pair = WhoisRecord.keyValue(line);
		return (pair != null && WhoisRecord.looksLikeKey(pair[0])) ? Arrays.copyOf(pair, 2) : null;
	}
}
