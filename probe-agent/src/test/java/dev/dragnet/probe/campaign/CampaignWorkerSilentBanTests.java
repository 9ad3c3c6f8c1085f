package dev.dragnet.probe.campaign;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
import dev.dragnet.testbed.dns.FakeDnsServer;
import dev.dragnet.testbed.reverseip.ChineseListSite;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import dev.dragnet.testbed.reverseip.SiteRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * B5 in the worker: the ip138-style site bans silently (normal pages, zero rows, past its quota). Its zeros are
 * trusted only after a canary with names; after a ban they are asked again elsewhere, never reported as empty.
 */
class CampaignWorkerSilentBanTests {

	private static final ReverseIpWorld WORLD = new ReverseIpWorld(5150);

	/** Three zeros in a row make the worker suspicious here (the default is higher). */
	private static final int SUSPICIOUS = 3;

	/** A /28 of small addresses, hosting and empty ones mixed. */
	private static final Ipv4Range RANGE = Blocks.range("198.51.100.0", 16, (range) -> Blocks.small(WORLD, range, 10)
			&& hosting(range) >= 4 && hosting(range) <= 12);

	private static final String CANARY_PATH = "/" + ReverseIpWorld.CANARY + "/";

	private final ChineseListSite list = ChineseListSite.start(WORLD);

	private final PlainTextSite plain = PlainTextSite.start(WORLD);

	private final FakeDnsServer dns = FakeDnsServer.start(WORLD);

	private final NameServers nameServers = new NameServers(List.of(this.dns.address()));

	private final Blocks.Frames frames = new Blocks.Frames();

	private final CampaignWorker worker = new CampaignWorker(new SourceRunner(true, new HostPacer(), "dragnet-test"),
			this.nameServers, Map.of(), this.frames, 1, 4, SUSPICIOUS, Schedulers.parallel());

	@AfterEach
	void stop() {
		this.nameServers.close();
		this.list.close();
		this.plain.close();
		this.dns.close();
	}

	private static int hosting(Ipv4Range range) {
		return WORLD.hostingAddresses(Ipv4Range.format(range.first()), Ipv4Range.format(range.last())).size();
	}

	private BlockLease run(String id, List<String> sources) {
		this.worker.sources(new SourceList(List.of(this.list.sourceDefinition().withPace(new Pace(0, 4)),
				this.plain.sourceDefinition().withPace(new Pace(0, 4)))));
		BlockLease lease = Blocks.lease(id, RANGE, sources, false);
		Blocks.run(this.worker, lease);
		return lease;
	}

	/** The result equals the world address by address; the source each address was answered by. */
	private static Map<String, String> assertEqualsTheWorld(BlockResult result) {
		Map<String, String> answeredBy = new HashMap<>();
		for (IpFinding finding : result.found()) {
			assertThat(finding.domains()).extracting(DomainFinding::name).as(finding.ip())
				.containsExactlyInAnyOrderElementsOf(Blocks.expected(WORLD, finding.ip()));
			answeredBy.put(finding.ip(), finding.domains().get(0).sources().get(0));
		}
		for (long a = RANGE.first(); a <= RANGE.last(); a++) {
			String ip = Ipv4Range.format(a);
			if (Blocks.expected(WORLD, ip).isEmpty()) {
				assertThat(result.empty()).as(ip).contains(ip);
			}
			else {
				assertThat(answeredBy).as(ip + " hosts names; it must not be reported empty").containsKey(ip);
			}
		}
		return answeredBy;
	}

	private List<SiteRequest> canaryRequests() {
		return this.list.requests().stream().filter((request) -> request.path().equals(CANARY_PATH)).toList();
	}

	@Test
	void zerosOfAnUnbannedSourceAreKeptOnceItsCanaryShowsNames() {
		BlockLease lease = run("trusted", List.of("ip138", "hackertarget"));
		Map<String, String> answeredBy = assertEqualsTheWorld(this.frames.result(lease));
		assertThat(answeredBy.values()).containsOnly("ip138");
		assertThat(canaryRequests()).as("at least the check at the end of the pass").isNotEmpty();
		assertThat(this.plain.requests()).isEmpty();
	}

	@Test
	void aSilentBanRestsTheSourceAndItsZerosAreAskedAgainElsewhere() {
		this.list.quota(5);
		BlockLease lease = run("banned", List.of("ip138", "hackertarget"));
		Map<String, String> answeredBy = assertEqualsTheWorld(this.frames.result(lease));
		assertThat(answeredBy.values()).as("answered before and after the ban").contains("ip138", "hackertarget");
		assertThat(canaryRequests()).isNotEmpty();
		assertThat(this.list.requests()).as("the banned source rests once its canary shows nothing")
			.hasSizeLessThan((int) RANGE.size());
		Set<String> askedElsewhere = Set.copyOf(this.plain.requests().stream()
			.map((request) -> request.uri().substring(request.uri().indexOf("q=") + 2))
			.toList());
		assertThat(askedElsewhere).as("every address answered after the ban went to the other source")
			.containsAll(answeredBy.entrySet().stream().filter((e) -> e.getValue().equals("hackertarget"))
				.map(Map.Entry::getKey).toList());
	}

	@Test
	void zerosGivenBeforeAnOpenRefusalStandAndAreNotAskedAgain() {
		this.plain.quota(8);
		BlockLease lease = run("open", List.of("hackertarget", dev.dragnet.protocol.source.SourceCatalogue.PTR));
		assertThat(this.frames.result(lease).found().size() + this.frames.result(lease).empty().size())
			.isEqualTo((int) RANGE.size());
		List<String> answeredByPlain = this.plain.requests().stream().limit(8)
			.map((request) -> request.uri().substring(request.uri().indexOf("q=") + 2))
			.filter((ip) -> !ip.equals(ReverseIpWorld.CANARY))
			.toList();
		List<String> askedOfPtr = this.dns.queries().stream().filter((query) -> query.type().equals("PTR"))
			.map((query) -> query.name())
			.toList();
		assertThat(answeredByPlain).isNotEmpty();
		for (String ip : answeredByPlain) {
			String[] octets = ip.split("\\.");
			String reverse = octets[3] + "." + octets[2] + "." + octets[1] + "." + octets[0] + ".in-addr.arpa.";
			assertThat(askedOfPtr).as(ip + " was answered before the quota text; it is not asked again")
				.doesNotContain(reverse);
		}
		assertThat(askedOfPtr).doesNotHaveDuplicates();
	}

	@Test
	void zerosFromABannedSourceWithNoOtherSourceAreNeverReported() {
		this.list.quota(3);
		BlockLease lease = Blocks.lease("alone", RANGE, List.of("ip138"), false);
		this.worker.sources(new SourceList(List.of(this.list.sourceDefinition().withPace(new Pace(0, 4)))));
		this.worker.run(lease).as(reactor.test.StepVerifier::create).expectComplete().verify(Duration.ofSeconds(60));
		assertThat(this.frames.of(BlockResult.class)).as("no result: the zeros cannot be trusted").isEmpty();
		assertThat(this.frames.of(BlockGiveUp.class)).singleElement().satisfies((giveUp) -> {
			assertThat(giveUp.leaseId()).isEqualTo(lease.leaseId());
			assertThat(giveUp.reason()).contains("ip138");
		});
		assertThat(canaryRequests()).isNotEmpty();
	}

}
