package dev.dragnet.server.campaign;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.dragnet.net.Ipv4Range;
import org.springframework.stereotype.Component;

/**
 * The blocks each probe holds through this server instance, in memory, so a probe that goes away can be
 * told at once what it was doing. The database stays the truth for leasing; this mirrors what this
 * instance leased, stored and gave back. Bounded: {@code max-leases-per-probe} per connected probe.
 */
@Component
class HeldBlocks {

	private final Map<String, Map<String, String>> byProbe = new ConcurrentHashMap<>();

	void leased(String probe, BlockRepository.Leased block) {
		this.byProbe.computeIfAbsent(probe, (p) -> new ConcurrentHashMap<>()).put(block.leaseId(), describe(block));
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
		Map<String, String> leases = this.byProbe.get(probe);
		return (leases != null) ? leases.values().stream().sorted().toList() : List.of();
	}

	private static String describe(BlockRepository.Leased block) {
		return "block " + block.blockId() + " of campaign " + block.campaignId() + " ("
				+ Ipv4Range.format(block.first()) + " - " + Ipv4Range.format(block.last()) + ")";
	}
}
