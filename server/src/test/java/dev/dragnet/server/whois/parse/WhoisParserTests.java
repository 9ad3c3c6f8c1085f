package dev.dragnet.server.whois.parse;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Layouts, labels, dates and statuses as {@link WhoisParser} reads them. */
class WhoisParserTests {

	private final WhoisParser parser = new WhoisParser();

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "2017-11-18T21:10:52Z|2017-11-18T21:10:52Z",
			"2017-09-07T08:50:36-0700|2017-09-07T15:50:36Z", "2010-07-04T04:34:46+03:00|2010-07-04T01:34:46Z",
			"2002-12-04 00:00:00+02|2002-12-03T22:00:00Z", "2017-06-19 14:34:16|2017-06-19T14:34:16Z",
			"14.02.2018|2018-02-14T00:00:00Z", "14.02.2018 13:00:00|2018-02-14T13:00:00Z",
			"2001/03/22|2001-03-22T00:00:00Z", "14-Feb-1999|1999-02-14T00:00:00Z",
			"24-Nov-2017 10:00:00 UTC|2017-11-24T10:00:00Z", "20040303|2004-03-03T00:00:00Z",
			"2005. 04. 19.|2005-04-19T00:00:00Z", "2003年03月17日|2003-03-17T00:00:00Z",
			"2017/11/01 10:20:33 (JST)|2017-11-01T01:20:33Z", "October 9 2003|2003-10-09T00:00:00Z",
			"Tue Jan 12 10:00:00 GMT 2010|2010-01-12T10:00:00Z", "2006-Aug-17.|2006-08-17T00:00:00Z",
			"2009-05-13T14:34:19.587Z|2009-05-13T14:34:19.587Z" })
	void readsDateSpellings(String value, String expected) {
		assertThat(WhoisDates.parse(value)).isEqualTo(Instant.parse(expected));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "2017-11-01 10:20:33 IST|2017-11-01T04:50:33Z",
			"2017-11-01 10:20:33 (NPT)|2017-11-01T04:35:33Z", "2017-11-01 10:20:33 ACST|2017-11-01T00:50:33Z",
			"2017-11-01 10:20:33 EST|2017-11-01T15:20:33Z", "2017-11-01 10:20:33 (GMT+5:30)|2017-11-01T04:50:33Z" })
	void zoneAbbreviationsMayBeOffByHalfAnHour(String value, String expected) {
		// IST is India's +05:30, not +05:00
		assertThat(WhoisDates.parse(value)).isEqualTo(Instant.parse(expected));
	}

	@Test
	void ukIsTheUnitedKingdomsGb() {
		assertThat(WhoisParser.countryCode("UK")).isEqualTo("GB");
		assertThat(WhoisParser.countryCode("uk")).isEqualTo("GB");
		assertThat(WhoisParser.countryCode("United Kingdom")).isEqualTo("GB");
		assertThat(WhoisParser.countryCode("GB")).isEqualTo("GB");
		assertThat(WhoisParser.countryCode("de")).isEqualTo("DE");
		assertThat(this.parser.parse("example.uk", null, "Domain Name: example.uk\nRegistrant Country: UK\n")
			.registrantCountry()).isEqualTo("GB");
	}

	@Test
	void notADateIsNull() {
		assertThat(WhoisDates.parse("not published")).isNull();
		assertThat(WhoisDates.parse("2017-13-45")).isNull();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "clientTransferProhibited https://icann.org/epp#clientTransferProhibited|clientTransferProhibited",
			"client transfer prohibited|clientTransferProhibited", "CLIENT TRANSFER PROHIBITED|clientTransferProhibited",
			"client_update_prohibited|clientUpdateProhibited", "OK|ok", "serverHold (Secured by CoCCA)|serverHold",
			"connect|connect", "Registered until expiry date.|registered until expiry date." })
	void normalisesStatuses(String raw, String expected) {
		assertThat(EppStatus.normalise(raw)).isEqualTo(expected);
	}

	@Test
	void readsAnIcannStyleRecord() {
		String text = """
				   Domain Name: EXAMPLE.COM
				   Registrar WHOIS Server: whois.example-registrar.com
				   Registrar URL: http://www.example-registrar.com
				   Updated Date: 2023-08-14T07:01:38Z
				   Creation Date: 1995-08-14T04:00:00Z
				   Registry Expiry Date: 2024-08-13T04:00:00Z
				   Registrar: Example Registrar, Inc.
				   Registrar IANA ID: 376
				   Registrar Abuse Contact Email:
				   Domain Status: clientDeleteProhibited https://icann.org/epp#clientDeleteProhibited
				   Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited
				   Registrant Organization: Internet Assigned Numbers Authority
				   Registrant Country: US
				   Name Server: A.IANA-SERVERS.NET
				   Name Server: B.IANA-SERVERS.NET.
				   Name Server: a.iana-servers.net
				   DNSSEC: signedDelegation
				""";
		ParsedWhois parsed = this.parser.parse("example.com", "whois.verisign-grs.com", text);

		assertThat(parsed.registered()).isTrue();
		assertThat(parsed.created()).isEqualTo(Instant.parse("1995-08-14T04:00:00Z"));
		assertThat(parsed.updated()).isEqualTo(Instant.parse("2023-08-14T07:01:38Z"));
		assertThat(parsed.expires()).isEqualTo(Instant.parse("2024-08-13T04:00:00Z"));
		assertThat(parsed.statuses()).containsExactly("clientDeleteProhibited", "clientTransferProhibited");
		assertThat(parsed.registrar()).isEqualTo(new ParsedWhois.Registrar("Example Registrar, Inc.", "376",
				"http://www.example-registrar.com", "whois.example-registrar.com"));
		assertThat(parsed.nameServers()).containsExactly("a.iana-servers.net", "b.iana-servers.net");
		assertThat(parsed.dnssec()).isTrue();
		assertThat(parsed.registrantOrganization()).isEqualTo("Internet Assigned Numbers Authority");
		assertThat(parsed.registrantCountry()).isEqualTo("US");
	}

	@Test
	void readsHeaderBlocksAndDottedLabels() {
		String text = """
				Domain name:
				    example.co.uk

				Registrar:
				    Example Registrar Ltd [Tag = EXAMPLE]

				Relevant dates:
				    Registered on: 14-Feb-1999
				    Expiry date:  14-Feb-2030

				Name servers:
				    ns1.example.net        192.0.2.1
				    ns2.example.net        2001:db8::1

				Registrant....................: Example Ltd
				Status........................: Registered until expiry date.
				""";
		ParsedWhois parsed = this.parser.parse("example.co.uk", null, text);

		assertThat(parsed.nameServers()).containsExactly("ns1.example.net", "ns2.example.net");
		assertThat(parsed.registrar().name()).isEqualTo("Example Registrar Ltd [Tag = EXAMPLE]");
		assertThat(parsed.created()).isEqualTo(Instant.parse("1999-02-14T00:00:00Z"));
		assertThat(parsed.expires()).isEqualTo(Instant.parse("2030-02-14T00:00:00Z"));
		assertThat(parsed.registrantOrganization()).isEqualTo("Example Ltd");
		assertThat(parsed.statuses()).containsExactly("registered until expiry date.");
	}

	@Test
	void readsJprsBracketedLabels() {
		String text = """
				[ JPRS database provides information on network administration. Its use is    ]
				Domain Information:
				a. [Domain Name]                EXAMPLE.CO.JP
				g. [Organization]               Example KK
				p. [Name Server]                ns1.example.jp
				p. [Name Server]                ns2.example.jp
				[State]                         Connected (2030/03/31)
				[Registered Date]               2001/03/22
				[Last Update]                   2017/04/01 01:05:34 (JST)
				""";
		ParsedWhois parsed = this.parser.parse("example.co.jp", "whois.jprs.jp", text);

		assertThat(parsed.nameServers()).containsExactly("ns1.example.jp", "ns2.example.jp");
		assertThat(parsed.registrantOrganization()).isEqualTo("Example KK");
		assertThat(parsed.created()).isEqualTo(Instant.parse("2001-03-22T00:00:00Z"));
		assertThat(parsed.updated()).isEqualTo(Instant.parse("2017-03-31T16:05:34Z"));
		assertThat(parsed.statuses()).containsExactly("connected");
	}

	@Test
	void notFoundPhrasesMeanNotRegistered() {
		for (String text : List.of("No match for \"FREE.COM\".", "NOT FOUND", "No Data Found", "Domain: free.de\nStatus: free",
				"Domain: free.eu\nStatus: AVAILABLE", "No entries found for the selected source(s).",
				"free.kg is available for registration", "Domain not found.", "The queried object does not exist: DOMAIN NOT FOUND")) {
			assertThat(this.parser.parse("free.example", null, text).registered()).as(text).isFalse();
		}
	}

	@Test
	void reservedAndBlockedNamesAreNeither() {
		assertThat(this.parser.parse("free.qa", null, "Reserved by QDR").registered()).isNull();
		assertThat(this.parser.parse("x.example", null, "Domain: x.example\nStatus: reserved\n").registered()).isNull();
		assertThat(this.parser.parse("x.example", null, "This name is blocked domain by the registry.").registered()).isNull();
		assertThat(this.parser.parse("x.example", null, "").registered()).isNull();
	}

	@Test
	void mergeLetsTheRegistryWinDatesAndStatusesAndTheRegistrarFillGaps() {
		ParsedWhois registry = new ParsedWhois(true, List.of("serverHold"), Instant.parse("2000-01-01T00:00:00Z"), null,
				Instant.parse("2030-01-01T00:00:00Z"), new ParsedWhois.Registrar("R", "1", null, "whois.r.example"),
				List.of("ns1.example"), null, null, null);
		ParsedWhois registrar = new ParsedWhois(true, List.of("ok"), Instant.parse("1999-01-01T00:00:00Z"),
				Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2031-01-01T00:00:00Z"),
				new ParsedWhois.Registrar("R Inc.", "1", "https://r.example", null), List.of("ns9.example"), false,
				"Holder Ltd", "DE");

		ParsedWhois merged = ParsedWhois.merge(registry, registrar);

		assertThat(merged.statuses()).containsExactly("serverHold");
		assertThat(merged.created()).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
		assertThat(merged.expires()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
		assertThat(merged.updated()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
		assertThat(merged.registrar()).isEqualTo(new ParsedWhois.Registrar("R", "1", "https://r.example", "whois.r.example"));
		assertThat(merged.nameServers()).containsExactly("ns1.example");
		assertThat(merged.dnssec()).isFalse();
		assertThat(merged.registrantOrganization()).isEqualTo("Holder Ltd");
		assertThat(merged.registrantCountry()).isEqualTo("DE");
	}
}
