package dev.dragnet.probe.campaign;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.reverseip.NameServers;
import dev.dragnet.probe.reverseip.PtrLookup;
import dev.dragnet.probe.reverseip.SourceRunner;
import dev.dragnet.protocol.BlockGiveUp;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockProgress;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.SourceList;
import dev.dragnet.protocol.SourceRests;
import dev.dragnet.protocol.WantBlocks;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.testbed.dns.FakeDnsServer;
import dev.dragnet.testbed.reverseip.Blocking;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source's rest is waited out when it ends within the lease, with progress keeping the lease alive; a longer one
 * makes the worker give the block up with the time the source rests (no attempt lost), stay quiet until then, and
 * ask again when the rest ends or the definition changes. Rests are timed on virtual time; the site is real.
 */
class CampaignWorkerRestTests {

	private static final ReverseIpWorld WORLD = new ReverseIpWorld(4242);

	/** Two small addresses: the second lookup is the one the site throttles. */
	private static final Ipv4Range RANGE = Blocks.range("192.0.2.0", 2, (range) -> Blocks.small(WORLD, range, 10));

	private static final Duration LEASE = Duration.ofMinutes(5);

	private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

	private final PlainTextSite site = PlainTextSite.start(WORLD);

	private final FakeDnsServer dns = FakeDnsServer.start(WORLD);

	private final NameServers nameServers = new NameServers(List.of(this.dns.address()));

	private final Blocks.Frames frames = new Blocks.Frames();

	private final CampaignWorker worker = new CampaignWorker(new SourceRunner(true, new HostPacer(), "dragnet-test"),
			this.nameServers, Map.of(), this.frames, 1, 1, CampaignWorker.SUSPICIOUS_ZEROS, this.clock);

	private final SourceDefinition plain = this.site.sourceDefinition().withPace(new Pace(0, 1));

	@AfterEach
	void stop() {
		this.clock.dispose();
		this.nameServers.close();
		this.site.close();
		this.dns.close();
	}

	@Test
	void aRestShorterThanTheLeaseIsWaitedOutWithProgressKeepingTheLease() {
		this.site.behaviour(Blocking.throttleEvery(2, Duration.ofMinutes(2)));
		this.worker.sources(new SourceList(List.of(this.plain)));
		BlockLease lease = lease("short-rest");
		this.worker.run(lease)
			.as(StepVerifier::create)
			.expectSubscription()
			.then(this::awaitRest)
			.then(() -> this.clock.advanceTimeBy(Duration.ofSeconds(119)))
			.then(() -> assertThat(this.frames.of(BlockResult.class)).as("still waiting for the source").isEmpty())
			// The rest is reported as it begins; the worker may arm its wait a moment later, on the time already
			// advanced. Step on, still well inside the lease, until the wait ends.
			.then(this::advanceUntilAnswered)
			.expectComplete()
			.verify(Blocks.WAIT);
		BlockResult result = this.frames.result(lease);
		assertThat(result.found().size() + result.empty().size()).as("both addresses answered").isEqualTo(2);
		assertThat(this.frames.of(BlockGiveUp.class)).isEmpty();
		assertThat(this.frames.of(BlockProgress.class)).as("progress every 10 s kept the lease alive while waiting")
			.hasSizeGreaterThanOrEqualTo(11);
	}

	@Test
	void aRestLongerThanTheLeaseGivesTheBlockUpWithItsLengthAndTheWorkerAsksAgainWhenItEnds() {
		this.site.behaviour(Blocking.throttleEvery(2, Duration.ofHours(1)));
		this.worker.sources(new SourceList(List.of(this.plain)));
		BlockLease lease = lease("long-rest");
		this.worker.run(lease).as(StepVerifier::create).expectComplete().verify(Blocks.WAIT);
		assertThat(this.frames.of(BlockResult.class)).isEmpty();
		assertThat(this.frames.of(BlockGiveUp.class)).singleElement().satisfies((giveUp) -> {
			assertThat(giveUp.leaseId()).isEqualTo(lease.leaseId());
			assertThat(giveUp.restingMillis()).as("the rest it waits for, not an attempt")
				.isBetween(Duration.ofMinutes(59).toMillis(), Duration.ofHours(1).toMillis());
		});
		int asked = this.frames.of(WantBlocks.class).size();
		this.worker.poll(Duration.ofSeconds(15)).as(StepVerifier::create)
			.expectSubscription()
			.then(() -> this.clock.advanceTimeBy(Duration.ofMinutes(59)))
			.then(() -> assertThat(this.frames.of(WantBlocks.class)).as("quiet while its only source rests")
				.hasSize(asked))
			.then(() -> this.clock.advanceTimeBy(Duration.ofMinutes(1)))
			.then(() -> assertThat(this.frames.of(WantBlocks.class)).as("asks once the rest is over")
				.hasSizeGreaterThan(asked))
			.thenCancel()
			.verify(Blocks.WAIT);
	}

