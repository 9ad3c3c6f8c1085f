package dev.dragnet.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Classifies IP addresses. Used to keep WHOIS queries, referrals and source fetches away from loopback, private,
 * link-local and other non-public networks, where a probe would be poking at the LAN of whoever hosts it.
 *
 * <p>The rule is the IANA IPv4 and IPv6 Special-Purpose Address Registries (as of 2025): an address in an entry
 * that is not "globally reachable" is non-public; the most specific entry wins, so the anycast entries marked
 * globally reachable inside {@code 192.0.0.0/24} and {@code 2001::/23} stay public. Beyond the registries:
 * multicast is non-public, and so is IPv6 outside global unicast ({@code 2000::/3}), which IANA has not assigned.
 * Addresses that carry an IPv4 address are judged by it as well, so a private network cannot be reached through a
 * translator or tunnel: IPv4-mapped ({@code ::ffff:0:0/96}) and the NAT64 well-known prefix ({@code 64:ff9b::/96})
 * are exactly as public as their IPv4 address; 6to4 ({@code 2002::/16}, IPv4 in bits 16-47) and Teredo
 * ({@code 2001::/32}, server in bits 32-63, client in the bit-inverted last 32 bits) are public only when every
 * embedded IPv4 address is. IPv4-compatible addresses ({@code ::a.b.c.d}) are deprecated and outside
 * {@code 2000::/3}, so non-public.
 */
public final class Addresses {

	private enum Reach {

		/** Globally reachable per the registry. */
		PUBLIC,

		/** Not globally reachable. */
		NON_PUBLIC,

		/** Public exactly when the IPv4 address(es) it carries are. */
		EMBEDDED_IPV4

	}

	private record Entry(byte[] network, int length, Reach reach) {

		static Entry of(String cidr, Reach reach) {
			int slash = cidr.indexOf('/');
			InetAddress network = parseLiteral(cidr.substring(0, slash));
			if (network == null) {
				throw new IllegalArgumentException(cidr);
			}
			byte[] bytes = network.getAddress();
			if (cidr.indexOf(':') >= 0 && bytes.length == 4) { // ::ffff:0:0 parses as an Inet4Address
				bytes = new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, bytes[0], bytes[1], bytes[2],
						bytes[3] };
			}
			return new Entry(bytes, Integer.parseInt(cidr.substring(slash + 1)), reach);
		}

