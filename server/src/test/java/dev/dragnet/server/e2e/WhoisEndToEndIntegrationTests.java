package dev.dragnet.server.e2e;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.probe.ProbeConfig;
import dev.dragnet.probe.ProbeRefusedException;
import dev.dragnet.protocol.CreditGrant;
import dev.dragnet.protocol.ErrorFrame;
import dev.dragnet.protocol.Ping;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.Welcome;
import dev.dragnet.server.DragnetServerApplication;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.server.testsupport.TestHttp;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path, for real: the server on a random port with its own database, two probe agents in this
 * JVM, and a fake WHOIS server on loopback. Driven over HTTP and WebSocket only.
 */
class WhoisEndToEndIntegrationTests {

	private static final String PROBE_TOKEN = "e2e-probe-token";

	private static final String ADMIN_TOKEN = "e2e-admin-token";

	private static final Duration PING = Duration.ofSeconds(1);

	private static FakeWhoisServer whois;

	private static ConfigurableApplicationContext server;

	private static int port;

	private static WebTestClient http;

	private static final Map<String, ProbeAgent> agents = new ConcurrentHashMap<>();

	@BeforeAll
	static void start() {
		whois = FakeWhoisServer.start();
		whois.answer("example.test", "Domain Name: EXAMPLE.TEST\r\nRegistrar: Fake Registrar\r\n");
		whois.answer("-T dn,ace beispiel.de", "Domain: beispiel.de\r\nStatus: connect\r\n");
		whois.answer("xn--bcher-kva.test", "Domain Name: XN--BCHER-KVA.TEST\r\n");
		whois.fallback(WhoisBehaviour.delayed(Duration.ofMillis(400), WhoisBehaviour.noMatch()));
		server = new SpringApplicationBuilder(DragnetServerApplication.class).properties(TestDatabase.springProperties())
			.run("--server.port=0", "--dragnet.probes.tokens=" + PROBE_TOKEN + ",second-token",
					"--dragnet.admin.token=" + ADMIN_TOKEN, "--dragnet.probes.ping-interval=" + PING.toMillis() + "ms",
					"--dragnet.probes.missed-pings=2", "--dragnet.whois.allow-private-servers=true",
					"--dragnet.dispatch.attempt-timeout=4s", "--dragnet.whois.pace.min-interval=0ms",
					"--dragnet.whois.pace.max-connections=64", "--dragnet.whois.default-policy=whois");
		port = Integer.parseInt(server.getEnvironment().getProperty("local.server.port"));
		http = TestHttp.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
		routeSuffixToFake("test", "%s");
		routeSuffixToFake("de", "-T dn,ace %s");
		agents.put("probe-a", startAgent("probe-a"));
		agents.put("probe-b", startAgent("probe-b"));
		awaitProbe("probe-a", "EFFECTIVE");
		awaitProbe("probe-b", "EFFECTIVE");
	}

	@AfterAll
	static void stop() {
		agents.values().forEach(ProbeAgent::close);
		if (server != null) {
			server.close();
			server = null; // a closed context still holds its beans
		}
		if (whois != null) {
			whois.close();
		}
	}

