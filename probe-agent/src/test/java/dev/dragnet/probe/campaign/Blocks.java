package dev.dragnet.probe.campaign;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.ProbeFrame;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helpers: a frame recorder standing in for the session, leases, ranges and the expected names. */
final class Blocks {

	static final Duration WAIT = Duration.ofSeconds(60);

	private Blocks() {
	}

	/** A lease of {@code range} naming {@code sources} (empty: every source). */
	static BlockLease lease(String id, Ipv4Range range, List<String> sources, boolean verify) {
		return new BlockLease(id, 1, 1, Ipv4Range.format(range.first()), Ipv4Range.format(range.last()), sources, verify,
				Duration.ofMinutes(5).toMillis());
	}

	/** Runs {@code lease} to its end on {@code worker}, within {@link #WAIT}. */
	static void run(CampaignWorker worker, BlockLease lease) {
		worker.run(lease).as(StepVerifier::create).expectComplete().verify(WAIT);
	}

	/** The first aligned range of {@code size} addresses from {@code from} on that {@code fits}. */
	static Ipv4Range range(String from, int size, Predicate<Ipv4Range> fits) {
		for (long start = Ipv4Range.address(from, "test"); ; start += size) {
			Ipv4Range candidate = new Ipv4Range(start, start + size - 1);
			if (fits.test(candidate)) {
				return candidate;
			}
		}
	}

	/** Whether no address of {@code range} hosts more than {@code most} names. */
	static boolean small(ReverseIpWorld world, Ipv4Range range, int most) {
		for (long a = range.first(); a <= range.last(); a++) {
			if (world.domainCount(Ipv4Range.format(a)) > most) {
				return false;
			}
		}
		return true;
	}

	/** The world's names as a probe reports them: a {@code www.} twin folds into its bare name. */
	static Set<String> expected(ReverseIpWorld world, String ip) {
		Set<String> names = new TreeSet<>(world.domainsOf(ip));
		names.removeIf((n) -> n.startsWith("www.") && names.contains(n.substring(4)));
		return names;
	}

	/** Records the frames a worker sends. */
	static final class Frames implements Consumer<ProbeFrame> {

		private final List<ProbeFrame> sent = new CopyOnWriteArrayList<>();

		@Override
		public void accept(ProbeFrame frame) {
			this.sent.add(frame);
		}

		<T extends ProbeFrame> List<T> of(Class<T> type) {
			return this.sent.stream().filter(type::isInstance).map(type::cast).toList();
		}

		/** The one result sent for {@code lease}. */
		BlockResult result(BlockLease lease) {
			List<BlockResult> results = of(BlockResult.class).stream()
				.filter((result) -> result.leaseId().equals(lease.leaseId()))
				.toList();
			assertThat(results).as("one result for " + lease.leaseId()).hasSize(1);
			return results.get(0);
		}

	}

}
