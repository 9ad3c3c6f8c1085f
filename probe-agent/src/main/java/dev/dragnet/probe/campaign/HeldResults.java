package dev.dragnet.probe.campaign;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.dragnet.protocol.BlockResult;

/**
 * The results of finished blocks that the server has not acknowledged yet, by lease, in the order they were
 * finished. The agent keeps one for its whole life (like its {@link SourcePool}), so a result outlives the session
 * that sent it: it goes again after the next welcome, and whenever the server deferred it (its database was away)
 * and asks again. A result leaves only with an answer that settles it: stored, or refused for good.
 *
 * <p>Bounded by {@code maxResults} and by {@code maxBytes} (an estimate of their JSON size): when either is reached
 * the worker asks for no more blocks, but a result is never dropped to make room. The blocks running when the
 * bound is reached can still finish, so the store may exceed it by as many results as the worker has slots.
 */
public final class HeldResults {

	/** Results held before the worker stops asking for blocks. */
	public static final int MAX_RESULTS = 64;

	/** About this much result text held before the worker stops asking for blocks. */
	static final long MAX_BYTES = 16L * 1024 * 1024;

	private final int maxResults;

	private final long maxBytes;

	/** Guarded by {@code this}. */
	private final Map<String, Held> byLease = new LinkedHashMap<>();

	/** Guarded by {@code this}. */
	private long bytes;

	public HeldResults() {
		this(MAX_RESULTS, MAX_BYTES);
	}

	HeldResults(int maxResults, long maxBytes) {
		this.maxResults = maxResults;
		this.maxBytes = maxBytes;
	}

	/** A finished block's result, about to be sent: held until the server settles it. */
	synchronized void hold(BlockResult result) {
		long size = estimate(result);
		Held old = this.byLease.put(result.leaseId(), new Held(result, size, false, 0));
		this.bytes += size - ((old != null) ? old.bytes() : 0);
	}

	/** The server stored or refused the result for good: it goes. Returns whether it was held. */
	synchronized boolean settled(String leaseId) {
		Held gone = this.byLease.remove(leaseId);
		if (gone != null) {
			this.bytes -= gone.bytes();
		}
		return gone != null;
	}

	/**
	 * The server could not store the result now: it waits to be sent again. Returns how many times in a row it was
	 * deferred (1 the first time), or 0 when it is not held.
	 */
	synchronized int deferred(String leaseId) {
		Held held = this.byLease.get(leaseId);
		if (held == null) {
			return 0;
		}
		Held waiting = new Held(held.result(), held.bytes(), true, held.deferrals() + 1);
		this.byLease.put(leaseId, waiting);
		return waiting.deferrals();
	}

	/** The deferred results, to be sent again now; they count as sent (awaiting an answer) from here on. */
	synchronized List<BlockResult> takeDeferred() {
		List<BlockResult> due = new ArrayList<>();
		this.byLease.replaceAll((lease, held) -> {
			if (!held.deferred()) {
				return held;
			}
			due.add(held.result());
			return new Held(held.result(), held.bytes(), false, held.deferrals());
		});
		return due;
	}

	/** Every held result, to be sent again in a new session; all count as sent from here on. */
	synchronized List<BlockResult> takeAll() {
		List<BlockResult> all = new ArrayList<>();
		this.byLease.replaceAll((lease, held) -> {
			all.add(held.result());
			return new Held(held.result(), held.bytes(), false, held.deferrals());
		});
		return all;
	}

	/** The leases of the held results, oldest first. */
	synchronized List<String> leases() {
		return List.copyOf(this.byLease.keySet());
	}

	/** Whether the bound is reached: the worker takes no more blocks until results are settled. */
	synchronized boolean full() {
		return this.byLease.size() >= this.maxResults || this.bytes >= this.maxBytes;
	}

	synchronized int size() {
		return this.byLease.size();
	}

	/** About the length of the result's JSON text. */
	static long estimate(BlockResult result) {
		long size = 64 + result.leaseId().length();
		for (BlockResult.IpFinding finding : result.found()) {
			size += 24 + finding.ip().length();
			for (BlockResult.DomainFinding domain : finding.domains()) {
				size += 48 + domain.name().length();
				for (String source : domain.sources()) {
					size += 3 + source.length();
				}
			}
		}
		for (String ip : result.empty()) {
			size += 3 + ip.length();
		}
		return size;
	}

	/** A held result, its estimated size, whether it waits to be sent again, and how often it was deferred. */
	private record Held(BlockResult result, long bytes, boolean deferred, int deferrals) {
	}
}
