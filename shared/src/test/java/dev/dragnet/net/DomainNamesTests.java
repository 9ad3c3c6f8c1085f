package dev.dragnet.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DomainNamesTests {

	@Test
	void normalisesCaseAndTrailingDot() {
		assertThat(DomainNames.normalise("Example.COM.")).isEqualTo("example.com");
	}

	@Test
	void turnsIdnsIntoPunycode() {
		assertThat(DomainNames.normalise("bücher.de")).isEqualTo("xn--bcher-kva.de");
		assertThat(DomainNames.normalise("例え.jp")).isEqualTo("xn--r8jz45g.jp");
		assertThat(DomainNames.toUnicode("xn--bcher-kva.de")).isEqualTo("bücher.de");
	}

	@Test
	void acceptsNamesUpTo253Characters() {
		String label = "a".repeat(63);
		String name = label + "." + label + "." + label + "." + "a".repeat(57) + ".com";
		assertThat(name).hasSize(253);
		assertThat(DomainNames.normalise(name)).isEqualTo(name);
		assertThatThrownBy(() -> DomainNames.normalise("a" + name)).isInstanceOf(InvalidDomainException.class)
			.hasMessageContaining("253");
	}

	@ParameterizedTest
	@ValueSource(strings = { "example.com\r\nsecret", "example.com\n", "exa mple.com", "example.com\u0000",
			"example..com", "-bad.com", "bad-.com", "under_score.com", "com", "", ".", "exa$mple.com" })
	void rejectsNamesThatCannotBeQueried(String input) {
		assertThatThrownBy(() -> DomainNames.normalise(input)).isInstanceOf(InvalidDomainException.class);
	}

	@Test
	void saysWhyALineBreakIsRefused() {
		assertThatThrownBy(() -> DomainNames.normalise("a.com\r\nb")).hasMessageContaining("line break");
	}

	@Test
	void refusesOverlongLabels() {
		assertThatThrownBy(() -> DomainNames.normalise("a".repeat(64) + ".com")).hasMessageContaining("63");
	}

	@Test
	void keepsSharpSAndFinalSigmaAsIdna2008Does() {
		// IDNA2003 (java.net.IDN) turned these into fass.de and xn--nxasmq6b.com: other people's domains
		assertThat(DomainNames.normalise("faß.de")).isEqualTo("xn--fa-hia.de");
		assertThat(DomainNames.normalise("βόλος.com")).isEqualTo("xn--nxasmm1c.com");
		assertThat(DomainNames.normalise("FASS.de")).isEqualTo("fass.de");
		assertThat(DomainNames.toUnicode("xn--fa-hia.de")).isEqualTo("faß.de");
		assertThat(DomainNames.toUnicode("xn--nxasmm1c.com")).isEqualTo("βόλος.com");
	}

	@Test
	void mapsCaseAndWideForms() {
		assertThat(DomainNames.normalise("BÜCHER.de")).isEqualTo("xn--bcher-kva.de");
		assertThat(DomainNames.normalise("ｅｘａｍｐｌｅ。com")).isEqualTo("example.com");
	}

	@Test
	void acceptsJoinersOnlyInContext() {
		// ZWNJ after a virama (Devanagari) and between Persian letters is allowed by CONTEXTJ
		assertThat(DomainNames.normalise("\u0915\u094d\u200c\u0937.example")).startsWith("xn--");
		assertThat(DomainNames.normalise("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.ir")).startsWith("xn--");
		assertThatThrownBy(() -> DomainNames.normalise("a\u200db.com")).isInstanceOf(InvalidDomainException.class)
			.hasMessageContaining("joiner");
		assertThatThrownBy(() -> DomainNames.normalise("a\u200cb.com")).isInstanceOf(InvalidDomainException.class)
			.hasMessageContaining("joiner");
	}

	@Test
	void checksBidiLabels() {
		assertThat(DomainNames.normalise("\u05e9\u05dc\u05d5\u05dd.com")).isEqualTo("xn--9dbne9b.com");
		assertThat(DomainNames.normalise("\u0645\u062b\u0627\u0644.eg")).startsWith("xn--");
		// a right-to-left label must not start with a digit (RFC 5893 rule 1)
		assertThatThrownBy(() -> DomainNames.normalise("1\u05e9\u05dc\u05d5\u05dd.com"))
			.isInstanceOf(InvalidDomainException.class)
			.hasMessageContaining("right-to-left");
		// nor mix in left-to-right letters (rule 2)
		assertThatThrownBy(() -> DomainNames.normalise("\u05e9\u05dcab.com")).isInstanceOf(InvalidDomainException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\ud83d\ude00.com", "i\u2665.ws", "a\u2764b.example" })
	void refusesEmojiAndSymbols(String input) {
		assertThatThrownBy(() -> DomainNames.normalise(input)).isInstanceOf(InvalidDomainException.class)
			.hasMessageContaining("U+");
	}

	@Test
	void acceptsCharactersNewerThanUnicode32() {
		// U+0526 CYRILLIC SMALL LETTER SHHA WITH DESCENDER, Unicode 6.0: IDNA2003 refused it
		assertThat(DomainNames.normalise("\u0527a.com")).startsWith("xn--");
	}

	@Test
	void refusesBrokenALabelsButKeepsHyphenatedAsciiNames() {
		assertThatThrownBy(() -> DomainNames.normalise("xn--zz.com")).isInstanceOf(InvalidDomainException.class);
		assertThat(DomainNames.normalise("r3--sn-abc.googlevideo.com")).isEqualTo("r3--sn-abc.googlevideo.com");
	}

	@Test
	void normalisesSingleLabelNamesWhenAsked() {
		assertThat(DomainNames.normaliseName("LocalHost")).isEqualTo("localhost");
		assertThat(DomainNames.normaliseName("ελ")).isEqualTo("xn--qxam");
		assertThatThrownBy(() -> DomainNames.normalise("localhost")).hasMessageContaining("top-level domain");
	}

	@Test
	void plainNamesSkipIcuAndComeOutAsIcuMakesThem() {
		java.util.Random random = new java.util.Random(1203);
		int plain = 0;
		for (int i = 0; i < 20_000; i++) {
			String alphabet = (random.nextBoolean()) ? "abcz0189-." : "abz09-.-.xnAZ_é";
			StringBuilder name = new StringBuilder();
			for (int n = random.nextInt(14); n > 0; n--) {
				name.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			if (random.nextInt(20) == 0) {
				name.append("x".repeat(random.nextInt(70))).append(".com");
			}
			if (random.nextInt(20) == 0) {
				name.insert(0, "xn--");
			}
			String input = name.toString();
			String fast = DomainNames.plainLdh(input);
			if (fast != null) {
				plain++;
				assertThat(fast).as(input).isEqualTo(DomainNames.normaliseWithIcu(input));
			}
			assertThat(outcome(() -> DomainNames.normaliseName(input))).as(input)
				.isEqualTo(outcome(() -> DomainNames.normaliseWithIcu(input)));
			assertThat(DomainNames.toUnicode(input)).as(input).isEqualTo(DomainNames.toUnicodeWithIcu(input));
		}
		assertThat(plain).as("names that took the plain path").isGreaterThan(2_000);
		String longest = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
		assertThat(longest).hasSize(253);
		assertThat(DomainNames.plainLdh(longest)).isEqualTo(longest);
		assertThat(DomainNames.plainLdh(longest + "x")).isNull();
		assertThat(DomainNames.plainLdh("example.com.")).isEqualTo("example.com");
		assertThat(DomainNames.plainLdh("r3--sn-abc.googlevideo.com")).isEqualTo("r3--sn-abc.googlevideo.com");
		assertThat(DomainNames.plainLdh("xn--fa-hia.de")).as("A-labels go through ICU").isNull();
		assertThat(DomainNames.plainLdh("Example.com")).isNull();
		assertThat(DomainNames.toUnicode("xn--fa-hia.de")).isEqualTo("faß.de");
	}

	private static String outcome(java.util.function.Supplier<String> normalise) {
		try {
			return "ok " + normalise.get();
		}
		catch (InvalidDomainException ex) {
			return "refused " + ex.getMessage();
		}
	}
}
