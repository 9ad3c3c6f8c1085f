package dev.dragnet.server.testsupport;

import java.util.Set;
import java.util.TreeSet;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;

/** What the campaign end-to-end tests ask of the testbed's fake reverse-IP worlds. */
public final class CampaignWorlds {

	private CampaignWorlds() {
	}

	/**
	 * The first block of {@code size} addresses of 198.51.0.0/16 (aligned to its size) where every address has fewer
	 * than {@code fewerThan} names in each of {@code worlds}: no giant shared-hosting address, whose names would
	 * exceed a site's cap or make the test slow.
	 */
	public static Ipv4Range quietRange(int size, int fewerThan, ReverseIpWorld... worlds) {
		for (long start = Ipv4Range.address("198.51.0.0", "test"); ; start += size) {
			Ipv4Range candidate = new Ipv4Range(start, start + size - 1);
			if (quiet(candidate, fewerThan, worlds)) {
				return candidate;
			}
		}
	}

	private static boolean quiet(Ipv4Range range, int fewerThan, ReverseIpWorld[] worlds) {
		for (long a = range.first(); a <= range.last(); a++) {
			String ip = Ipv4Range.format(a);
			for (ReverseIpWorld world : worlds) {
				if (world.domainCount(ip) >= fewerThan) {
					return false;
				}
			}
		}
		return true;
	}

	/** The world's names at {@code ip} as a probe reports them: a {@code www.} twin folds into the bare name. */
	public static Set<String> reported(ReverseIpWorld world, String ip) {
		Set<String> names = new TreeSet<>(world.domainsOf(ip));
		names.removeIf((n) -> n.startsWith("www.") && names.contains(n.substring(4)));
		return names;
	}
}
