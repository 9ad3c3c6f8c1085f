package dev.dragnet.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.testbed.rdap.FakeRdapServer;
import dev.dragnet.testbed.rdap.RdapBehaviour;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import dev.dragnet.testbed.whois.WhoisScenarios;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Complete, trustworthy answers end to end: referrals from a thin registry to its registrar and from one RIR
 * to another, RDAP with the registrar's related record and the fall back to WHOIS, a throttle notice
 * retried on another probe in the same request, the cache, and per-server statistics. Real server, two real
 * probe agents, fake WHOIS and RDAP servers on loopback.
 */
class WhoisCompleteAnswersIntegrationTests {

	private static final String PROBE_TOKEN = "complete-probe-token";

	private static final String ADMIN_TOKEN = "complete-admin-token";

	private static FakeWhoisServer registry;

	private static FakeWhoisServer registrar;

	private static FakeWhoisServer throttler;

	private static FakeWhoisServer quiet;

	private static FakeWhoisServer mute;

	private static FakeRdapServer rdap;


	private static RunningServer server;

	private static WebTestClient http;

	@BeforeAll
	static void start() {
		registry = FakeWhoisServer.start();
		registrar = FakeWhoisServer.start();
		throttler = FakeWhoisServer.start();
		quiet = FakeWhoisServer.start();
		mute = FakeWhoisServer.start();
		rdap = FakeRdapServer.start();
		String registrarAddress = registrar.host() + ":" + registrar.port();
		registry.answer("ref.test", WhoisScenarios.thinRegistry("ref.test", registrarAddress));
		registrar.answer("ref.test", WhoisScenarios.registrarRecord("ref.test", registrarAddress));
		registry.answer("loop.test", WhoisScenarios.thinRegistry("loop.test", registrarAddress));
		registrar.answer("loop.test", WhoisScenarios.thinRegistry("loop.test", registry.host() + ":" + registry.port()));
		registry.answer("cached.test", "Domain Name: CACHED.TEST\r\n");
		registry.answer("192.0.2.77", WhoisScenarios.rirReferral("192.0.2.77", registrarAddress));
		registrar.answer("192.0.2.77", WhoisScenarios.rirRecord("192.0.2.77"));
		registry.answer("busy.test", WhoisBehaviour.firstThen(1,
				WhoisBehaviour.text("% Excessive querying, grace period of 2 seconds\r\n"),
				WhoisBehaviour.text(WhoisScenarios.registrarRecord("busy.test", registry.host() + ":" + registry.port()))));
		// Servers of their own: a probe that got nothing where the other got the answer rests from that server.
		quiet.fallback(WhoisBehaviour.firstThen(1, WhoisBehaviour.earlyClose(), WhoisBehaviour.text("Domain Name: QUIET\r\n")));
		mute.fallback(WhoisBehaviour.earlyClose());
		throttler.fallback(WhoisBehaviour.text(
				"The WHOIS query quota for 127.0.0.1 has been exceeded and will be replenished in 42 seconds.\r\n"));
		rdap.bootstrap(bootstrapFor(rdap.baseUrl(), "rdaptest", "rdapdown"), Duration.ofHours(1));
		rdap.registeredDomain("example.rdaptest");
		rdap.domain("gone.rdapdown", RdapBehaviour.error(500, "Internal Server Error", "the registry's RDAP is down"));
		server = RunningServer.start("--dragnet.probes.tokens=" + PROBE_TOKEN, "--dragnet.admin.token=" + ADMIN_TOKEN,
					"--dragnet.whois.allow-private-servers=true", "--dragnet.whois.pace.min-interval=0ms",
					"--dragnet.whois.pace.max-connections=16", "--dragnet.dispatch.attempt-timeout=4s",
					"--dragnet.rdap.bootstrap-url=" + rdap.bootstrapUrl(), "--dragnet.rdap.refresh-enabled=true",
					"--dragnet.whois.allowed-servers=" + registry.host() + ":" + registry.port());
		http = server.http();
		route("test", registry);
		route("throttled", throttler);
		route("quiet", quiet);
		route("mute", mute);
		// .rdapdown's port-43 server is down (nothing listens), as its RDAP server fails.
		server.route("rdapdown", "127.0.0.1", deadPort(), "%s", ADMIN_TOKEN);
		server.startProbe("probe-a", PROBE_TOKEN, 8);
		server.startProbe("probe-b", PROBE_TOKEN, 8);
		await().atMost(Duration.ofSeconds(15)).until(() -> effectiveProbes() == 2);
		// The server loads the fake's bootstrap in the background at start.
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
			.until(() -> http.get().uri("/api/whois/example.rdaptest?policy=rdap").exchange().returnResult(String.class)
				.getStatus().is2xxSuccessful());
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
		for (AutoCloseable fake : new AutoCloseable[] { registry, registrar, throttler, quiet, mute, rdap }) {
			try {
				if (fake != null) {
					fake.close();
				}
			}
			catch (Exception ex) {
				// closing fakes is best effort
			}
		}
	}

