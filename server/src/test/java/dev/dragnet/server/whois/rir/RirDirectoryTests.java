package dev.dragnet.server.whois.rir;

import dev.dragnet.net.Addresses;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RirDirectoryTests {

	private final RirDirectory directory = new RirDirectory();

	private RirDirectory.RirTarget address(String literal) {
		return this.directory.forAddress(Addresses.parseLiteral(literal)).orElseThrow();
	}

	@Test
	void arinAddressesUseArinsQueryFormat() {
		assertThat(address("8.8.8.8")).isEqualTo(new RirDirectory.RirTarget("whois.arin.net", 43, "n + 8.8.8.8"));
	}

	@Test
	void otherRirsGetThePlainAddress() {
		assertThat(address("193.0.6.139")).isEqualTo(new RirDirectory.RirTarget("whois.ripe.net", 43, "193.0.6.139"));
		assertThat(address("1.1.1.1").host()).isEqualTo("whois.apnic.net");
	}

	@Test
	void theLongestPrefixWinsAndFormatsApply() {
		assertThat(address("61.112.0.1")).isEqualTo(new RirDirectory.RirTarget("whois.nic.ad.jp", 43, "61.112.0.1/e"));
	}

	@Test
	void ipv6BlocksAreFound() {
		assertThat(address("2001:600::1").host()).isEqualTo("whois.ripe.net");
	}

	@Test
	void reservedSpaceHasNoServer() {
		assertThat(this.directory.forAddress(Addresses.parseLiteral("0.0.0.1"))).isEmpty();
	}

	@Test
	void asNumbersFallInRanges() {
		assertThat(this.directory.forAsn(15169)).contains(new RirDirectory.RirTarget("whois.arin.net", 43, "a + 15169"));
		assertThat(this.directory.forAsn(3333)).contains(new RirDirectory.RirTarget("whois.ripe.net", 43, "AS3333"));
		assertThat(this.directory.forAsn(131072)).get().extracting(RirDirectory.RirTarget::host).isEqualTo("whois.apnic.net");
		assertThat(this.directory.forAsn(4_200_000_000L)).isEmpty();
	}
}
