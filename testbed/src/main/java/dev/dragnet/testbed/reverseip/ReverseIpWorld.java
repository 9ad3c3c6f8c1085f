package dev.dragnet.testbed.reverseip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * The ground truth the fake reverse-IP sites and the fake DNS server serve: which domains are hosted on each IPv4
 * address, where each domain resolves, and each address's PTR name. Everything is computed from a hash of
 * {@code (seed, address)}, so the whole address space is covered without storing it, the same seed always gives the
 * same world, and a test can compute the exact expected answer for any range.
 *
 * <p>Addresses fall into {@link Tier tiers}: most host nothing ({@link Tier#EMPTY}, about 70%, and every {@code .0}
 * and {@code .255}), most of the rest host 1-5 names ({@link Tier#SMALL}), about 1.5% are shared-hosting addresses with
 * 100-300 names ({@link Tier#SHARED}, for pagination), and exactly one address in every aligned /22 hosts
 * {@value #GIANT_DOMAIN_COUNT} names ({@link Tier#GIANT}, for truncation). Names are clean: lower case, no trailing
 * dot, no wildcard, shaped {@code site-<token>.example}, {@code shop.<token>.test}, {@code cafe-<token>.test} or
 * {@code news-<token>.example}; about one in ten also comes with its {@code www.} twin, a distinct name that resolves to
 * the same place. The token encodes the address, which is how {@link #forwardA} answers without a reverse index.
 * Presentation quirks (upper case, trailing dots, {@code *.}) are added by the sites, never here.
 *
 * <p>Whatever the seed, {@link #CANARY} hosts names: it is what the testbed sites' source definitions name as their
 * canary, the address that tells a silent ban (B5) from an empty answer.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ReverseIpWorld {

	/**
	 * An address that hosts names in every world ({@link Tier#SMALL}, or {@link Tier#GIANT} when it is the giant of its
	 * /22): in the benchmarking range, so never part of a test campaign by accident.
	 */
	public static final String CANARY = "198.18.0.1";

	/** How many names a {@link Tier#GIANT} address hosts. */
	public static final int GIANT_DOMAIN_COUNT = 12_000;

	/** The domain the ISP-style PTR names live under: {@code host-1-2-3-4.isp.example}. */
	public static final String PTR_DOMAIN = "isp.example";

	private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

	private static final long MIX_1 = 0xBF58_476D_1CE4_E5B9L;

	private static final long MIX_2 = 0x94D0_49BB_1331_11EBL;

	private static final long MIX_1_INVERSE = inverse(MIX_1);

	private static final long MIX_2_INVERSE = inverse(MIX_2);

	private static final long TAG_TIER = 1;

	private static final long TAG_COUNT = 2;

	private static final long TAG_GIANT = 3;

	private static final long TAG_SHAPE = 4;

	private static final long TAG_WWW = 5;

	private static final long TAG_FORWARD = 6;

	private static final long TAG_PTR = 7;

	private static final long TAG_KEY_IN = 8;

	private static final long TAG_KEY_OUT = 9;

	private static final int CANARY_ADDRESS = ipv4(CANARY);

	private static final String[][] SHAPES = { { "site-", ".example" }, { "shop.", ".test" }, { "cafe-", ".test" },
			{ "news-", ".example" } };

	/** How the address space is populated; see {@link ReverseIpWorld}. */
	public enum Tier {

		/** Hosts no names. */
		EMPTY,

		/** Hosts 1-5 names. */
		SMALL,

		/** A shared-hosting address with 100-300 names. */
		SHARED,

		/** The one address per /22 with {@value ReverseIpWorld#GIANT_DOMAIN_COUNT} names. */
		GIANT

	}

	private final long seed;

	private final long keyIn;

	private final long keyOut;

	/** A world fully determined by {@code seed}. */
	public ReverseIpWorld(long seed) {
		this.seed = seed;
		this.keyIn = hash(TAG_KEY_IN, 0);
		this.keyOut = hash(TAG_KEY_OUT, 0);
	}

	/** The seed this world was made from. */
	public long seed() {
		return this.seed;
	}

	/** The tier of {@code ipv4} (a dotted quad such as {@code "192.0.2.1"}). */
	public Tier tierOf(String ipv4) {
		return tierOf(ipv4(ipv4));
	}

	/** The tier of {@code ipv4}, an address as an unsigned 32-bit number held in an int. */
	public Tier tierOf(int ipv4) {
		int last = ipv4 & 0xFF;
		if (last == 0 || last == 0xFF) {
			return Tier.EMPTY;
		}
		if (ipv4 == giantOf(ipv4 >>> 10)) {
			return Tier.GIANT;
		}
		if (ipv4 == CANARY_ADDRESS) {
			return Tier.SMALL;
		}
		long roll = Long.remainderUnsigned(hash(TAG_TIER, unsigned(ipv4)), 1000);
		if (roll < 700) {
			return Tier.EMPTY;
		}
		return (roll < 985) ? Tier.SMALL : Tier.SHARED;
	}

	/** How many names {@code ipv4} hosts, without building them: the size of {@link #domainsOf(int)}. */
	public int domainCount(int ipv4) {
		long roll = hash(TAG_COUNT, unsigned(ipv4));
		return switch (tierOf(ipv4)) {
			case EMPTY -> 0;
			case SMALL -> 1 + (int) Long.remainderUnsigned(roll, 5);
			case SHARED -> 100 + (int) Long.remainderUnsigned(roll, 201);
			case GIANT -> GIANT_DOMAIN_COUNT;
		};
	}

	/** How many names {@code ipv4} (a dotted quad) hosts. */
	public int domainCount(String ipv4) {
		return domainCount(ipv4(ipv4));
	}

	/** The names hosted on {@code ipv4} (a dotted quad), clean and sorted; empty for most addresses. */
	public SortedSet<String> domainsOf(String ipv4) {
		return domainsOf(ipv4(ipv4));
	}

	/** The names hosted on {@code ipv4}, clean and sorted; empty for most addresses. */
	public SortedSet<String> domainsOf(int ipv4) {
		int count = domainCount(ipv4);
		TreeSet<String> names = new TreeSet<>();
		for (int index = 0; names.size() < count; index++) {
			String name = nameOf(ipv4, index);
			names.add(name);
			if (names.size() < count && hasWwwTwin(ipv4, index)) {
				names.add("www." + name);
			}
		}
		return Collections.unmodifiableSortedSet(names);
	}

	/**
	 * The IPv4 addresses {@code domain} resolves to now (A records), sorted numerically; empty when the name does not
	 * exist. Case and one trailing dot are ignored. A hosted name resolves to the address hosting it, sometimes along
	 * with a second one; for about one name in ten it resolves elsewhere only, so forward confirmation fails. The
	 * ISP names {@link #ptr} gives resolve back to their address.
	 */
	public List<String> forwardA(String domain) {
		String name = clean(domain);
		Integer isp = ispAddress(name);
		if (isp != null) {
			return List.of(ipv4(isp));
		}
		Hosted hosted = decode(name);
		if (hosted == null) {
			return List.of();
		}
		long roll = hash(TAG_FORWARD, mixInvertible(hosted.token() + (hosted.www() ? 1 : 0)));
		int delta = 1 + (int) Long.remainderUnsigned(roll >>> 8, 0xFFFF);
		int elsewhere = hosted.ipv4() ^ (delta << 8);
		long pick = Long.remainderUnsigned(roll, 20);
		if (pick < 2) {
			return List.of(ipv4(elsewhere));
		}
		if (pick == 2) {
			return (Integer.compareUnsigned(hosted.ipv4(), elsewhere) < 0)
					? List.of(ipv4(hosted.ipv4()), ipv4(elsewhere)) : List.of(ipv4(elsewhere), ipv4(hosted.ipv4()));
		}
		return List.of(ipv4(hosted.ipv4()));
	}

	/** Whether {@code domain}'s A records include {@code ipv4} now: forward confirmation as the notes define it. */
	public boolean forwardConfirms(String domain, String ipv4) {
		return forwardA(domain).contains(ipv4);
	}

	/**
	 * The PTR name of {@code ipv4} (a dotted quad), without trailing dot: usually the ISP's
	 * {@code host-a-b-c-d.isp.example}, for about one in five hosting addresses one of the hosted names, and nothing
	 * for {@code .0}, {@code .255} and about one in six addresses.
	 */
	public Optional<String> ptr(String ipv4) {
		return ptr(ipv4(ipv4));
	}

	/** The PTR name of {@code ipv4}; see {@link #ptr(String)}. */
	public Optional<String> ptr(int ipv4) {
		int last = ipv4 & 0xFF;
		long roll = Long.remainderUnsigned(hash(TAG_PTR, unsigned(ipv4)), 100);
		if (last == 0 || last == 0xFF || roll < 15) {
			return Optional.empty();
		}
		if (roll < 35 && domainCount(ipv4) > 0) {
			return Optional.of(nameOf(ipv4, 0));
		}
		return Optional.of(ispName(ipv4));
	}

	/**
	 * The first address of {@code tier} at or after {@code from} (a dotted quad), scanning at most 65,536 addresses.
	 * Tests use it to find a shared-hosting or giant address in their range.
	 * @throws IllegalStateException when none is found
	 */
	public String firstAddressOf(Tier tier, String from) {
		int start = ipv4(from);
		for (int step = 0; step < 65_536; step++) {
			int candidate = start + step;
			if (tierOf(candidate) == tier) {
				return ipv4(candidate);
			}
		}
		throw new IllegalStateException("No " + tier + " address within 65536 of " + from);
	}

	/** Every address from {@code first} to {@code last} (dotted quads, inclusive) that hosts at least one name. */
	public List<String> hostingAddresses(String first, String last) {
		long from = unsigned(ipv4(first));
		long to = unsigned(ipv4(last));
		if (to < from || to - from >= 1 << 20) {
			throw new IllegalArgumentException("need first <= last and at most 2^20 addresses: " + first + "-" + last);
		}
		List<String> hosting = new ArrayList<>();
		for (long address = from; address <= to; address++) {
			if (tierOf((int) address) != Tier.EMPTY) {
				hosting.add(ipv4((int) address));
			}
		}
		return hosting;
	}

	/**
	 * Parses a strict dotted quad (four decimal octets 0-255, no leading zeros, no spaces) to an unsigned 32-bit
	 * number held in an int.
	 * @throws IllegalArgumentException when {@code text} is not one
	 */
	public static int ipv4(String text) {
		Integer parsed = parseIpv4(text);
		if (parsed == null) {
			throw new IllegalArgumentException("not a dotted-quad IPv4 address: " + text);
		}
		return parsed;
	}

	/** Formats an unsigned 32-bit address held in an int as a dotted quad. */
	public static String ipv4(int address) {
		return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
				+ (address & 0xFF);
	}

	/** {@link #ipv4(String)}, or {@code null} for anything that is not a strict dotted quad. */
	static @Nullable Integer parseIpv4(@Nullable String text) {
		if (text == null || text.length() < 7 || text.length() > 15) {
			return null;
		}
		String[] parts = text.split("\\.", -1);
		if (parts.length != 4) {
			return null;
		}
		int address = 0;
		for (String part : parts) {
			if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
					|| !part.chars().allMatch((c) -> c >= '0' && c <= '9')) {
				return null;
			}
			int octet = Integer.parseInt(part);
			if (octet > 255) {
				return null;
			}
			address = (address << 8) | octet;
		}
		return address;
	}

	/** Lower case without one trailing dot: how DNS compares names. */
	static String clean(String domain) {
		String lower = domain.toLowerCase(Locale.ROOT);
		return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
	}

	private String nameOf(int ipv4, int index) {
		long token = tokenOf(ipv4, index);
		String[] shape = SHAPES[(int) Long.remainderUnsigned(hash(TAG_SHAPE, token), SHAPES.length)];
		return shape[0] + Long.toUnsignedString(token, 36) + shape[1];
	}

	private boolean hasWwwTwin(int ipv4, int index) {
		return Long.remainderUnsigned(hash(TAG_WWW, tokenOf(ipv4, index)), 10) == 0;
	}

	private long tokenOf(int ipv4, int index) {
		return mixInvertible((unsigned(ipv4) << 32 | (index & 0xFFFF_FFFFL)) ^ this.keyIn) ^ this.keyOut;
	}

	/** The hosting address and index {@code name} was made from, if it is hosted in this world. */
	private @Nullable Hosted decode(String name) {
		boolean www = name.startsWith("www.");
		String bare = www ? name.substring(4) : name;
		for (String[] shape : SHAPES) {
			if (!bare.startsWith(shape[0]) || !bare.endsWith(shape[1])
					|| bare.length() <= shape[0].length() + shape[1].length()) {
				continue;
			}
			String digits = bare.substring(shape[0].length(), bare.length() - shape[1].length());
			if (digits.length() > 13 || !digits.chars().allMatch(Character::isLetterOrDigit)) {
				return null;
			}
			long token;
			try {
				token = Long.parseUnsignedLong(digits, 36);
			}
			catch (NumberFormatException ex) {
				return null;
			}
			long plain = unmixInvertible(token ^ this.keyOut) ^ this.keyIn;
			int ipv4 = (int) (plain >>> 32);
			int index = (int) plain;
			if (index < 0 || !bare.equals(nameOf(ipv4, index)) || !isListed(ipv4, index, www)) {
				return null;
			}
			return new Hosted(ipv4, token, www);
		}
		return null;
	}

	/** Whether {@link #domainsOf(int)} holds name {@code index} (or its www twin), without building the names. */
	private boolean isListed(int ipv4, int index, boolean www) {
		int count = domainCount(ipv4);
		int listed = 0;
		for (int i = 0; listed < count; i++) {
			listed++;
			boolean twin = listed < count && hasWwwTwin(ipv4, i);
			if (i == index) {
				return !www || twin;
			}
			if (twin) {
				listed++;
			}
		}
		return false;
	}

	private @Nullable Integer ispAddress(String name) {
		String suffix = "." + PTR_DOMAIN;
		if (!name.startsWith("host-") || !name.endsWith(suffix)) {
			return null;
		}
		Integer address = parseIpv4(name.substring(5, name.length() - suffix.length()).replace('-', '.'));
		if (address == null || !ptr(address).map(name::equals).orElse(false)) {
			return null;
		}
		return address;
	}

	private static String ispName(int ipv4) {
		return "host-" + ipv4(ipv4).replace('.', '-') + "." + PTR_DOMAIN;
	}

	private int giantOf(int block22) {
		long roll = hash(TAG_GIANT, block22 & 0xFFFF_FFFFL);
		int slash24 = (int) (roll & 3);
		int host = 1 + (int) Long.remainderUnsigned(roll >>> 2, 254);
		return (block22 << 10) | (slash24 << 8) | host;
	}

	private long hash(long tag, long value) {
		return mix(mix(this.seed ^ (tag * GOLDEN)) + value * GOLDEN + tag);
	}

	private static long unsigned(int ipv4) {
		return ipv4 & 0xFFFF_FFFFL;
	}

	/** SplitMix64's finaliser: a good mix that is also a bijection on longs. */
	private static long mix(long value) {
		return mixInvertible(value);
	}

	private static long mixInvertible(long value) {
		long z = value;
		z = (z ^ (z >>> 30)) * MIX_1;
		z = (z ^ (z >>> 27)) * MIX_2;
		return z ^ (z >>> 31);
	}

	private static long unmixInvertible(long value) {
		long z = unshift(value, 31);
		z = unshift(z * MIX_2_INVERSE, 27);
		return unshift(z * MIX_1_INVERSE, 30);
	}

	private static long unshift(long value, int shift) {
		long z = value;
		for (int bits = shift; bits < 64; bits += shift) {
			z = value ^ (z >>> shift);
		}
		return z;
	}

	/** The multiplicative inverse of an odd number modulo 2^64, by Newton's iteration. */
	private static long inverse(long odd) {
		long inverse = odd;
		for (int i = 0; i < 6; i++) {
			inverse *= 2 - odd * inverse;
		}
		return inverse;
	}

	@Override
	public String toString() {
		return "ReverseIpWorld[seed=" + this.seed + "]";
	}

	private record Hosted(int ipv4, long token, boolean www) {
	}

}
