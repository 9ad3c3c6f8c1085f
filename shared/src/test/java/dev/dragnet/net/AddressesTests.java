package dev.dragnet.net;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class AddressesTests {

	/** Registry entries Dragnet judges by the IPv4 address they carry, not by their reachability column. */
	private static final Set<String> EMBEDDING = Set.of("::ffff:0:0/96", "64:ff9b::/96", "2001::/32", "2002::/16");

	private static final Pattern ROW = Pattern.compile("^([^,]+),(.*),([^,]*),(True|False|N/A)$");

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
			"100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "::ffff:10.0.0.1",
			"192.0.2.1", "198.51.100.7", "203.0.113.9", "2001:db8::1", "3fff::1", "ff02::1", "fec0::1", "4000::1" })
	void nonPublicAddresses(String literal) {
		assertThat(Addresses.isNonPublic(Addresses.parseLiteral(literal))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "8.8.8.8", "192.0.43.10", "172.32.0.1", "100.128.0.1", "2001:500:8f::53", "192.0.0.9",
			"2001:1::1", "2620:4f:8000::1", "::ffff:8.8.8.8" })
	void publicAddresses(String literal) {
		assertThat(Addresses.isNonPublic(Addresses.parseLiteral(literal))).isFalse();
	}

	@ParameterizedTest
	@MethodSource("registryRows")
	void followsTheIanaSpecialPurposeRegistries(RegistryRow row) throws UnknownHostException {
		for (BigInteger address : List.of(row.first(), row.last())) {
			RegistryRow governing = mostSpecific(row.table(), address);
			if (EMBEDDING.contains(governing.block())) {
				continue; // judged by the embedded IPv4 address: see the tests below
			}
			assertThat(Addresses.isNonPublic(address(address, row.width())))
				.as("%s in %s (%s), globally reachable %s", address.toString(16), governing.block(), governing.name(),
						governing.reachable())
				.isEqualTo(!governing.reachable().equals("True"));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "64:ff9b::10.0.0.1", "64:ff9b::127.0.0.1", "64:ff9b::192.168.0.1", "64:ff9b:1::8.8.8.8",
			"2002:0a00:0001::1", "2002:c0a8:0101::1", "2002:7f00:0001::", "2001:0:4136:e378:8000:63bf:f5ff:fffe",
			"2001:0:0a00:0001:8000:63bf:3fff:fdd2", "::10.0.0.1", "::8.8.8.8" })
	void addressesCarryingANonPublicIpv4AreNonPublic(String literal) {
		// Teredo 2001:0:4136:e378:...:f5ff:fffe carries client 10.0.0.1 (bit-inverted); the next one server 10.0.0.1
		assertThat(Addresses.isNonPublic(Addresses.parseLiteral(literal))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "64:ff9b::8.8.8.8", "2002:0808:0808::1", "2001:0:4136:e378:8000:63bf:f7f7:f7f7" })
	void addressesCarryingAPublicIpv4ArePublic(String literal) {
		// the Teredo one: server 65.54.227.120, client 8.8.8.8 (f7f7:f7f7 bit-inverted)
		assertThat(Addresses.isNonPublic(Addresses.parseLiteral(literal))).isFalse();
	}

	@Test
	void aTeredoClientInDocumentationSpaceIsNonPublic() {
		// RFC 4380's own example: client 192.0.2.45 is documentation space, not globally reachable
		assertThat(Addresses.isNonPublic(Addresses.parseLiteral("2001:0:4136:e378:8000:63bf:3fff:fdd2"))).isTrue();
	}

	@Test
	void judgesAnIpv6MappedAddressByItsIpv4Address() throws UnknownHostException {
		byte[] mapped = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1 };
		assertThat(Addresses.isNonPublic(Inet6Address.getByAddress(null, mapped, (NetworkInterface) null))).isTrue();
		mapped[12] = 8;
		assertThat(Addresses.isNonPublic(Inet6Address.getByAddress(null, mapped, (NetworkInterface) null))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "whois.example.com", "localhost", "1.2.3", "", "12345" })
	void hostNamesAreNotLiterals(String text) {
		assertThat(Addresses.parseLiteral(text)).isNull();
	}

	static Stream<RegistryRow> registryRows() throws IOException {
		List<RegistryRow> v4 = read("/iana/ipv4-special-registry.csv", 32);
		List<RegistryRow> v6 = read("/iana/ipv6-special-registry.csv", 128);
		return Stream.concat(v4.stream(), v6.stream());
	}

	private static List<RegistryRow> read(String resource, int width) throws IOException {
		List<RegistryRow> rows = new ArrayList<>();
		try (InputStream in = AddressesTests.class.getResourceAsStream(resource)) {
			String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			for (String line : text.split("\n")) {
				Matcher m = ROW.matcher(line);
				if (!line.startsWith("#") && m.matches()) {
					rows.add(new RegistryRow(m.group(1), m.group(2), m.group(4), width, rows));
				}
			}
		}
		assertThat(rows).hasSizeGreaterThan(20);
		return rows;
	}

	private static RegistryRow mostSpecific(List<RegistryRow> table, BigInteger address) {
		RegistryRow best = null;
		for (RegistryRow row : table) {
			if (row.contains(address) && (best == null || row.length() > best.length())) {
				best = row;
			}
		}
		return best;
	}

	private static InetAddress address(BigInteger value, int width) throws UnknownHostException {
		byte[] raw = value.toByteArray();
		byte[] bytes = new byte[width / 8];
		int copy = Math.min(raw.length, bytes.length);
		System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
		return (width == 32) ? InetAddress.getByAddress(bytes)
				: Inet6Address.getByAddress(null, bytes, (NetworkInterface) null);
	}

	record RegistryRow(String block, String name, String reachable, int width, List<RegistryRow> table) {

		int length() {
			return Integer.parseInt(this.block.substring(this.block.indexOf('/') + 1));
		}

		BigInteger first() {
			byte[] bytes = Addresses.parseLiteral(this.block.substring(0, this.block.indexOf('/'))).getAddress();
			BigInteger value = new BigInteger(1, bytes);
			if (this.width == 128 && bytes.length == 4) { // ::ffff:0:0 parses as IPv4
				value = value.or(BigInteger.valueOf(0xffffL).shiftLeft(32));
			}
			return value;
		}

		BigInteger last() {
			return first().or(BigInteger.ONE.shiftLeft(this.width - length()).subtract(BigInteger.ONE));
		}

		boolean contains(BigInteger address) {
			return address.shiftRight(this.width - length()).equals(first().shiftRight(this.width - length()));
		}

		@Override
		public String toString() {
			return this.block + " " + this.name;
		}
	}
}