	private static String bootstrapFor(String baseUrl, String... tlds) {
		StringBuilder services = new StringBuilder();
		for (String tld : tlds) {
			services.append((services.length() > 0) ? "," : "").append("[[\"").append(tld).append("\"],[\"")
				.append(baseUrl).append("\"]]");
		}
		return "{\"version\":\"1.0\",\"publication\":\"2026-11-01T00:00:00Z\",\"description\":\"test\","
				+ "\"services\":[" + services + "]}";
	}

	private static int deadPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void route(String suffix, FakeWhoisServer fake) {
		server.route(suffix, fake.host(), fake.port(), "%s", ADMIN_TOKEN);
	}

	private static long effectiveProbes() {
		return http.get().uri("/api/probes").exchange().expectBody(List.class).returnResult().getResponseBody().stream()
			.filter((p) -> "EFFECTIVE".equals(((Map<?, ?>) p).get("state")))
			.count();
	}

	@Test
	void aThinRegistrysReferralIsFollowedAndEveryHopIsShown() {
		String text = http.get().uri("/WHOIS/ref.test?policy=whois").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(text).contains("Registrar WHOIS Server: " + registrar.host())
			.contains("%% Dragnet: referral from " + registry.host() + ":" + registry.port())
			.contains("Registrant Organization: Example Holdings Ltd");
		assertThat(text.indexOf("Registry Domain ID")).isLessThan(text.indexOf("Registrant Organization"));
	}

	@Test
	void theJsonListsTheHopsAndMergesTheirFields() {
		http.get()
			.uri("/api/whois/ref.test?policy=whois&fresh=true")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.source").isEqualTo("whois")
			.jsonPath("$.hops.length()").isEqualTo(2)
			.jsonPath("$.hops[0].server").isEqualTo(registry.host() + ":" + registry.port())
			.jsonPath("$.hops[1].server").isEqualTo(registrar.host() + ":" + registrar.port())
			.jsonPath("$.registered").isEqualTo(true)
			.jsonPath("$.created").isEqualTo("1995-08-14T04:00:00Z")
			.jsonPath("$.expires").isEqualTo("2025-08-13T04:00:00Z")
			.jsonPath("$.registrar.name").isEqualTo("Example Registrar, Inc.")
			.jsonPath("$.registrar.ianaId").isEqualTo("376")
			.jsonPath("$.nameServers[0]").isEqualTo("ns1.example.net")
			.jsonPath("$.statuses").value((s) -> assertThat((List<?>) s).asString().contains("clientTransferProhibited"))
			.jsonPath("$.registrantOrganization").isEqualTo("Example Holdings Ltd")
			.jsonPath("$.registrantCountry").isEqualTo("GB");
	}

	@Test
	void aReferralBackToAServerAlreadyAskedIsNotFollowed() {
		http.get().uri("/api/whois/loop.test?policy=whois").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.hops.length()").isEqualTo(2);
		assertThat(registry.queryCount("loop.test")).isEqualTo(1);
	}

	@Test
	void anRirReferralIsFollowedForAnAddress() {
		http.get()
			.uri("/api/whois/ip/192.0.2.77?server=" + registry.host() + ":" + registry.port())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.hops.length()").isEqualTo(2)
			.jsonPath("$.hops[0].query").isEqualTo("192.0.2.77")
			.jsonPath("$.hops[1].text").value((t) -> assertThat(t).asString().contains("netname:        EXAMPLE-NET"));
	}

	@Test
	void aThrottledAnswerIsRetriedOnTheOtherProbeInTheSameRequest() {
		http.get()
			.uri("/api/whois/busy.test?policy=whois")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.attempts.length()").isEqualTo(2)
			.jsonPath("$.attempts[0].outcome").isEqualTo("THROTTLED")
			.jsonPath("$.attempts[1].outcome").isEqualTo("OK")
			.jsonPath("$.registrantOrganization").isEqualTo("Example Holdings Ltd")
			.jsonPath("$.attempts").value((a) -> {
				List<?> attempts = (List<?>) a;
				assertThat(((Map<?, ?>) attempts.get(0)).get("probe")).isNotEqualTo(((Map<?, ?>) attempts.get(1)).get("probe"));
			});
	}

