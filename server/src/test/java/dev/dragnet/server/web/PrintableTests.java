package dev.dragnet.server.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Untrusted text quoted back: every control character as '?', cut to a length. */
class PrintableTests {

	@Test
	void everyControlCharacterBecomesAQuestionMark() {
		assertThat(Printable.of("a\u0000b\nc\rd\te\u007ff\u0085g\u009fh")).isEqualTo("a?b?c?d?e?f?g?h");
		assertThat(Printable.of("plain é 例 \u2028")).as("only controls").isEqualTo("plain é 例 \u2028");
		// every code unit: exactly Unicode's Cc becomes '?'
		for (char c = 0; c < Character.MAX_VALUE; c++) {
			String one = String.valueOf(c);
			assertThat(Printable.of(one)).as("U+%04X", (int) c)
				.isEqualTo((Character.getType(c) == Character.CONTROL) ? "?" : one);
		}
	}

	@Test
	void textWithoutControlsIsReturnedAsItIs() {
		String clean = "whois.example:43 refused the connection";
		assertThat(Printable.of(clean)).isSameAs(clean);
		assertThat(Printable.cut(clean, 100)).isSameAs(clean);
	}

	@Test
	void longTextIsCutAfterItsControlsAreReplaced() {
		assertThat(Printable.cut("abc\n", 4)).isEqualTo("abc?");
		assertThat(Printable.cut("abcde", 4)).isEqualTo("abcd...");
	}
}
