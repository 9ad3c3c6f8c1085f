package dev.dragnet.server.probe.trust;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WhoisAnswersTests {

	@Test
	void linesThatVaryBetweenHonestAnswersAreIgnored() {
		String first = "% This query was served by the RIPE Database Query Service version 1.113 (ABERDEEN)\r\n"
				+ "Domain Name: EXAMPLE.COM\r\nRegistrar:   Example Registrar\r\n"
				+ ">>> Last update of WHOIS database: 2026-12-02T18:10:00Z <<<\r\n";
		String second = "% This query was served by the RIPE Database Query Service version 1.113 (WAGYU)\n\n"
				+ "domain name: example.com\nRegistrar: Example Registrar\n"
				+ ">>> Last update of WHOIS database: 2026-12-02T18:11:07Z <<<\n";
		assertThat(WhoisAnswers.normalise(first)).isEqualTo(WhoisAnswers.normalise(second))
			.isEqualTo("domain name: example.com\nregistrar: example registrar");
	}

	@Test
	void aChangedDataLineIsADifferentAnswer() {
		assertThat(WhoisAnswers.normalise("Domain Name: EXAMPLE.COM\nRegistrar: Example Registrar\n"))
			.isNotEqualTo(WhoisAnswers.normalise("Domain Name: EXAMPLE.COM\nRegistrar: Made Up\n"));
	}
}
