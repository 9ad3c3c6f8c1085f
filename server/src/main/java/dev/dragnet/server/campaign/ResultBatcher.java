package dev.dragnet.server.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import dev.dragnet.server.db.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Stores block results in groups ({@link GroupedWrites}): the results that arrive while earlier ones are being
 * written go together into one statement ({@link BlockRepository#storeAll(List)}). A group holds at most
 * {@code maxAddresses} addresses (a larger block goes alone), never two results of one lease and never two blocks
 * with an address in common (from overlapping campaigns), since one statement cannot upsert a row twice; a result
 * left out waits for the next statement.
 *
 * <p>Every guarantee of storing one block holds for each result of a group: it is stored only while its probe holds
 * its lease, a second copy stores nothing, and its caller hears the outcome only once the statement completed. A
 * statement that fails for any reason but an unavailable database is not held against the whole group: its results
 * are stored again one by one, each with its own outcome. After a group, and after its callers heard their
 * outcomes, {@code stored} is called with the campaigns it completed blocks of (to end those with nothing left).
 */
final class ResultBatcher extends GroupedWrites<ResultBatcher.Waiting> {

	private static final Logger logger = LoggerFactory.getLogger(ResultBatcher.class);

	/** Longest a group's statement (and the check of its campaigns' ends) may take. */
	static final Duration DEADLINE = Duration.ofSeconds(30);

	private final BlockRepository blocks;

	private final int maxAddresses;

	private final int backlog;

	private final Function<Set<Long>, Mono<Void>> stored;

	ResultBatcher(BlockRepository blocks, int maxAddresses, int concurrency, int backlog,
			Function<Set<Long>, Mono<Void>> stored) {
		super(concurrency, backlog, DEADLINE);
		this.blocks = blocks;
		this.maxAddresses = maxAddresses;
		this.backlog = backlog;
		this.stored = stored;
	}

	/**
	 * Stores the result of {@code block} from {@code probe}, with others. Emits the campaign id when stored,
	 * completes empty when the probe did not hold the lease (any more), errors with the statement's error, or with
	 * {@link GroupedWrites.Busy} when too many results wait.
	 */
	Mono<Long> store(String probe, BlockRepository.Leased block, BlockRepository.Findings findings) {
		return Mono.defer(() -> {
			Waiting entry = new Waiting(new BlockRepository.Result(probe, block.leaseId(), findings), block.first(),
					block.last(), Sinks.one());
			return offer(entry) ? entry.outcome.asMono() : Mono.error(new Busy(this.backlog));
		});
	}

	@Override
	List<Waiting> take(Iterator<Waiting> waiting) {
		return group(waiting, this.maxAddresses);
	}

	/**
	 * The next group from {@code waiting}, oldest first, removing what it takes: the first result, then each later
	 * one that keeps the group within {@code maxAddresses} addresses, has a lease not in it yet and no address in
	 * common with a block in it.
	 */
	static List<Waiting> group(Iterator<Waiting> waiting, long maxAddresses) {
		List<Waiting> group = new ArrayList<>();
		Set<String> leases = new HashSet<>();
		TreeMap<Long, Long> ranges = new TreeMap<>();
		long addresses = 0;
		while (waiting.hasNext() && addresses < maxAddresses) {
			Waiting next = waiting.next();
			long size = next.last - next.first + 1;
			if (!group.isEmpty() && (addresses + size > maxAddresses || leases.contains(next.result.leaseId())
					|| overlaps(ranges, next.first, next.last))) {
				continue; // left for a later statement
			}
			waiting.remove();
			group.add(next);
			leases.add(next.result.leaseId());
			ranges.put(next.first, next.last);
			addresses += size;
		}
		return group;
	}

	/** Whether {@code first}-{@code last} shares an address with one of {@code ranges} (disjoint, by first). */
	private static boolean overlaps(TreeMap<Long, Long> ranges, long first, long last) {
		Map.Entry<Long, Long> below = ranges.floorEntry(last);
		return below != null && below.getValue() >= first;
	}

	@Override
	Mono<Void> write(List<Waiting> group) {
		return this.blocks.storeAll(group.stream().map(Waiting::result).toList())
			.map((stored) -> settle(group, stored))
			.onErrorResume((ex) -> group.size() > 1 && !DatabaseFailures.isUnavailable(ex), (ex) -> {
				logger.warn("storing {} block results in one statement failed ({}); storing them one by one",
						group.size(), ex.toString());
				return oneByOne(group);
			})
			.flatMap((campaigns) -> campaigns.isEmpty() ? Mono.empty() : this.stored.apply(campaigns));
	}

	@Override
	void failed(List<Waiting> group, Throwable error) {
		group.forEach((entry) -> entry.outcome.tryEmitError(error));
	}

	/** Tells each result's caller its outcome; returns the campaigns that got blocks done. */
	private static Set<Long> settle(List<Waiting> group, Map<Integer, Long> stored) {
		Set<Long> campaigns = new LinkedHashSet<>();
		for (int i = 0; i < group.size(); i++) {
			Long campaign = stored.get(i);
			if (campaign != null) {
				campaigns.add(campaign);
				group.get(i).outcome.tryEmitValue(campaign);
			}
			else {
				group.get(i).outcome.tryEmitEmpty();
			}
		}
		return campaigns;
	}

	/** Each result in a statement of its own, its failure going to its own caller. */
	private Mono<Set<Long>> oneByOne(List<Waiting> group) {
		Set<Long> campaigns = new LinkedHashSet<>();
		return Flux.fromIterable(group)
			.concatMap((entry) -> this.blocks.storeAll(List.of(entry.result))
				.doOnNext((stored) -> campaigns.addAll(settle(List.of(entry), stored)))
				.then()
				.onErrorResume((ex) -> {
					// Not dropped: the error goes to the result's caller, who defers or reports it.
					entry.outcome.tryEmitError(ex);
					return Mono.empty();
				}))
			.then(Mono.fromCallable(() -> campaigns));
	}

	/** A result waiting for its statement, with the addresses of its block and where its outcome goes. */
	record Waiting(BlockRepository.Result result, long first, long last, Sinks.One<Long> outcome) {
	}
}
