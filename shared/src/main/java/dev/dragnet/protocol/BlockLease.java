package dev.dragnet.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A leased work block: resolve every address from {@code first} to {@code last} and answer one
 * {@link BlockResult}. {@link BlockProgress} frames extend the lease; when it expires the block goes to
 * another probe and a late result is refused.
 *
 * @param leaseId identifies this lease; results and progress must carry it
 * @param blockId the block
 * @param campaignId its campaign
 * @param first first address, dotted quad
 * @param last last address, dotted quad
 * @param sources source names to use, in order (empty: every source the probe has)
 * @param verify forward-resolve each domain found
 * @param leaseMillis how long the lease lasts from now unless extended
 */
public record BlockLease(String leaseId, long blockId, long campaignId, String first, String last, List<String> sources,
		boolean verify, long leaseMillis) implements ServerFrame {

	public BlockLease {
		sources = List.copyOf(Objects.requireNonNull(sources, "sources is missing"));
	}
}
