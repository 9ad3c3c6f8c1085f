package dev.dragnet.server.whois.parse;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Referrals from thin registries, RIRs and IANA, as {@link ReferralFinder} reads them. */
class ReferralFinderTests {

	private final ReferralFinder finder = new ReferralFinder();

	@Test
	void thinRegistryNamesTheRegistrarServer() {
		assertThat(this.finder.find("   Domain Name: GOOGLE.COM\n   Registrar WHOIS Server: whois.MarkMonitor.com\n"))
			.contains(new ReferralFinder.Referral("whois.markmonitor.com", 43, ReferralFinder.Referral.Kind.REGISTRAR));
	}

	@Test
	void olderThinRegistriesSayWhoisServer() {
		assertThat(this.finder.find("Domain Name: EXAMPLE.NET\n   Whois Server: whois.enom.com\n"))
			.contains(new ReferralFinder.Referral("whois.enom.com", 43, ReferralFinder.Referral.Kind.REGISTRAR));
	}

	@Test
	void arinReferralsDropTheSchemeAndKeepThePort() {
		assertThat(this.finder.find("NetRange: 193.0.0.0 - 193.0.23.255\nReferralServer: whois://whois.ripe.net\n"))
			.contains(new ReferralFinder.Referral("whois.ripe.net", 43, ReferralFinder.Referral.Kind.REGISTRY));
		assertThat(this.finder.find("ReferralServer: rwhois://rwhois.example.net:4321/\n"))
			.contains(new ReferralFinder.Referral("rwhois.example.net", 4321, ReferralFinder.Referral.Kind.REGISTRY));
	}

	@Test
	void ianaRefersToTheTldRegistry() {
		assertThat(this.finder.find("% IANA WHOIS server\n\nrefer:        whois.nic.io\n\ndomain:       IO\n"))
			.contains(new ReferralFinder.Referral("whois.nic.io", 43, ReferralFinder.Referral.Kind.REGISTRY));
	}

	@Test
	void apnicTransfersNameTheRir() {
		assertThat(this.finder.find("inetnum: 1.0.0.0 - 1.0.0.255\nremarks: Transferred to the RIPE NCC\n"))
			.contains(new ReferralFinder.Referral("whois.ripe.net", 43, ReferralFinder.Referral.Kind.REGISTRY));
	}

	@Test
	void webUrlsAndEmptyValuesAreIgnored() {
		assertThat(this.finder.find("Registrar WHOIS Server: https://whois.example-registrar.com/lookup\n")).isEmpty();
		assertThat(this.finder.find("Registrar WHOIS Server: \nReferralServer:\n")).isEmpty();
		assertThat(this.finder.find("Registrar WHOIS Server: http://whois.example.com\nWhois Server: whois.example.org\n"))
			.contains(new ReferralFinder.Referral("whois.example.org", 43, ReferralFinder.Referral.Kind.REGISTRAR));
	}

	@Test
	void noReferralInAnOrdinaryRecord() {
		Optional<ReferralFinder.Referral> found = this.finder.find("domain: google.de\nNserver: ns1.google.com\n");
		assertThat(found).isEmpty();
	}

	@Test
	void malformedPortsAreIgnored() {
		assertThat(this.finder.find("ReferralServer: whois://whois.example.net:99999\n")).isEmpty();
	}
}
