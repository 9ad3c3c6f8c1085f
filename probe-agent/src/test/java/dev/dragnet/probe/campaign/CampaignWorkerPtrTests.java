package dev.dragnet.probe.campaign;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.reverseip.NameServers;
import dev.dragnet.probe.reverseip.SourceRunner;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.BlockResult.DomainFinding;
import dev.dragnet.protocol.BlockResult.IpFinding;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.SourceList;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.testbed.dns.FakeDnsServer;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in {@code ptr} source: a lease that names it is answered from PTR records, tagged {@code ptr}. */
class CampaignWorkerPtrTests {

	private static final ReverseIpWorld WORLD = new ReverseIpWorld(777);

	private static final Ipv4Range RANGE = Blocks.range("203.0.113.0", 16, (range) -> Blocks.small(WORLD, range, 10));

	private final PlainTextSite site = PlainTextSite.start(WORLD);

	private final FakeDnsServer dns = FakeDnsServer.start(WORLD);

	private final NameServers nameServers = new NameServers(List.of(this.dns.address()));

	private final Blocks.Frames frames = new Blocks.Frames();

	private final CampaignWorker worker = new CampaignWorker(new SourceRunner(true, new HostPacer(), "dragnet-test"),
			this.nameServers, Map.of(), this.frames, 1, 4);

	@AfterEach
	void stop() {
		this.nameServers.close();
		this.site.close();
		this.dns.close();
	}

	private BlockResult run(String id, List<String> sources, boolean verify) {
		this.worker.sources(new SourceList(List.of(SourceCatalogue.plainText(this.site.baseUrl())
			.withPace(new Pace(0, 4)))));
		BlockLease lease = Blocks.lease(id, RANGE, sources, verify);
		Blocks.run(this.worker, lease);
		return this.frames.result(lease);
	}

	/** Every address either found with exactly its PTR name, tagged ptr, or empty when it has none. */
	private static Map<String, DomainFinding> assertPtrAnswers(BlockResult result) {
		Map<String, DomainFinding> found = new HashMap<>();
		for (IpFinding finding : result.found()) {
			assertThat(finding.domains()).hasSize(1);
			found.put(finding.ip(), finding.domains().get(0));
		}
		for (long a = RANGE.first(); a <= RANGE.last(); a++) {
			String ip = Ipv4Range.format(a);
			Optional<String> ptr = WORLD.ptr(ip);
			if (ptr.isPresent()) {
				assertThat(found.get(ip)).as(ip).isNotNull();
				assertThat(found.get(ip).name()).as(ip).isEqualTo(ptr.get());
				assertThat(found.get(ip).sources()).containsExactly(SourceCatalogue.PTR);
			}
			else {
				assertThat(result.empty()).as(ip).contains(ip);
			}
		}
		assertThat(found).as("the range has PTR names").isNotEmpty();
		assertThat(result.empty()).as("and addresses without").isNotEmpty();
		return found;
	}

	@Test
	void aLeaseNamingPtrIsAnsweredFromPtrRecords() {
		assertPtrAnswers(run("ptr-only", List.of(SourceCatalogue.PTR), false));
		assertThat(this.site.requests()).as("the web source was not named").isEmpty();
		assertThat(this.dns.queries()).allSatisfy((query) -> assertThat(query.type()).isEqualTo("PTR"))
			.hasSize((int) RANGE.size());
	}

	@Test
	void ptrIsTheLastResortWhenTheWebSourceIsBlockedAndItsNamesAreVerifiedToo() {
		this.site.quota(0);
		Map<String, DomainFinding> found = assertPtrAnswers(run("fallback",
				List.of("hackertarget", SourceCatalogue.PTR), true));
		found.forEach((ip, domain) -> assertThat(domain.verified()).as(domain.name() + " on " + ip)
			.isEqualTo(WORLD.forwardConfirms(domain.name(), ip)));
		assertThat(this.site.requests()).as("the blocked source rests after its first refusals (4 at once)")
			.hasSizeBetween(1, 4);
	}

	@Test
	void ptrIsNotUsedUnlessNamed() {
		BlockResult result = run("default", List.of(), false);
		assertThat(result.found()).flatExtracting(IpFinding::domains).flatExtracting(DomainFinding::sources)
			.containsOnly("hackertarget");
		assertThat(this.dns.queries()).isEmpty();
	}

}