	@Test
	void whenEveryProbeIsThrottledTheCallerIsToldWhenToComeBack() {
		http.get()
			.uri("/WHOIS/example.throttled?policy=whois")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.value("Retry-After", (v) -> assertThat(Integer.parseInt(v)).isBetween(40, 42))
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/no-probe-available");
		assertThat(throttler.queryCount("example.throttled")).as("one try per probe, then both rest").isEqualTo(2);
	}

	@Test
	void rdapAnswersComeWithTheRegistrarsRelatedRecord() {
		http.get()
			.uri("/api/whois/example.rdaptest?policy=rdap")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.source").isEqualTo("rdap")
			.jsonPath("$.hops.length()").isEqualTo(2)
			.jsonPath("$.registered").isEqualTo(true)
			.jsonPath("$.nameServers").isNotEmpty();
	}

	@Test
	void autoPrefersRdapWhereTheBootstrapKnowsTheTld() {
		http.get().uri("/api/whois/example.rdaptest").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.source").isEqualTo("rdap");
		http.get().uri("/api/whois/ref.test").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.source").isEqualTo("whois");
	}

	@Test
	void whenRdapAndThenPort43FailTheCallerIsToldOfBoth() {
		http.get()
			.uri("/api/whois/gone.rdapdown")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.GATEWAY_TIMEOUT)
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/lookup-failed")
			.jsonPath("$.detail").value((d) -> assertThat(d).asString()
				.contains("port 43 was tried next and failed too: "))
			.jsonPath("$.attempts").isNotEmpty()
			.jsonPath("$.fallback.type").isEqualTo("/problems/lookup-failed")
			.jsonPath("$.fallback.status").isEqualTo(504)
			.jsonPath("$.fallback.attempts[0].outcome").isEqualTo("CONNECT_FAILED");
		assertThat(rdap.requestCount("/domain/gone.rdapdown")).isPositive();
	}

	@Test
	void aConnectionClosedWithoutAnAnswerIsAFailedAttemptNotAnEmptyRecord() {
		Map<?, ?> first = http.get()
			.uri("/api/whois/first.quiet?policy=whois")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat((String) first.get("text")).contains("QUIET");
		List<?> attempts = (List<?>) first.get("attempts");
		assertThat(attempts).hasSize(2);
		assertThat(((Map<?, ?>) attempts.get(0)).get("outcome")).isEqualTo("ERROR");
		assertThat(((Map<?, ?>) attempts.get(0)).get("detail")).isEqualTo("the server closed the connection without answering");
		assertThat(((Map<?, ?>) attempts.get(1)).get("outcome")).isEqualTo("OK");
		// The other probe got the answer: a silent ban of the first, which now rests from that server.
		Object answered = ((Map<?, ?>) attempts.get(1)).get("probe");
		assertThat(answered).isNotNull();
		http.get()
			.uri("/api/whois/second.quiet?policy=whois")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.attempts.length()").isEqualTo(1)
			.jsonPath("$.attempts[0].probe").isEqualTo(answered);
		for (int i = 0; i < 2; i++) {
			http.get()
				.uri("/api/whois/nothing.mute?policy=whois")
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.GATEWAY_TIMEOUT)
				.expectBody()
				.jsonPath("$.type").isEqualTo("/problems/lookup-failed")
				.jsonPath("$.attempts.length()").isEqualTo(2)
				.jsonPath("$.attempts[1].detail").isEqualTo("the server closed the connection without answering");
		}
		assertThat(mute.queryCount("nothing.mute")).as("nothing stored to answer the second time, and nobody rested: "
				+ "both probes got nothing").isEqualTo(4);
	}

	@Test
	void aSecondLookupComesFromTheCacheUnlessFreshIsAsked() {
		http.get().uri("/api/whois/cached.test?policy=whois").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.cached").isEqualTo(false);
		http.get().uri("/api/whois/cached.test?policy=whois").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.cached").isEqualTo(true);
		assertThat(registry.queryCount("cached.test")).isEqualTo(1);
		http.get().uri("/api/whois/cached.test?policy=whois&fresh=true").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.cached").isEqualTo(false);
		assertThat(registry.queryCount("cached.test")).isEqualTo(2);
	}

	@Test
	void statisticsCountLookupsThrottlesAndLatencyPerServer() {
		http.get().uri("/api/whois/stats.test?policy=whois&fresh=true").exchange().expectStatus().isOk();
		http.get()
			.uri("/api/whois-servers/stats")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$[?(@.server == '" + registry.host() + ":" + registry.port() + "')].lookups")
			.value((v) -> assertThat(((List<?>) v).get(0)).asString().isNotEqualTo("0"))
			.jsonPath("$[?(@.server == '" + registry.host() + ":" + registry.port() + "')].medianLatencyMillis")
			.isNotEmpty();
	}
}
