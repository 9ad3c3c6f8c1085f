package dev.dragnet.server.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.dragnet.server.db.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Leases blocks to probes in groups ({@link GroupedWrites}): the {@code want-blocks} that arrive while a lease
 * statement runs go together into the next one ({@link BlockRepository#leaseAll(List, Duration)}), one statement at a
 * time, so a thousand probes asking at once cost a few statements, not a thousand waiting for connections. A group
 * holds at most {@value #MAX_GROUP} requests and one per probe (its count of held blocks is read once per statement);
 * a second request of a probe waits for the next statement. A statement that fails for any reason but an unavailable
 * database is tried again one request at a time, each with its own outcome.
 */
final class LeaseBatcher extends GroupedWrites<LeaseBatcher.Waiting> {

	private static final Logger logger = LoggerFactory.getLogger(LeaseBatcher.class);

	/** Most requests one statement serves. */
	static final int MAX_GROUP = 512;

	private final BlockRepository blocks;

	private final Duration duration;

	LeaseBatcher(BlockRepository blocks, Duration duration, int backlog) {
		super(1, backlog, ResultBatcher.DEADLINE);
		this.blocks = blocks;
		this.duration = duration;
	}

	/**
	 * Leases up to {@code wanted} pending blocks to {@code probe} (its session {@code session}), never taking it past
	 * {@code maxHeld} blocks at once; emits what it leased (maybe nothing). Errors with the statement's error, or
	 * with {@link GroupedWrites.Busy} when too many requests wait.
	 */
	Mono<List<BlockRepository.Leased>> lease(String probe, String session, int wanted, int maxHeld) {
		return Mono.defer(() -> {
			Waiting entry = new Waiting(new BlockRepository.Want(probe, session, wanted, maxHeld), Sinks.one());
			return offer(entry) ? entry.outcome.asMono() : Mono.error(new Busy(waiting()));
		});
	}

	@Override
	List<Waiting> take(Iterator<Waiting> waiting) {
		List<Waiting> group = new ArrayList<>();
		Set<String> probes = new HashSet<>();
		while (waiting.hasNext() && group.size() < MAX_GROUP) {
			Waiting next = waiting.next();
			if (probes.add(next.want.probe())) {
				waiting.remove();
				group.add(next);
			}
		}
		return group;
	}

	@Override
	Mono<Void> write(List<Waiting> group) {
		return this.blocks.leaseAll(group.stream().map(Waiting::want).toList(), this.duration)
			.doOnNext((leased) -> settle(group, leased))
			.then()
			.onErrorResume((ex) -> group.size() > 1 && !DatabaseFailures.isUnavailable(ex), (ex) -> {
				logger.warn("leasing blocks to {} probes in one statement failed ({}); leasing to them one by one",
						group.size(), ex.toString());
				return Flux.fromIterable(group)
					.concatMap((entry) -> this.blocks.leaseAll(List.of(entry.want), this.duration)
						.doOnNext((leased) -> settle(List.of(entry), leased))
						.then()
						.onErrorResume((error) -> {
							// Not dropped: the error goes to the request's caller.
							entry.outcome.tryEmitError(error);
							return Mono.empty();
						}))
					.then();
			});
	}

	@Override
	void failed(List<Waiting> group, Throwable error) {
		group.forEach((entry) -> entry.outcome.tryEmitError(error));
	}

	private static void settle(List<Waiting> group, Map<Integer, List<BlockRepository.Leased>> leased) {
		for (int i = 0; i < group.size(); i++) {
			group.get(i).outcome.tryEmitValue(leased.getOrDefault(i, List.of()));
		}
	}

	/** A request waiting for its statement, and where its leases go. */
	record Waiting(BlockRepository.Want want, Sinks.One<List<BlockRepository.Leased>> outcome) {
	}
}
