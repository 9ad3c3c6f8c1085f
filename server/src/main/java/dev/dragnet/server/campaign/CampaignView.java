package dev.dragnet.server.campaign;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A campaign with its progress, as {@code GET /api/campaigns[/{id}]} shows it.
 *
 * @param totalIps addresses the campaign covers
 * @param totalBlocks work blocks they were cut into
 * @param progress blocks and addresses by state, domains found, rate and estimated end
 */
public record CampaignView(long id, String name, CampaignState state, int blockSize, List<String> sources,
		boolean verify, long totalIps, int totalBlocks, Instant createdAt, @Nullable Instant startedAt,
		@Nullable Instant finishedAt, Progress progress) {

	/**
	 * How far a campaign got.
	 *
	 * @param blocks work blocks by state
	 * @param ips addresses by the state of their block
	 * @param domainsFound domains found so far
	 * @param ipsPerSecond addresses finished per second since the start, or null before any finished
	 * @param eta when the campaign should finish at that rate, or null when unknown
	 */
	public record Progress(ByState blocks, ByState ips, long domainsFound, @Nullable Double ipsPerSecond,
			@Nullable Instant eta) {
	}

	/** Counts by work-block state. */
	public record ByState(long pending, long leased, long done, long failed) {
	}
}
