package dev.dragnet.probe.campaign;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.reverseip.NameServers;
import dev.dragnet.probe.reverseip.SourceRunner;
import dev.dragnet.protocol.BlockGiveUp;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.BlockResult.DomainFinding;
import dev.dragnet.protocol.BlockResult.IpFinding;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.SourceList;
import dev.dragnet.protocol.WantBlocks;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.testbed.dns.FakeDnsServer;
import dev.dragnet.testbed.reverseip.PassiveDnsSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The keyed passive-DNS source: each probe's own key, NDJSON answers, a refused key and a spent quota. */
class CampaignWorkerPassiveDnsTests {

	private static final ReverseIpWorld WORLD = new ReverseIpWorld(8086);

	private static final String KEY = "probe-key-1";

	private static final Ipv4Range RANGE = Blocks.range("198.51.100.0", 16, (range) -> Blocks.small(WORLD, range, 10)
			&& WORLD.hostingAddresses(Ipv4Range.format(range.first()), Ipv4Range.format(range.last())).size() >= 5);

	private final PassiveDnsSite site = PassiveDnsSite.start(WORLD, KEY);

	private final FakeDnsServer dns = FakeDnsServer.start(WORLD);

	private final NameServers nameServers = new NameServers(List.of(this.dns.address()));

	private final Blocks.Frames frames = new Blocks.Frames();

	@AfterEach
	void stop() {
		this.nameServers.close();
		this.site.close();
		this.dns.close();
	}

	private CampaignWorker worker(Map<String, String> keys) {
		CampaignWorker worker = new CampaignWorker(new SourceRunner(true, new HostPacer(), "dragnet-test"),
				this.nameServers, keys, this.frames, 1, 4);
		// As deployed: passive DNS does not ban silently, so its definition has no canary.
		worker.sources(new SourceList(List.of(SourceCatalogue.passiveDns(this.site.baseUrl()).withPace(new Pace(0, 4)))));
		return worker;
	}

	private BlockLease run(CampaignWorker worker, String id, List<String> sources) {
		BlockLease lease = Blocks.lease(id, RANGE, sources, false);
		Blocks.run(worker, lease);
		return lease;
	}

	/** Which source answered each address with names. */
	private static Map<String, String> answeredBy(BlockResult result) {
		Map<String, String> by = new HashMap<>();
		for (IpFinding finding : result.found()) {
			by.put(finding.ip(), finding.domains().get(0).sources().get(0));
		}
		return by;
	}

	@Test
	void theProbesKeyOpensTheStreamAndTheNamesAreTheWorlds() {
		BlockLease lease = run(worker(Map.of("dnsdb", KEY)), "keyed", List.of());
		BlockResult result = this.frames.result(lease);
		for (IpFinding finding : result.found()) {
			assertThat(finding.domains()).extracting(DomainFinding::name).as(finding.ip())
				.containsExactlyInAnyOrderElementsOf(Blocks.expected(WORLD, finding.ip()));
		}
		assertThat(result.found()).hasSize(
				WORLD.hostingAddresses(Ipv4Range.format(RANGE.first()), Ipv4Range.format(RANGE.last())).size());
		assertThat(answeredBy(result).values()).containsOnly("dnsdb");
		assertThat(this.site.requests()).hasSize((int) RANGE.size())
			.allSatisfy((request) -> assertThat(request.header(PassiveDnsSite.KEY_HEADER)).isEqualTo(KEY));
	}

	@Test
	void aProbeWithoutAKeyDoesNotUseTheSource() {
		CampaignWorker worker = worker(Map.of());
		assertThat(this.frames.of(WantBlocks.class)).as("no source it can use: it asks for no work").isEmpty();
		BlockLease lease = run(worker, "keyless", List.of("dnsdb"));
		assertThat(this.frames.of(BlockGiveUp.class)).singleElement()
			.satisfies((giveUp) -> assertThat(giveUp.reason()).contains("names no source this probe has"));
		assertThat(this.site.requests()).isEmpty();
		assertThat(this.frames.of(BlockResult.class)).isEmpty();
		assertThat(lease).isNotNull();
	}

	@Test
	void aRefusedKeyRestsTheSourceAndTheNextOneAnswers() {
		BlockLease lease = run(worker(Map.of("dnsdb", "expired-key")), "refused", List.of("dnsdb", SourceCatalogue.PTR));
		BlockResult result = this.frames.result(lease);
		assertThat(answeredBy(result).values()).containsOnly(SourceCatalogue.PTR);
		assertThat(this.site.requests()).as("at most the first requests in flight at once").hasSizeBetween(1, 4);
	}

	@Test
	void aSpentQuotaIsA429ThatRestsTheSourceForItsRetryAfter() {
		this.site.quota(3);
		BlockLease lease = run(worker(Map.of("dnsdb", KEY)), "quota", List.of("dnsdb", SourceCatalogue.PTR));
		BlockResult result = this.frames.result(lease);
		assertThat(this.site.requests()).as("three answered, then 429s only for those already in flight")
			.hasSizeBetween(4, 7);
		assertThat(result.found().size() + result.empty().size()).isEqualTo((int) RANGE.size());
		assertThat(answeredBy(result).values()).contains(SourceCatalogue.PTR);
	}

}
