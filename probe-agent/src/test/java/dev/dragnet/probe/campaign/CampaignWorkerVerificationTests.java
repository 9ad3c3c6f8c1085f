package dev.dragnet.probe.campaign;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

/** Forward verification of what a block found, through the probe's name servers (a {@link FakeDnsServer}). */
class CampaignWorkerVerificationTests {

	private static final ReverseIpWorld WORLD = new ReverseIpWorld(424242);

	/** A /28 of small addresses where some names confirm and some do not. */
	private static final Ipv4Range RANGE = Blocks.range("198.51.100.0", 16, (range) -> Blocks.small(WORLD, range, 10)
			&& mixed(range));

	private final PlainTextSite site = PlainTextSite.start(WORLD);

	private final FakeDnsServer dns = FakeDnsServer.start(WORLD);

	private final SourceRunner runner = new SourceRunner(true, new HostPacer(), "dragnet-test");

	private final Blocks.Frames frames = new Blocks.Frames();

	@AfterEach
	void stop() {
		this.site.close();
		this.dns.close();
	}

	private static boolean mixed(Ipv4Range range) {
		boolean confirms = false;
		boolean fails = false;
		for (long a = range.first(); a <= range.last(); a++) {
			String ip = Ipv4Range.format(a);
			for (String name : Blocks.expected(WORLD, ip)) {
				confirms |= WORLD.forwardConfirms(name, ip);
				fails |= !WORLD.forwardConfirms(name, ip);
			}
		}
		return confirms && fails;
	}

	private BlockResult run(NameServers nameServers, boolean verify) {
		CampaignWorker worker = new CampaignWorker(this.runner, nameServers, Map.of(), this.frames, 1, 4);
		worker.sources(new SourceList(List.of(SourceCatalogue.plainText(this.site.baseUrl()).withPace(new Pace(0, 4)))));
		BlockLease lease = Blocks.lease("verify-" + verify, RANGE, List.of(), verify);
		Blocks.run(worker, lease);
		return this.frames.result(lease);
	}

	@Test
	void eachDomainIsVerifiedWhenItsARecordsIncludeTheAddressAndFailedWhenNot() {
		try (NameServers nameServers = new NameServers(List.of(this.dns.address()))) {
			BlockResult result = run(nameServers, true);
			int verified = 0;
			int failed = 0;
			for (IpFinding finding : result.found()) {
				assertThat(finding.domains()).extracting(DomainFinding::name)
					.containsExactlyInAnyOrderElementsOf(Blocks.expected(WORLD, finding.ip()));
				for (DomainFinding domain : finding.domains()) {
					boolean truth = WORLD.forwardConfirms(domain.name(), finding.ip());
					assertThat(domain.verified()).as(domain.name() + " on " + finding.ip()).isEqualTo(truth);
					verified += truth ? 1 : 0;
					failed += truth ? 0 : 1;
				}
			}
			assertThat(verified).isPositive();
			assertThat(failed).isPositive();
			assertThat(this.dns.queries()).anySatisfy((query) -> assertThat(query.type()).isEqualTo("A"));
		}
	}

	@Test
	void withoutVerificationNothingIsAskedAndNothingIsMarked() {
		try (NameServers nameServers = new NameServers(List.of(this.dns.address()))) {
			BlockResult result = run(nameServers, false);
			assertThat(result.found()).isNotEmpty();
			assertThat(result.found()).flatExtracting(IpFinding::domains).extracting(DomainFinding::verified)
				.containsOnlyNulls();
			assertThat(this.dns.queries()).isEmpty();
		}
	}

	@Test
	void aNameServerThatDoesNotAnswerLeavesTheDomainsUnchecked() throws Exception {
		try (DatagramSocket mute = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
				NameServers silent = new NameServers(List.of((InetSocketAddress) mute.getLocalSocketAddress()),
						Duration.ofMillis(200))) {
			BlockResult result = run(silent, true);
			assertThat(result.found()).isNotEmpty();
			assertThat(result.found()).flatExtracting(IpFinding::domains).extracting(DomainFinding::verified)
				.as("could not check is not failed").containsOnlyNulls();
		}
	}

}
