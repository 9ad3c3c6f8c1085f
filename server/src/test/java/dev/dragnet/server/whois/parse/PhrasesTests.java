package dev.dragnet.server.whois.parse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Phrases}: the anchors rule out only answers the expressions cannot match, so a notice is found exactly when
 * the plain expression finds it.
 */
class PhrasesTests {

	static Stream<Phrases> everySet() {
		return Stream.of(WhoisResponseClassifier.THROTTLED, NotFoundDetector.NOT_FOUND, NotFoundDetector.RESERVED);
	}

	/**
	 * Each anchor is plain lower-case text written in its expression outside any group, class or escape, and not
	 * made optional by a quantifier after it: then every match of the expression contains it.
	 */
	@ParameterizedTest
	@MethodSource("everySet")
	void everyAnchorIsAPartEveryMatchContains(Phrases phrases) {
		for (Phrases.Phrase phrase : phrases.phrases()) {
			String anchor = phrase.anchor();
			String regex = phrase.regex();
			assertThat(anchor).as(regex).isEqualTo(anchor.toLowerCase(Locale.ROOT)).isNotBlank();
			assertThat(anchor.chars().noneMatch((c) -> "\\[](){}.*+?^$|".indexOf(c) >= 0)).as(anchor).isTrue();
			assertThat(topLevelOccurrence(regex, anchor)).as("'%s' plainly in %s", anchor, regex).isTrue();
		}
	}

	private static boolean topLevelOccurrence(String regex, String anchor) {
		boolean found = false;
		int depth = 0;
		boolean inClass = false;
		boolean escaped = false;
		for (int i = 0; i < regex.length(); i++) {
			if (depth == 0 && !inClass && !escaped && regex.startsWith(anchor, i)) {
				int after = i + anchor.length();
				found |= after >= regex.length() || "?*{".indexOf(regex.charAt(after)) < 0;
			}
			char c = regex.charAt(i);
			if (escaped) {
				escaped = false;
			}
			else if (c == '\\') {
				escaped = true;
			}
			else if (c == '[') {
				inClass = true;
			}
			else if (c == ']') {
				inClass = false;
			}
			else if (!inClass && c == '(') {
				depth++;
			}
			else if (!inClass && c == ')') {
				depth--;
			}
			else if (!inClass && depth == 0 && c == '|') {
				return false; // an alternative without the anchor
			}
		}
		return found;
	}

	@Test
	void foldingIsWhatCaseInsensitiveUnicodeMatchingCompares() {
		assertThat(Phrases.fold("Domain NOT FOUND")).isEqualTo("domain not found");
		assertThat(Phrases.fold("no ſuch domain")).isEqualTo("no such domain");
		assertThat(Phrases.fold("NOT REGİSTERED")).isEqualTo("not registered");
		assertThat(Phrases.fold("NINCS TALÁLAT")).isEqualTo("nincs találat");
		String plain = "already lower case";
		assertThat(Phrases.fold(plain)).isSameAs(plain);
		assertThat(Phrases.fold("\u212Aelvin")).isEqualTo("kelvin");
	}

	@Test
	void aNoticeInOddCaseIsStillFound() {
		String text = "% Whois LIMIT ExCeEdEd - see you later";
		assertThat(WhoisResponseClassifier.THROTTLED.find(text, Phrases.fold(text))).isNotNull();
		String free = "Domain: x.hu\nNincs Találat\n";
		assertThat(NotFoundDetector.NOT_FOUND.foundIn(free, Phrases.fold(free))).isTrue();
		String longS = "No ſuch domain";
		assertThat(NotFoundDetector.NOT_FOUND.foundIn(longS, Phrases.fold(longS))).isTrue();
	}

	/** Over every WHOIS answer in the test fixtures: the anchored search finds what the bare expression finds. */
	@ParameterizedTest
	@MethodSource("everySet")
	void theAnchoredSearchAgreesWithTheBareExpressionOnEveryFixture(Phrases phrases) throws IOException {
		Pattern bare = Pattern.compile(phrases.phrases().stream().map(Phrases.Phrase::regex)
			.collect(Collectors.joining("|")), flags(phrases));
		List<Path> fixtures;
		try (Stream<Path> files = Files.walk(Path.of("src/test/resources/whois-dev"))) {
			fixtures = files.filter((file) -> file.toString().endsWith(".txt")).toList();
		}
		assertThat(fixtures).hasSizeGreaterThan(100);
		int found = 0;
		for (Path fixture : fixtures) {
			String text = read(fixture);
			Matcher expected = bare.matcher(text);
			Matcher actual = phrases.find(text, Phrases.fold(text));
			if (expected.find()) {
				found++;
				assertThat(actual).as(fixture.toString()).isNotNull();
				assertThat(actual.start()).as(fixture.toString()).isEqualTo(expected.start());
			}
			else {
				assertThat(actual).as(fixture.toString()).isNull();
			}
		}
		assertThat(found).as("fixtures holding one of the notices").isPositive();
	}

	private static int flags(Phrases phrases) {
		return (phrases == NotFoundDetector.NOT_FOUND)
				? Pattern.CASE_INSENSITIVE | Pattern.MULTILINE | Pattern.UNICODE_CASE
				: Pattern.CASE_INSENSITIVE | Pattern.MULTILINE;
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			try {
				return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
			}
			catch (IOException again) {
				throw new UncheckedIOException(again);
			}
		}
	}
}