	private static void routeSuffixToFake(String suffix, String format) {
		http.put()
			.uri("/api/whois-servers/{suffix}", suffix)
			.headers((h) -> h.setBearerAuth(ADMIN_TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("host", whois.host(), "port", whois.port(), "queryFormat", format))
			.exchange()
			.expectStatus()
			.isOk();
	}

	private static ProbeAgent startAgent(String name) {
		ProbeConfig config = ProbeConfig.of(URI.create("ws://127.0.0.1:" + port + Protocol.PATH), PROBE_TOKEN, name, 8, true)
			.withReconnect(Duration.ofMillis(100), Duration.ofMillis(500));
		return new ProbeAgent(config).start();
	}

	private static List<Map<String, Object>> probes() {
		return http.get()
			.uri("/api/probes")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	private static Map<String, Object> probe(String name) {
		return probes().stream().filter((p) -> name.equals(p.get("name"))).findFirst().orElse(Map.of());
	}

	private static void awaitProbe(String name, String state) {
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
			.until(() -> state.equals(probe(name).get("state")));
	}

	@Test
	void answersRawWhoisTextThroughAProbe() {
		http.get()
			.uri("/WHOIS/example.test")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
			.expectHeader()
			.valueMatches("Dragnet-Probe", "probe-[ab]")
			.expectBody(String.class)
			.isEqualTo("Domain Name: EXAMPLE.TEST\r\nRegistrar: Fake Registrar\r\n");
		assertThat(whois.queryCount("example.test")).isPositive();
	}

	@Test
	void answersJsonWithServerProbeTimeAndOutcome() {
		http.get()
			.uri("/api/whois/Bücher.TEST")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.domain").isEqualTo("xn--bcher-kva.test")
			.jsonPath("$.unicodeDomain").isEqualTo("bücher.test")
			.jsonPath("$.server").isEqualTo(whois.host() + ":" + whois.port())
			.jsonPath("$.query").isEqualTo("xn--bcher-kva.test")
			.jsonPath("$.probe").value((p) -> assertThat(p).asString().matches("probe-[ab]"))
			.jsonPath("$.outcome").isEqualTo("OK")
			.jsonPath("$.elapsedMillis").isNumber()
			.jsonPath("$.text").isEqualTo("Domain Name: XN--BCHER-KVA.TEST\r\n")
			.jsonPath("$.attempts.length()").isEqualTo(1);
	}

	@Test
	void usesTheServersQueryFormat() {
		http.get().uri("/WHOIS/beispiel.de").exchange().expectStatus().isOk().expectBody(String.class)
			.isEqualTo("Domain: beispiel.de\r\nStatus: connect\r\n");
		assertThat(whois.queries()).contains("-T dn,ace beispiel.de");
	}

	@Test
	void aCallerMayNameAKnownServer() {
		http.get()
			.uri("/WHOIS/example.test:" + whois.host() + ":" + whois.port())
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Dragnet-Server", whois.host() + ":" + whois.port());
	}

	@Test
	void malformedDomainsAndLineInjectionGet400AndNeverReachAServer() {
		int before = whois.connectionCount();
		for (String bad : List.of("/WHOIS/exa_mple.test", "/WHOIS/example.test%0D%0Ahelp", "/WHOIS/-bad.test",
				"/api/whois/" + "a".repeat(64) + ".test", "/WHOIS/exa%20mple.test", "/api/whois/nodot")) {
			http.get()
				.uri(URI.create("http://127.0.0.1:" + port + bad))
				.exchange()
				.expectStatus()
				.isBadRequest()
				.expectHeader()
				.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.type").isEqualTo("/problems/invalid-domain")
				.jsonPath("$.detail").isNotEmpty();
		}
		assertThat(whois.connectionCount()).isEqualTo(before);
	}

	@Test
	void aServerThatIsNotInTheTableIsRefused() {
		http.get()
			.uri("/WHOIS/example.test:whois.nowhere.example")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/server-not-allowed");
	}

	@Test
	void aKilledProbesInFlightLookupsSucceedOnTheOtherAndItComesBack() {
		ProbeAgent victim = agents.get("probe-a");
		List<String> domains = new ArrayList<>();
		for (int i = 0; i < 24; i++) {
			domains.add("load-" + i + ".test");
		}
		// Each answer takes 400 ms at the fake, so when the probe dies, lookups are in flight on it.
		Flux<String> answers = Flux.fromIterable(domains)
			.flatMap((d) -> WebTestClientSupport.getText(http, "/WHOIS/" + d), 24);
		StepVerifier.create(answers.collectList())
			.then(() -> await().atMost(Duration.ofSeconds(5)).until(() -> inFlight("probe-a") > 0))
			.then(() -> {
				victim.close();
				killedAt[0] = System.nanoTime();
			})
			.assertNext((texts) -> assertThat(texts).hasSize(24).allSatisfy((t) -> assertThat(t).startsWith("No match for")))
			.verifyComplete();
		await().atMost(PING.multipliedBy(2)).pollInterval(Duration.ofMillis(20))
			.until(() -> "INEFFECTIVE".equals(probe("probe-a").get("state")));
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt[0])).isLessThan(PING.multipliedBy(2).toMillis());
		agents.put("probe-a", startAgent("probe-a"));
		awaitProbe("probe-a", "EFFECTIVE");
	}

	private static final long[] killedAt = new long[1];

	private static int inFlight(String name) {
		Object value = probe(name).get("inFlight");
		return (value instanceof Number n) ? n.intValue() : 0;
	}

	@Test
	void aProbeThatStopsAnsweringPingsTurnsIneffective() throws Exception {
		try (RawProbe silent = new RawProbe(port)) {
			silent.hello("silent-probe", PROBE_TOKEN, 4);
			assertThat(silent.next(Welcome.class, Duration.ofSeconds(5))).isNotNull();
			awaitProbe("silent-probe", "EFFECTIVE");
			// No pongs: after two missed pings (2-3 intervals) the server closes the session.
			assertThat(silent.closeStatus(PING.multipliedBy(6))).extracting(WebSocketCloseStatus::code)
				.isEqualTo(Protocol.CLOSE_MISSED_PINGS);
			awaitProbe("silent-probe", "INEFFECTIVE");
			assertThat(probe("silent-probe").get("disconnectReason")).asString().contains("missed 2 pings");
		}
	}

