package dev.dragnet.server.whois.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** RDAP domain objects (RFC 9083) and the probe's RDAP results, as {@link RdapParser} reads them. */
class RdapParserTests {

	private final RdapParser parser = new RdapParser();

	@Test
	void registryAnswerGivesEveryField() {
		ParsedWhois parsed = this.parser.parse("example.com", resource("example-registry.json"));

		assertThat(parsed.registered()).isTrue();
		assertThat(parsed.statuses()).containsExactly("clientDeleteProhibited", "clientTransferProhibited",
				"clientUpdateProhibited", "serverHold");
		assertThat(parsed.created()).isEqualTo(Instant.parse("1995-08-14T04:00:00Z"));
		assertThat(parsed.expires()).isEqualTo(Instant.parse("2026-08-13T04:00:00Z"));
		assertThat(parsed.updated()).isEqualTo(Instant.parse("2025-08-14T07:01:34Z"));
		assertThat(parsed.registrar()).isEqualTo(new ParsedWhois.Registrar("Example Registrar, Inc.", "376",
				"https://www.example-registrar.com", null));
		assertThat(parsed.nameServers()).containsExactly("a.iana-servers.net", "b.iana-servers.net");
		assertThat(parsed.dnssec()).isTrue();
		assertThat(parsed.registrantOrganization()).isNull();
	}

	@Test
	void registrarAnswerGivesTheRegistrant() {
		ParsedWhois parsed = this.parser.parse("example.com", resource("example-registrar.json"));

		assertThat(parsed.statuses()).containsExactly("ok");
		assertThat(parsed.created()).isEqualTo(Instant.parse("1995-08-13T07:00:00Z"));
		assertThat(parsed.registrantOrganization()).isEqualTo("Internet Assigned Numbers Authority");
		assertThat(parsed.registrantCountry()).isEqualTo("US");
		assertThat(parsed.registrar().whoisServer()).isEqualTo("whois.example-registrar.com");
		assertThat(parsed.dnssec()).isNull();
	}

	@Test
	void thinRegistryResultsAreMergedWithTheRegistryWinningDatesAndStatuses() {
		ParsedWhois parsed = this.parser.parseResponses("example.com", resource("probe-result-thin.json"));

		assertThat(parsed.registered()).isTrue();
		assertThat(parsed.created()).isEqualTo(Instant.parse("1995-08-14T04:00:00Z"));
		assertThat(parsed.expires()).isEqualTo(Instant.parse("2026-08-13T04:00:00Z"));
		assertThat(parsed.statuses()).contains("serverHold").doesNotContain("ok");
		assertThat(parsed.nameServers()).containsExactly("a.iana-servers.net", "b.iana-servers.net");
		assertThat(parsed.registrantOrganization()).isEqualTo("Internet Assigned Numbers Authority");
		assertThat(parsed.registrantCountry()).isEqualTo("US");
		assertThat(parsed.registrar()).isEqualTo(new ParsedWhois.Registrar("Example Registrar, Inc.", "376",
				"https://www.example-registrar.com", "whois.example-registrar.com"));
	}

	@Test
	void errorObjectsMeanNotRegistered() {
		assertThat(this.parser.parse("free-example.com", resource("not-found.json")).registered()).isFalse();
		assertThat(this.parser.parseResponses("free-example.com", resource("probe-result-not-found.json")).registered())
			.isFalse();
	}

	@Test
	void aBareDomainObjectIsAcceptedAsAProbeResult() {
		assertThat(this.parser.parseResponses("example.com", resource("example-registry.json")).created())
			.isEqualTo(Instant.parse("1995-08-14T04:00:00Z"));
	}

	@Test
	void somethingThatIsNotJsonIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.parser.parse("example.com", "<html>oops"));
	}

	private static String resource(String name) {
		try (InputStream in = RdapParserTests.class.getClassLoader().getResourceAsStream("rdap/" + name)) {
			assertThat(in).as(name).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
