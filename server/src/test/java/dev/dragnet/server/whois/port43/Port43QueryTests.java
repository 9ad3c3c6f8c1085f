package dev.dragnet.server.whois.port43;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class Port43QueryTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "-", value = { "example.com|example.com|-",
			"  example.com  |example.com|-", "domain example.com|example.com|-", "DOMAIN =example.com|example.com|-",
			"=example.com|example.com|-", "-T dn,ace example.de|example.de|-", "-B example.com|example.com|-",
			"example.com:whois.example.net|example.com|whois.example.net",
			"example.com:whois.example.net:4343|example.com|whois.example.net:4343" })
	void readsTheDomainAndServerLeniently(String line, String domain, String server) {
		assertThat(Port43Query.parse(line)).isEqualTo(new Port43Query(domain, server));
	}

	/** What is left ({@code dn,ace} for {@code -T dn,ace}) is then refused by the domain check. */
	@ParameterizedTest
	@ValueSource(strings = { "", "   ", "example.com other.com", "help me", "=", "-B", "domain =" })
	void refusesQueriesThatNameNoSingleDomain(String line) {
		assertThatExceptionOfType(Port43Query.BadQuery.class).isThrownBy(() -> Port43Query.parse(line));
	}

	@ParameterizedTest
	@ValueSource(strings = { "bad\u0007bell", "x\u001b[2J" })
	void errorLinesCannotForgeMoreLines(String detail) {
		assertThat(Port43Handler.error(detail)).startsWith("% Error: ").endsWith("\r\n")
			.satisfies((line) -> assertThat(line.substring(0, line.length() - 2)).doesNotContainPattern("\\p{Cntrl}"));
	}
}
