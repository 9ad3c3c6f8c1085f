package dev.dragnet.probe.campaign;

import java.util.List;
import java.util.Map;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.reverseip.NameServers;
import dev.dragnet.probe.reverseip.SourceRunner;
import dev.dragnet.protocol.BlockGiveUp;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.SourceList;
import dev.dragnet.protocol.WantBlocks;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.testbed.dns.FakeDnsServer;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A block no source can answer is handed back with a {@code block-give-up}, and a resting probe asks for no more. */
class CampaignWorkerGiveUpTests {

	private static final ReverseIpWorld WORLD = new ReverseIpWorld(99);

	private static final Ipv4Range RANGE = Blocks.range("192.0.2.0", 16, (range) -> Blocks.small(WORLD, range, 10));

	private final PlainTextSite site = PlainTextSite.start(WORLD);

	private final FakeDnsServer dns = FakeDnsServer.start(WORLD);

	private final NameServers nameServers = new NameServers(List.of(this.dns.address()));

	private final Blocks.Frames frames = new Blocks.Frames();

	private final CampaignWorker worker = new CampaignWorker(new SourceRunner(true, new HostPacer(), "dragnet-test"),
			this.nameServers, Map.of(), this.frames, 2, 4);

	@AfterEach
	void stop() {
		this.nameServers.close();
		this.site.close();
		this.dns.close();
	}

	@Test
	void aBlockWhoseOnlySourceRestsIsGivenUpAndNoMoreWorkIsAskedFor() {
		this.site.quota(0);
		this.worker.sources(new SourceList(List.of(this.site.sourceDefinition().withPace(new Pace(0, 4)))));
		assertThat(this.frames.of(WantBlocks.class)).containsExactly(new WantBlocks(2));
		BlockLease lease = Blocks.lease("resting", RANGE, List.of(), false);
		Blocks.run(this.worker, lease);
		assertThat(this.frames.of(BlockResult.class)).isEmpty();
		assertThat(this.frames.of(BlockGiveUp.class)).singleElement().satisfies((giveUp) -> {
			assertThat(giveUp.leaseId()).isEqualTo(lease.leaseId());
			assertThat(giveUp.reason()).startsWith("no source could answer for ").contains("hackertarget (resting");
		});
		assertThat(this.frames.of(WantBlocks.class)).as("its only source rests: no new work").hasSize(1);
	}

	@Test
	void withPtrToFallBackOnAProbeWhoseSourcesRestKeepsTakingWork() {
		this.site.quota(0);
		this.worker.sources(new SourceList(List.of(this.site.sourceDefinition().withPace(new Pace(0, 4)))));
		BlockLease lease = Blocks.lease("ptr-saves", RANGE, List.of("hackertarget", SourceCatalogue.PTR), false);
		Blocks.run(this.worker, lease);
		assertThat(this.frames.result(lease).found()).isNotEmpty();
		assertThat(this.frames.of(BlockGiveUp.class)).isEmpty();
		assertThat(this.frames.of(WantBlocks.class)).as("its only definition rests, but nothing was given up")
			.hasSize(2);
	}

	@Test
	void aBlockWithAnAnsweringSourceIsNotGivenUp() {
		this.worker.sources(new SourceList(List.of(this.site.sourceDefinition().withPace(new Pace(0, 4)))));
		BlockLease lease = Blocks.lease("answered", RANGE, List.of(), false);
		Blocks.run(this.worker, lease);
		assertThat(this.frames.result(lease).empty().size() + this.frames.result(lease).found().size())
			.isEqualTo((int) RANGE.size());
		assertThat(this.frames.of(BlockGiveUp.class)).isEmpty();
		assertThat(this.frames.of(WantBlocks.class)).as("asks again once the block is done").hasSize(2);
	}

}
