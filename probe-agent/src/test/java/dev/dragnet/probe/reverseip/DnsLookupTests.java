package dev.dragnet.probe.reverseip;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.dragnet.probe.reverseip.SourceAnswer.Status;
import dev.dragnet.testbed.dns.FakeDnsServer;
import dev.dragnet.testbed.dns.ReceivedDnsQuery;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static dev.dragnet.probe.reverseip.Lookups.WAIT;
import static dev.dragnet.probe.reverseip.Lookups.answer;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link PtrLookup} and {@link ForwardVerifier} against a {@link FakeDnsServer}. */
class DnsLookupTests {

	private static final ReverseIpWorld WORLD = new ReverseIpWorld(5);

	private static final Duration DEADLINE = Duration.ofSeconds(5);

	private final FakeDnsServer dns = FakeDnsServer.start(WORLD);

	private final NameServers nameServers = new NameServers(List.of(this.dns.address()), Duration.ofSeconds(2));

	@AfterEach
	void stop() {
		this.nameServers.close();
		this.dns.close();
	}

	@Test
	void ptrNamesAreTheWorldsAndMissingOnesAreNone() {
		PtrLookup ptr = new PtrLookup(this.nameServers);
		int found = 0;
		int none = 0;
		for (int i = 0; i < 40; i++) {
			String ip = "192.0.2." + (i * 6 + 1);
			Optional<String> truth = WORLD.ptr(ip);
			SourceAnswer answer = answer(ptr.lookup(ip, DEADLINE));
			assertThat(answer.requests()).isEqualTo(1);
			if (truth.isPresent()) {
				found++;
				assertThat(answer.status()).as(ip).isEqualTo(Status.FOUND);
				assertThat(answer.domains()).as(ip).containsExactly(truth.get());
			}
			else {
				none++;
				assertThat(answer.status()).as(ip).isEqualTo(Status.NONE);
				assertThat(answer.domains()).isEmpty();
			}
		}
		assertThat(found).as("both kinds were seen").isPositive();
		assertThat(none).isPositive();
		assertThat(this.dns.queries()).anySatisfy((query) -> {
			assertThat(query.name()).isEqualTo("1.2.0.192.in-addr.arpa.");
			assertThat(query.type()).isEqualTo("PTR");
		});
	}

	@Test
	void questionsArrivingAtOnceBeforeAnyAnswerShareOneResolverAndItsSocket() {
		PtrLookup ptr = new PtrLookup(this.nameServers);
		List<SourceAnswer> answers = Flux.range(0, 32)
			.flatMap((i) -> ptr.lookup("192.0.2." + (i + 1), DEADLINE), 32)
			.collectList()
			.block(WAIT);
		assertThat(answers).hasSize(32).allSatisfy((a) -> assertThat(a.status()).isIn(Status.FOUND, Status.NONE));
		assertThat(this.dns.queries()).hasSize(32);
		assertThat(this.dns.queries().stream().map(ReceivedDnsQuery::clientPort).distinct()).hasSize(1);
	}

	@Test
	void closedNameServersRefuseAQuestionClearlyAndOpenNoSocket() {
		this.nameServers.close();
		StepVerifier.create(new PtrLookup(this.nameServers).lookup("192.0.2.1", DEADLINE))
			.assertNext((a) -> {
				assertThat(a.status()).isEqualTo(Status.ERROR);
				assertThat(a.detail()).isEqualTo("the name servers are closed");
			})
			.expectComplete()
			.verify(WAIT);
		assertThat(this.dns.queries()).isEmpty();
	}

	@Test
	void forwardConfirmationFollowsTheARecords() {
		ForwardVerifier verifier = new ForwardVerifier(this.nameServers);
		String next = "198.51.100.1";
		int confirmed = 0;
		int failed = 0;
		for (int i = 0; i < 6; i++) {
			String ip = WORLD.firstAddressOf(Tier.SMALL, next);
			next = ReverseIpWorld.ipv4(ReverseIpWorld.ipv4(ip) + 1);
			for (String domain : WORLD.domainsOf(ip)) {
				boolean truth = WORLD.forwardConfirms(domain, ip);
				assertThat(answer(verifier.confirms(domain.toUpperCase() + ".", ip))).as(domain + " on " + ip)
					.isEqualTo(truth);
				if (truth) {
					confirmed++;
				}
				else {
					failed++;
				}
			}
		}
		assertThat(confirmed).isPositive();
		assertThat(answer(verifier.confirms("nowhere-zz.example", "198.51.100.7"))).isFalse();
		assertThat(failed + confirmed).isGreaterThan(5);
	}

	@Test
	void silentServersAreTimeoutsNotAnswers() throws Exception {
		try (DatagramSocket mute = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
				NameServers silent = new NameServers(List.of((InetSocketAddress) mute.getLocalSocketAddress()),
						Duration.ofMillis(200))) {
			SourceAnswer answer = answer(new PtrLookup(silent).lookup("192.0.2.1", DEADLINE));
			assertThat(answer.status()).as(answer.detail()).isEqualTo(Status.TIMEOUT);
			new ForwardVerifier(silent, Duration.ofSeconds(2)).confirms("a.example", "192.0.2.1")
				.as(StepVerifier::create)
				.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(DnsLookupException.class)
					.satisfies((e) -> assertThat(((DnsLookupException) e).isTimeout()).isTrue()))
				.verify(WAIT);
		}
	}

	@Test
	void reverseNamesAreSpelledAsDnsWantsThem() throws Exception {
		assertThat(NameServers.reverseName(InetAddress.getByName("1.2.3.4"))).isEqualTo("4.3.2.1.in-addr.arpa.");
		assertThat(NameServers.reverseName(InetAddress.getByName("2001:db8::1")))
			.startsWith("1.0.0.0.0.0.0.0.").endsWith(".8.b.d.0.1.0.0.2.ip6.arpa.");
		assertThat(answer(new PtrLookup(this.nameServers).lookup("not-an-ip", DEADLINE)))
			.isEqualTo(new SourceAnswer(Status.ERROR, Set.of(), null, null, false, 0, "not an IP address: not-an-ip"));
	}

}