	@Test
	void aNewVersionOfTheDefinitionEndsItsRest() {
		this.site.behaviour(Blocking.throttleEvery(2, Duration.ofHours(1)));
		this.worker.sources(new SourceList(List.of(this.plain)));
		this.worker.run(lease("before-the-fix")).as(StepVerifier::create).expectComplete().verify(Blocks.WAIT);
		assertThat(lastReport().restingMillis()).isPositive();
		assertThat(lastReport().verdict()).isEqualTo("THROTTLED");
		int asked = this.frames.of(WantBlocks.class).size();

		this.worker.sources(new SourceList(List.of(this.plain)));
		assertThat(this.frames.of(WantBlocks.class)).as("the same definition again: it still rests").hasSize(asked);

		SourceDefinition fixed = this.plain.withPace(new Pace(0, 2));
		this.worker.sources(new SourceList(List.of(fixed)));
		assertThat(lastReport().restingMillis()).as("a changed definition ends the rest").isZero();
		assertThat(this.frames.of(WantBlocks.class)).as("and the worker asks for work at once").hasSize(asked + 1);
	}

	@Test
	void aNewSessionOfTheProbeStillKnowsWhichSourcesRest() {
		SourcePool pool = new SourcePool(new SourceRunner(true, new HostPacer(), "dragnet-test"),
				new PtrLookup(this.nameServers), this.clock);
		this.site.behaviour(Blocking.throttleEvery(2, Duration.ofHours(1)));
		CampaignWorker first = new CampaignWorker(pool, this.nameServers, Map.of(), this.frames, 1, 1);
		first.sources(new SourceList(List.of(this.plain)));
		first.run(lease("first-session")).as(StepVerifier::create).expectComplete().verify(Blocks.WAIT);
		assertThat(this.frames.of(BlockGiveUp.class)).hasSize(1);

		Blocks.Frames reconnected = new Blocks.Frames();
		CampaignWorker second = new CampaignWorker(pool, this.nameServers, Map.of(), reconnected, 1, 1);
		second.sources(new SourceList(List.of(this.plain)));
		assertThat(reconnected.of(SourceRests.class)).singleElement().satisfies((report) -> {
			assertThat(report.sources()).singleElement().satisfies((rest) -> {
				assertThat(rest.source()).isEqualTo(this.plain.name());
				assertThat(rest.restingMillis()).as("the rest outlives the session").isPositive();
			});
		});
	}

	@Test
	void progressComesThreeTimesPerLeaseAndAtMostEveryTenSeconds() {
		assertThat(CampaignWorker.progressEvery(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(10));
		assertThat(CampaignWorker.progressEvery(Duration.ofSeconds(8))).isEqualTo(Duration.ofSeconds(8).dividedBy(3));
		assertThat(CampaignWorker.progressEvery(Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(200));
	}

	private BlockLease lease(String id) {
		return new BlockLease(id, 1, 1, Ipv4Range.format(RANGE.first()), Ipv4Range.format(RANGE.last()), List.of(),
				false, LEASE.toMillis());
	}

	/** Waits (in real time) until the throttle has made the source rest. */
	private void advanceUntilAnswered() {
		for (int second = 0; second < 150 && this.frames.of(BlockResult.class).isEmpty(); second++) {
			this.clock.advanceTimeBy(Duration.ofSeconds(1));
			pause();
		}
	}

	private static void pause() {
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private void awaitRest() {
		long deadline = System.nanoTime() + Blocks.WAIT.toNanos();
		while (this.frames.of(SourceRests.class).isEmpty() || lastReport().restingMillis() == 0) {
			assertThat(System.nanoTime()).as("the source never rested").isLessThan(deadline);
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	private SourceRests.Rest lastReport() {
		List<SourceRests> reports = this.frames.of(SourceRests.class);
		return reports.get(reports.size() - 1).sources().get(0);
	}

}
