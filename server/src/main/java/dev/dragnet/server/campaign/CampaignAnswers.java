package dev.dragnet.server.campaign;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.dragnet.net.DomainNames;
import dev.dragnet.net.InvalidDomainException;
import dev.dragnet.protocol.BlockResult;
import org.jspecify.annotations.Nullable;

/**
 * How two probes' answers for one address are compared in a campaign spot check. Names are normalised (case, a
 * trailing dot, a {@code *.} wildcard, and a {@code www.} twin folded into its bare name), then compared as sets with
 * some slack: reverse-IP sites are not perfectly deterministic (a name added or dropped between two lookups, a cut
 * list), so two answers agree when they share at least {@value #MIN_OVERLAP_PERCENT}% of the names either gave. An
 * answer of "none" agrees only with another "none". Answers are only ever compared source with source.
 */
final class CampaignAnswers {

	/** Share of the names in either answer that both must hold, in percent, for the answers to agree. */
	static final int MIN_OVERLAP_PERCENT = 80;

	private CampaignAnswers() {
	}

	/** Whether two answers for one address at one source agree. */
	static boolean agree(Set<String> one, Set<String> other) {
		if (one.isEmpty() || other.isEmpty()) {
			return one.isEmpty() && other.isEmpty();
		}
		int common = 0;
		for (String name : one) {
			if (other.contains(name)) {
				common++;
			}
		}
		int either = one.size() + other.size() - common;
		return common * 100L >= (long) either * MIN_OVERLAP_PERCENT;
	}

	/**
	 * The names of {@code domains} as compared: only those {@code source} reported, or all when {@code source} is
	 * null; names that are no domain names are left out.
	 */
	static Set<String> names(List<BlockResult.DomainFinding> domains, @Nullable String source) {
		Set<String> names = new HashSet<>();
		for (BlockResult.DomainFinding domain : domains) {
			if (source != null && !domain.sources().contains(source)) {
				continue;
			}
			String name = comparable(domain.name());
			if (name != null) {
				names.add(name);
			}
		}
		return names;
	}

	/** One name as compared, or null when it is no domain name. */
	static @Nullable String comparable(String name) {
		String bare = name.startsWith("*.") ? name.substring(2) : name;
		try {
			String normalised = DomainNames.normalise(bare);
			return normalised.startsWith("www.") ? normalised.substring(4) : normalised;
		}
		catch (InvalidDomainException ex) {
			return null;
		}
	}
}
