package dev.dragnet.probe.campaign;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.reverseip.NameServers;
import dev.dragnet.probe.reverseip.PtrLookup;
import dev.dragnet.probe.reverseip.SourceRunner;
import dev.dragnet.protocol.BlockAck;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.CampaignNotice;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.SourceList;
import dev.dragnet.protocol.WantBlocks;
import dev.dragnet.testbed.dns.FakeDnsServer;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A finished block's result is kept until the server settles it: sent again when the server deferred it (after the
 * wait it named, or on a campaign notice) and in the next session, dropped only when stored or refused for good; and
 * a probe whose held results reach their bound asks for no more blocks instead of dropping any.
 */
class CampaignWorkerHeldResultsTests {

	private static final ReverseIpWorld WORLD = new ReverseIpWorld(1313);

	private static final Ipv4Range RANGE = Blocks.range("192.0.2.0", 4, (range) -> Blocks.small(WORLD, range, 10));

	private static final long RETRY_AFTER = 10_000;

	private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

	private final PlainTextSite site = PlainTextSite.start(WORLD).unlimited();

	private final FakeDnsServer dns = FakeDnsServer.start(WORLD);

	private final NameServers nameServers = new NameServers(List.of(this.dns.address()));

	private final SourcePool pool = new SourcePool(new SourceRunner(true, new HostPacer(), "dragnet-test"),
			new PtrLookup(this.nameServers), this.clock);

	private final Blocks.Frames frames = new Blocks.Frames();

	private final SourceList sources = new SourceList(List.of(this.site.sourceDefinition().withPace(new Pace(0, 4))));

	@AfterEach
	void stop() {
		this.clock.dispose();
		this.nameServers.close();
		this.site.close();
		this.dns.close();
	}

	@Test
	void aDeferredResultIsSentAgainAfterTheWaitTheServerNamedUntilItIsStored() {
		CampaignWorker worker = worker(new HeldResults(), this.frames);
		worker.sources(this.sources);
		BlockLease lease = lease("deferred");
		Blocks.run(worker, lease);
		BlockResult result = this.frames.result(lease);

		worker.poll(Duration.ofMinutes(1))
			.as(StepVerifier::create)
			.expectSubscription()
			.then(() -> worker.ack(BlockAck.deferred(lease.leaseId(), "the database is away", RETRY_AFTER)))
			.then(() -> this.clock.advanceTimeBy(Duration.ofMillis(RETRY_AFTER - 1)))
			.then(() -> assertThat(results()).as("not before the wait is over").containsExactly(result))
			.then(() -> this.clock.advanceTimeBy(Duration.ofMillis(1)))
			.then(() -> assertThat(results()).as("sent again, unchanged").containsExactly(result, result))
			// still away: deferred again, and again sent after the wait
			.then(() -> worker.ack(BlockAck.deferred(lease.leaseId(), "the database is away", RETRY_AFTER)))
			.then(() -> this.clock.advanceTimeBy(Duration.ofMillis(RETRY_AFTER)))
			.then(() -> assertThat(results()).hasSize(3))
			// stored: never sent again
			.then(() -> worker.ack(new BlockAck(lease.leaseId(), true, null)))
			.then(() -> this.clock.advanceTimeBy(Duration.ofMinutes(5)))
			.then(() -> assertThat(results()).hasSize(3))
			.then(() -> assertThat(worker.heldLeases()).isEmpty())
			.thenCancel()
			.verify(Blocks.WAIT);
	}

	@Test
	void aCampaignNoticeSendsDeferredResultsAtOnceButNotOnesAwaitingTheirAnswer() {
		CampaignWorker worker = worker(new HeldResults(), this.frames);
		worker.sources(this.sources);
		BlockLease deferred = lease("deferred");
		BlockLease awaiting = lease("awaiting");
		Blocks.run(worker, deferred);
		Blocks.run(worker, awaiting);
		worker.ack(BlockAck.deferred(deferred.leaseId(), "the database is away", RETRY_AFTER));

		worker.notice(new CampaignNotice(1, CampaignNotice.STARTED));

		assertThat(results()).extracting(BlockResult::leaseId).containsExactly("deferred", "awaiting", "deferred");
	}

	@Test
	void aNewSessionNamesTheHeldResultsInItsHelloAndSendsThemAfterTheWelcome() {
		HeldResults held = new HeldResults();
		CampaignWorker first = worker(held, this.frames);
		first.sources(this.sources);
		BlockLease lease = lease("across-sessions");
		Blocks.run(first, lease);
		BlockResult result = this.frames.result(lease);
		// the session ends before any answer

		Blocks.Frames reconnected = new Blocks.Frames();
		CampaignWorker second = worker(held, reconnected);
		assertThat(second.heldLeases()).as("for the hello").containsExactly(lease.leaseId());
		second.welcomed();
		assertThat(reconnected.of(BlockResult.class)).containsExactly(result);

		second.ack(new BlockAck(lease.leaseId(), false, "not a current lease of this probe"));
		assertThat(second.heldLeases()).as("a refusal is final").isEmpty();
		second.welcomed();
		assertThat(reconnected.of(BlockResult.class)).hasSize(1);
	}

	@Test
	void atTheBoundTheWorkerAsksForNoMoreBlocksAndDropsNothing() {
		CampaignWorker worker = worker(new HeldResults(2, Long.MAX_VALUE), this.frames);
		worker.sources(this.sources);
		Blocks.run(worker, lease("one"));
		Blocks.run(worker, lease("two"));
		int asked = this.frames.of(WantBlocks.class).size();
		worker.ack(BlockAck.deferred("one", "the database is away", RETRY_AFTER));
		worker.ack(BlockAck.deferred("two", "the database is away", RETRY_AFTER));

		worker.notice(new CampaignNotice(1, CampaignNotice.STARTED));
		assertThat(this.frames.of(WantBlocks.class)).as("two results held: no new work").hasSize(asked);
		assertThat(worker.heldLeases()).containsExactly("one", "two");

		worker.ack(new BlockAck("one", true, null));
		assertThat(this.frames.of(WantBlocks.class)).as("room again: it asks").hasSize(asked + 1);
		assertThat(worker.heldLeases()).containsExactly("two");
	}

	@Test
	void theBoundCountsBytesToo() {
		HeldResults held = new HeldResults(100, 200);
		held.hold(new BlockResult("small", List.of(), List.of("192.0.2.1")));
		assertThat(held.full()).isFalse();
		held.hold(new BlockResult("large", List.of(new BlockResult.IpFinding("192.0.2.2",
				List.of(new BlockResult.DomainFinding("a-rather-long-name.example.test", List.of("hackertarget"), null)))),
				List.of()));
		assertThat(held.full()).isTrue();
		held.settled("large");
		assertThat(held.full()).isFalse();
	}

	private CampaignWorker worker(HeldResults held, Blocks.Frames sent) {
		return new CampaignWorker(this.pool, held, this.nameServers, Map.of(), sent, 2, 4,
				CampaignWorker.SUSPICIOUS_ZEROS, this.clock);
	}

	private List<BlockResult> results() {
		return this.frames.of(BlockResult.class);
	}

	private static BlockLease lease(String id) {
		return new BlockLease(id, 1, 1, Ipv4Range.format(RANGE.first()), Ipv4Range.format(RANGE.last()), List.of(),
				false, Duration.ofMinutes(5).toMillis());
	}
}
