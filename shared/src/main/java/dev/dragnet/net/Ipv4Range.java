package dev.dragnet.net;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * An inclusive range of IPv4 addresses, held as unsigned 32-bit numbers. Parses the forms analysts write:
 * CIDR ({@code 192.0.2.0/24}), a dash range ({@code 192.0.2.10-192.0.2.99}) and a single address.
 *
 * @param first the first address, 0 to 2^32-1
 * @param last the last address, at least {@code first}
 */
public record Ipv4Range(long first, long last) implements Comparable<Ipv4Range> {

	public static final long MAX = 0xFFFF_FFFFL;

	public Ipv4Range {
		if (first < 0 || last > MAX || first > last) {
			throw new IllegalArgumentException("not an IPv4 range: " + first + ".." + last);
		}
	}

	/** Parses {@code a.b.c.d/n}, {@code a.b.c.d-e.f.g.h} or {@code a.b.c.d}; the message says what is wrong. */
	public static Ipv4Range parse(String text) {
		String t = text.trim();
		if (t.isEmpty()) {
			throw new IllegalArgumentException("empty range");
		}
		int slash = t.indexOf('/');
		if (slash >= 0) {
			return cidr(t.substring(0, slash), t.substring(slash + 1), t);
		}
		int dash = t.indexOf('-');
		if (dash >= 0) {
			long first = address(t.substring(0, dash).trim(), t);
			long last = address(t.substring(dash + 1).trim(), t);
			if (first > last) {
				throw new IllegalArgumentException("'" + t + "' ends before it starts");
			}
			return new Ipv4Range(first, last);
		}
		long single = address(t, t);
		return new Ipv4Range(single, single);
	}

	private static Ipv4Range cidr(String base, String bits, String whole) {
		int prefix;
		try {
			prefix = Integer.parseInt(bits.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + whole + "' has a prefix length that is not a number");
		}
		if (prefix < 0 || prefix > 32) {
			throw new IllegalArgumentException("'" + whole + "' has a prefix length outside 0-32");
		}
		long network = address(base.trim(), whole);
		long size = 1L << (32 - prefix);
		if (network % size != 0) {
			throw new IllegalArgumentException("'" + whole + "' has host bits set; the network is "
					+ format(network - network % size) + "/" + prefix);
		}
		return new Ipv4Range(network, network + size - 1);
	}

	/** Parses a dotted-quad IPv4 address into an unsigned number. */
	public static long address(String text, String context) {
		String[] parts = text.split("\\.", -1);
		if (parts.length != 4) {
			throw new IllegalArgumentException("'" + context + "': '" + text + "' is not an IPv4 address");
		}
		long value = 0;
		for (String part : parts) {
			if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
				throw new IllegalArgumentException("'" + context + "': '" + text + "' is not an IPv4 address");
			}
			int octet = Integer.parseInt(part);
			if (octet > 255) {
				throw new IllegalArgumentException("'" + context + "': '" + text + "' has an octet above 255");
			}
			value = (value << 8) | octet;
		}
		return value;
	}

	/** Dotted-quad form of an unsigned IPv4 number. */
	public static String format(long address) {
		return ((address >> 24) & 0xff) + "." + ((address >> 16) & 0xff) + "." + ((address >> 8) & 0xff) + "."
				+ (address & 0xff);
	}

	public long size() {
		return this.last - this.first + 1;
	}

	public boolean overlaps(Ipv4Range other) {
		return this.first <= other.last && other.first <= this.last;
	}

	/** Cuts the range into consecutive blocks of at most {@code blockSize} addresses. */
	public List<Ipv4Range> split(int blockSize) {
		if (blockSize < 1) {
			throw new IllegalArgumentException("block size must be at least 1");
		}
		List<Ipv4Range> blocks = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, (size() + blockSize - 1) / blockSize));
		for (long start = this.first; start <= this.last; start += blockSize) {
			blocks.add(new Ipv4Range(start, Math.min(this.last, start + blockSize - 1)));
		}
		return blocks;
	}

	/** The first pair of overlapping ranges in {@code ranges}, or an empty list when none overlap. */
	public static List<Ipv4Range> firstOverlap(List<Ipv4Range> ranges) {
		List<Ipv4Range> sorted = new ArrayList<>(ranges);
		Collections.sort(sorted);
		for (int i = 1; i < sorted.size(); i++) {
			if (sorted.get(i - 1).overlaps(sorted.get(i))) {
				return List.of(sorted.get(i - 1), sorted.get(i));
			}
		}
		return List.of();
	}

	@Override
	public int compareTo(Ipv4Range other) {
		return Comparator.comparingLong(Ipv4Range::first).thenComparingLong(Ipv4Range::last).compare(this, other);
	}

	@Override
	public String toString() {
		return (this.first == this.last) ? format(this.first) : format(this.first) + "-" + format(this.last);
	}
}
