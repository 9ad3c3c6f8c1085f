package dev.dragnet.server.campaign;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.dragnet.net.Ipv4Range;
import org.springframework.stereotype.Component;

/**
 * The blocks each probe holds through this server instance, in memory, so a probe that goes away can be
 * told at once what it was doing, and a result's block (its addresses, for the coverage check) is known without
 * reading it back. The database stays the truth for leasing: whether the probe still holds the lease is decided by
 * the statement that stores the result. This mirrors what this instance leased, stored and gave back; a lease it
 * does not know (leased by another instance, or before a restart) is read from the database. Bounded:
 * {@code max-leases-per-probe} per connected probe.
 */
@Component
class HeldBlocks {

	private final Map<String, Map<String, BlockRepository.Leased>> byProbe = new ConcurrentHashMap<>();

	void leased(String probe, BlockRepository.Leased block) {
		this.byProbe.computeIfAbsent(probe, (p) -> new ConcurrentHashMap<>()).put(block.leaseId(), block);
	}

	/** The lease ended: its result was stored or refused, or it expired. */
	void ended(String probe, String leaseId) {
		this.byProbe.computeIfPresent(probe, (p, leases) -> {
			leases.remove(leaseId);
			return leases.isEmpty() ? null : leases;
		});
	}

	/** The probe went away and everything it held went back to the pool. */
	void forget(String probe) {
		this.byProbe.remove(probe);
	}

	/** What {@code probe} holds, sorted: {@code block 17 of campaign 3 (10.0.0.0 - 10.0.0.255)}. */
	List<String> of(String probe) {
		Map<String, BlockRepository.Leased> leases = this.byProbe.get(probe);
		return (leases != null) ? leases.values().stream().map(HeldBlocks::describe).sorted().toList() : List.of();
	}

	/** The block of {@code probe}'s lease {@code leaseId} as this instance leased it, if it did and it has not ended. */
	Optional<BlockRepository.Leased> lease(String probe, String leaseId) {
		Map<String, BlockRepository.Leased> leases = this.byProbe.get(probe);
		return Optional.ofNullable((leases != null) ? leases.get(leaseId) : null);
	}

	private static String describe(BlockRepository.Leased block) {
		return "block " + block.blockId() + " of campaign " + block.campaignId() + " ("
				+ Ipv4Range.format(block.first()) + " - " + Ipv4Range.format(block.last()) + ")";
	}
}
