package dev.dragnet.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class AddressesTests {

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
			"100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "::ffff:10.0.0.1" })
	void nonPublicAddresses(String literal) {
		assertThat(Addresses.isNonPublic(Addresses.parseLiteral(literal))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "8.8.8.8", "192.0.43.10", "172.32.0.1", "100.128.0.1", "2001:500:8f::53" })
	void publicAddresses(String literal) {
		assertThat(Addresses.isNonPublic(Addresses.parseLiteral(literal))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "whois.example.com", "localhost", "1.2.3", "", "12345" })
	void hostNamesAreNotLiterals(String text) {
		assertThat(Addresses.parseLiteral(text)).isNull();
	}
}
