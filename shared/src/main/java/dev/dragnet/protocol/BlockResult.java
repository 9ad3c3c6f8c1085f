package dev.dragnet.protocol;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a probe found for every address of a leased block: each address is either in {@code found} (with its
 * domains) or in {@code empty} (checked, no domain). The server accepts it once, from the current lease
 * holder only, and answers {@link BlockAck}.
 *
 * @param leaseId the lease
 * @param found addresses with domains
 * @param empty addresses checked with no domain found
 */
public record BlockResult(String leaseId, List<IpFinding> found, List<String> empty) implements ProbeFrame {

	public BlockResult {
		found = List.copyOf(Objects.requireNonNull(found, "found is missing"));
		empty = List.copyOf(Objects.requireNonNull(empty, "empty is missing"));
	}

	/** One address and the domains found on it. */
	public record IpFinding(String ip, List<DomainFinding> domains) {
	}

	/**
	 * One domain on an address.
	 *
	 * @param name normalised domain name
	 * @param sources the sources that reported it
	 * @param verified for a verifying campaign: whether its A records include the address; null when not checked
	 */
	public record DomainFinding(String name, List<String> sources, @Nullable Boolean verified) {
	}
}
