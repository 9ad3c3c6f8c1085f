package dev.dragnet.server.whois.directory;

import dev.dragnet.server.whois.directory.WhoisServerProblems.InvalidEntry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WhoisServerRulesTests {

	@Test
	void normalisesSuffixes() {
		assertThat(WhoisServerRules.suffix("com")).isEqualTo("com");
		assertThat(WhoisServerRules.suffix("CO.UK.")).isEqualTo("co.uk");
		assertThat(WhoisServerRules.suffix(".de")).isEqualTo("de");
		assertThat(WhoisServerRules.suffix("ελ")).isEqualTo("xn--qxam");
	}

	@Test
	void refusesBadSuffixes() {
		assertInvalid(() -> WhoisServerRules.suffix(""), "suffix", "empty");
		assertInvalid(() -> WhoisServerRules.suffix("co..uk"), "suffix", "empty label");
		assertInvalid(() -> WhoisServerRules.suffix("co_uk"), "suffix", "'_'");
		assertInvalid(() -> WhoisServerRules.suffix("-uk"), "suffix", "hyphen");
		assertInvalid(() -> WhoisServerRules.suffix("co uk"), "suffix", "space");
		assertInvalid(() -> WhoisServerRules.suffix("uk\n"), "suffix", "line break");
		assertInvalid(() -> WhoisServerRules.suffix("a".repeat(64)), "suffix", "longer than 63");
	}

	@Test
	void normalisesHosts() {
		assertThat(WhoisServerRules.host("WHOIS.nic.UK.")).isEqualTo("whois.nic.uk");
		assertThat(WhoisServerRules.host("localhost")).isEqualTo("localhost");
		assertThat(WhoisServerRules.host("192.0.2.1")).isEqualTo("192.0.2.1");
		assertThat(WhoisServerRules.host("[2001:DB8::1]")).isEqualTo("2001:db8::1");
		assertThat(WhoisServerRules.host("2001:db8::43")).isEqualTo("2001:db8::43");
	}

	@Test
	void refusesBadHosts() {
		assertInvalid(() -> WhoisServerRules.host(null), "host", "host is required");
		assertInvalid(() -> WhoisServerRules.host("  "), "host", "host is required");
		assertInvalid(() -> WhoisServerRules.host("whois.example.net\r\nquit"), "host", "line break");
		assertInvalid(() -> WhoisServerRules.host("whois example"), "host", "space");
		assertInvalid(() -> WhoisServerRules.host("300.1.2.3"), "host", "IPv4");
		assertInvalid(() -> WhoisServerRules.host("1.2.3"), "host", "IPv4");
		assertInvalid(() -> WhoisServerRules.host("2001:db8::zz"), "host", "IPv6");
		assertInvalid(() -> WhoisServerRules.host("whois.example.net:43"), "host", "IPv6");
		assertInvalid(() -> WhoisServerRules.host("who_is.example"), "host", "'_'");
	}

	@Test
	void checksPortsAndFormats() {
		assertThat(WhoisServerRules.port(null)).isEqualTo(43);
		assertThat(WhoisServerRules.port(4343)).isEqualTo(4343);
		assertInvalid(() -> WhoisServerRules.port(0), "port", "1-65535");
		assertInvalid(() -> WhoisServerRules.port(70000), "port", "1-65535");
		assertThat(WhoisServerRules.queryFormat(null)).isEqualTo("%s");
		assertThat(WhoisServerRules.queryFormat("-T dn,ace %s")).isEqualTo("-T dn,ace %s");
		assertInvalid(() -> WhoisServerRules.queryFormat("domain"), "queryFormat", "exactly once");
		assertInvalid(() -> WhoisServerRules.queryFormat("%s %s"), "queryFormat", "exactly once");
		assertInvalid(() -> WhoisServerRules.queryFormat("%s\r\n"), "queryFormat", "line break");
	}

	@Test
	void listsProperSuffixes() {
		assertThat(WhoisServerDirectory.properSuffixes("a.b.co.uk")).containsExactly("b.co.uk", "co.uk", "uk");
		assertThat(WhoisServerDirectory.properSuffixes("Example.COM.")).containsExactly("com");
		assertThat(WhoisServerDirectory.properSuffixes("com")).isEmpty();
	}

	private static void assertInvalid(Runnable check, String field, String detail) {
		assertThatThrownBy(check::run).isInstanceOfSatisfying(InvalidEntry.class,
				problem -> assertThat(problem.properties()).containsEntry("field", field))
			.hasMessageContaining(detail);
	}
}
