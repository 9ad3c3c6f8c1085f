package dev.dragnet.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Classifies IP addresses. Used to keep WHOIS queries and referrals away from loopback, private, link-local
 * and other non-public networks, where a probe would be poking at the LAN of whoever hosts it.
 */
public final class Addresses {

	private Addresses() {
	}

	/**
	 * Whether {@code address} is reachable only locally or privately: loopback, unspecified, RFC 1918
	 * private, carrier-grade NAT (100.64/10), link-local, multicast, IPv6 unique-local (fc00::/7),
	 * "this network" (0/8), benchmarking (198.18/15) and reserved (240/4) space, and IPv4-mapped forms of
	 * those.
	 */
	public static boolean isNonPublic(InetAddress address) {
		if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
				|| address.isSiteLocalAddress() || address.isMulticastAddress()) {
			return true;
		}
		byte[] b = address.getAddress();
		if (address instanceof Inet4Address) {
			return isNonPublicV4(b);
		}
		if (address instanceof Inet6Address) {
			if ((b[0] & 0xfe) == 0xfc) {
				return true; // unique local fc00::/7
			}
			if (isV4Mapped(b)) {
				byte[] v4 = { b[12], b[13], b[14], b[15] };
				return isNonPublicV4(v4);
			}
		}
		return false;
	}

	/** Parses a literal IPv4 or IPv6 address without any DNS lookup, or returns {@code null}. */
	public static InetAddress parseLiteral(String text) {
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

	private static boolean isNonPublicV4(byte[] b) {
		int a0 = b[0] & 0xff;
		int a1 = b[1] & 0xff;
		return a0 == 0 || a0 == 127 || isRfc1918(b) || (a0 == 100 && a1 >= 64 && a1 <= 127)
				|| (a0 == 169 && a1 == 254) || (a0 == 198 && (a1 == 18 || a1 == 19)) || a0 >= 224;
	}

	private static boolean isRfc1918(byte[] b) {
		int a0 = b[0] & 0xff;
		int a1 = b[1] & 0xff;
		return a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168);
	}

	private static boolean isV4Mapped(byte[] b) {
		for (int i = 0; i < 10; i++) {
			if (b[i] != 0) {
				return false;
			}
		}
		return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
	}
}