	@Test
	void aWrongProbeTokenIsRefusedWithAClearReason() {
		ProbeConfig config = ProbeConfig.of(URI.create("ws://127.0.0.1:" + port + Protocol.PATH), "wrong-token",
				"intruder", 4, true);
		try (ProbeAgent intruder = new ProbeAgent(config)) {
			StepVerifier.create(intruder.run())
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ProbeRefusedException.class)
					.hasMessageContaining("token"))
				.verify(Duration.ofSeconds(10));
		}
		assertThat(probe("intruder")).isEmpty();
	}

	@Test
	void aMalformedFrameGetsAnErrorAndTheSessionGoesOn() throws Exception {
		try (RawProbe raw = new RawProbe(port)) {
			raw.hello("sloppy-probe", PROBE_TOKEN, 2);
			assertThat(raw.next(Welcome.class, Duration.ofSeconds(5))).isNotNull();
			raw.sendText("{this is not json");
			ErrorFrame error = raw.next(ErrorFrame.class, Duration.ofSeconds(5));
			assertThat(error).isNotNull();
			assertThat(error.code()).isEqualTo(ErrorFrame.BAD_FRAME);
			raw.send(new CreditGrant(1));
			assertThat(raw.next(Ping.class, PING.multipliedBy(3))).as("the session is still alive").isNotNull();
			assertThat(probe("sloppy-probe").get("state")).isEqualTo("EFFECTIVE");
		}
		http.get().uri("/WHOIS/example.test").exchange().expectStatus().isOk();
	}

	@Test
	void anOversizedFrameClosesOnlyThatConnection() throws InterruptedException {
		List<Throwable> dropped = new CopyOnWriteArrayList<>();
		Hooks.onErrorDropped(dropped::add);
		try (RawProbe raw = new RawProbe(port)) {
			raw.hello("huge-probe", PROBE_TOKEN, 2);
			// Admitted first: the hello is checked against the database, and this test is about a live session.
			assertThat(raw.next(Welcome.class, Duration.ofSeconds(10))).isNotNull();
			raw.sendText("{\"type\":\"pong\",\"seq\":1,\"pad\":\"" + "x".repeat(Protocol.MAX_FRAME_BYTES + 10) + "\"}");
			WebSocketCloseStatus status = raw.closeStatus(Duration.ofSeconds(10));
			assertThat(status).isNotNull();
			assertThat(status.code()).isEqualTo(WebSocketCloseStatus.MESSAGE_TOO_BIG.code());
			awaitProbe("huge-probe", "INEFFECTIVE");
			// The reason reaches the probe list; it was dropped (and logged as an operator error) when the close had
			// ended the frames before it was signalled.
			assertThat(probe("huge-probe").get("disconnectReason")).asString().contains("over the limit");
		}
		finally {
			Hooks.resetOnErrorDropped();
		}
		assertThat(dropped).as("errors Reactor dropped").isEmpty();
		http.get().uri("/WHOIS/example.test").exchange().expectStatus().isOk();
	}

	/** Before the hello is admitted too: the probe is told why, with 1009, not left with a reset connection. */
	@Test
	void anOversizedFrameRightAfterTheHelloGetsTheCloseCode() {
		try (RawProbe raw = new RawProbe(port)) {
			raw.hello("huge-early-probe", PROBE_TOKEN, 2);
			raw.sendText("{\"type\":\"pong\",\"seq\":1,\"pad\":\"" + "x".repeat(Protocol.MAX_FRAME_BYTES + 10) + "\"}");
			WebSocketCloseStatus status = raw.closeStatus(Duration.ofSeconds(10));
			assertThat(status).isNotNull();
			assertThat(status.code()).isEqualTo(WebSocketCloseStatus.MESSAGE_TOO_BIG.code());
		}
	}

	@Test
	void aFirstFrameThatIsNotAHelloIsRefused() {
		try (RawProbe raw = new RawProbe(port)) {
			raw.send(new CreditGrant(5));
			WebSocketCloseStatus status = raw.closeStatus(Duration.ofSeconds(10));
			assertThat(status).isNotNull();
			assertThat(status.code()).isEqualTo(Protocol.CLOSE_PROTOCOL_VIOLATION);
			assertThat(status.reasonText()).contains("hello");
		}
	}
}