		boolean contains(byte[] address) {
			if (address.length != this.network.length) {
				return false;
			}
			int whole = this.length / 8;
			for (int i = 0; i < whole; i++) {
				if (address[i] != this.network[i]) {
					return false;
				}
			}
			int rest = this.length % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xff << (8 - rest)) & 0xff;
			return (address[whole] & mask) == (this.network[whole] & mask);
		}
	}

	/** IANA IPv4 Special-Purpose Address Registry, plus multicast (224.0.0.0/4) from the address space registry. */
	private static final List<Entry> IPV4 = List.of(Entry.of("0.0.0.0/8", Reach.NON_PUBLIC),
			Entry.of("10.0.0.0/8", Reach.NON_PUBLIC), Entry.of("100.64.0.0/10", Reach.NON_PUBLIC),
			Entry.of("127.0.0.0/8", Reach.NON_PUBLIC), Entry.of("169.254.0.0/16", Reach.NON_PUBLIC),
			Entry.of("172.16.0.0/12", Reach.NON_PUBLIC), Entry.of("192.0.0.0/24", Reach.NON_PUBLIC),
			Entry.of("192.0.0.9/32", Reach.PUBLIC), Entry.of("192.0.0.10/32", Reach.PUBLIC),
			Entry.of("192.0.2.0/24", Reach.NON_PUBLIC), Entry.of("192.31.196.0/24", Reach.PUBLIC),
			Entry.of("192.52.193.0/24", Reach.PUBLIC), Entry.of("192.88.99.0/24", Reach.NON_PUBLIC),
			Entry.of("192.168.0.0/16", Reach.NON_PUBLIC), Entry.of("192.175.48.0/24", Reach.PUBLIC),
			Entry.of("198.18.0.0/15", Reach.NON_PUBLIC), Entry.of("198.51.100.0/24", Reach.NON_PUBLIC),
			Entry.of("203.0.113.0/24", Reach.NON_PUBLIC), Entry.of("224.0.0.0/4", Reach.NON_PUBLIC),
			Entry.of("240.0.0.0/4", Reach.NON_PUBLIC));

	/**
	 * IANA IPv6 Special-Purpose Address Registry, plus multicast (ff00::/8) and everything outside 2000::/3. Order
	 * does not matter: the most specific match wins.
	 */
	private static final List<Entry> IPV6 = List.of(Entry.of("::/0", Reach.NON_PUBLIC),
			Entry.of("2000::/3", Reach.PUBLIC), Entry.of("::ffff:0:0/96", Reach.EMBEDDED_IPV4),
			Entry.of("64:ff9b::/96", Reach.EMBEDDED_IPV4), Entry.of("64:ff9b:1::/48", Reach.NON_PUBLIC),
			Entry.of("100::/64", Reach.NON_PUBLIC), Entry.of("100:0:0:1::/64", Reach.NON_PUBLIC),
			Entry.of("2001::/23", Reach.NON_PUBLIC), Entry.of("2001::/32", Reach.EMBEDDED_IPV4),
			Entry.of("2001:1::1/128", Reach.PUBLIC), Entry.of("2001:1::2/128", Reach.PUBLIC),
			Entry.of("2001:1::3/128", Reach.PUBLIC), Entry.of("2001:2::/48", Reach.NON_PUBLIC),
			Entry.of("2001:3::/32", Reach.PUBLIC), Entry.of("2001:4:112::/48", Reach.PUBLIC),
			Entry.of("2001:10::/28", Reach.NON_PUBLIC), Entry.of("2001:20::/28", Reach.PUBLIC),
			Entry.of("2001:30::/28", Reach.PUBLIC), Entry.of("2001:db8::/32", Reach.NON_PUBLIC),
			Entry.of("2002::/16", Reach.EMBEDDED_IPV4), Entry.of("2620:4f:8000::/48", Reach.PUBLIC),
			Entry.of("3fff::/20", Reach.NON_PUBLIC), Entry.of("5f00::/16", Reach.NON_PUBLIC),
			Entry.of("fc00::/7", Reach.NON_PUBLIC), Entry.of("fe80::/10", Reach.NON_PUBLIC),
			Entry.of("ff00::/8", Reach.NON_PUBLIC));

	private Addresses() {
	}

	/**
	 * Whether {@code address} is not globally reachable: in an IANA special-purpose entry that is not, multicast,
	 * unassigned IPv6 space, or an IPv6 address carrying such an IPv4 address (see the class description).
	 */
	public static boolean isNonPublic(InetAddress address) {
		return isNonPublic(address.getAddress());
	}

	private static boolean isNonPublic(byte[] b) {
		Entry entry = mostSpecific(b.length == 4 ? IPV4 : IPV6, b);
		if (entry == null) {
			return false;
		}
		return switch (entry.reach()) {
			case PUBLIC -> false;
			case NON_PUBLIC -> true;
			case EMBEDDED_IPV4 -> embeddedIpv4(b).stream().anyMatch(Addresses::isNonPublic);
		};
	}

	private static @Nullable Entry mostSpecific(List<Entry> table, byte[] address) {
		Entry best = null;
		for (Entry entry : table) {
			if (entry.contains(address) && (best == null || entry.length() > best.length())) {
				best = entry;
			}
		}
		return best;
	}

	/** The IPv4 addresses an IPv4-mapped, NAT64, 6to4 or Teredo address carries. */
	private static List<byte[]> embeddedIpv4(byte[] b) {
		if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
			return List.of(new byte[] { b[2], b[3], b[4], b[5] });
		}
		if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) {
			byte[] server = { b[4], b[5], b[6], b[7] };
			byte[] client = { (byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15] };
			return List.of(server, client);
		}
		return List.of(new byte[] { b[12], b[13], b[14], b[15] });
	}

	/** Parses a literal IPv4 or IPv6 address without any DNS lookup, or returns {@code null}. */
	public static @Nullable InetAddress parseLiteral(String text) {
		String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
		if (!looksLikeLiteral(t)) {
			return null;
		}
		try {
			return InetAddress.getByName(t); // a literal: no lookup happens
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	private static boolean looksLikeLiteral(String t) {
		if (t.isEmpty()) {
			return false;
		}
		if (t.indexOf(':') >= 0) {
			return t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
		}
		return t.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.') && t.chars().filter(c -> c == '.').count() == 3;
	}
}
