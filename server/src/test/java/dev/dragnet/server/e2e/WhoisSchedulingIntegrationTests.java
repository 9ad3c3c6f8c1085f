package dev.dragnet.server.e2e;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The politeness frontier end to end: real server, two real probes, fake registries with delays and a
 * per-client rate limit. Lookups wait on the server for their pace turn, never inside a probe against their
 * deadline; identical lookups share one query; interactive lookups pass bulk lines; admission answers 503
 * with the estimate when the caller will not wait that long.
 */
class WhoisSchedulingIntegrationTests {

	private static final String ADMIN_TOKEN = "schedule-admin";

	private static final String PROBE_TOKEN = "schedule-probe";

	/** The source address {@link #banning} closes on without a word. */
	private static final String BANNED_ADDRESS = "127.0.0.2";

	private static final ParameterizedTypeReference<Map<String, Object>> ANSWER = new ParameterizedTypeReference<>() {
	};

	private static final List<FakeWhoisServer> fakes = new ArrayList<>();

	private static final AtomicInteger probeNames = new AtomicInteger();

	private static RunningServer server;

	private static WebTestClient http;

	private static WebClient client;

	private static FakeWhoisServer slow;

	private static FakeWhoisServer tight;

	private static FakeWhoisServer busy;

	private static FakeWhoisServer idle;

	private static FakeWhoisServer shared;

	private static FakeWhoisServer queue;

	private static FakeWhoisServer strict;

	private static FakeWhoisServer banning;

	@BeforeAll
	static void start() {
		slow = fake(WhoisBehaviour.delayed(Duration.ofMillis(300), WhoisBehaviour.text("Domain Name: SLOW\r\n")));
		tight = fake(WhoisBehaviour.rateLimited(12, Duration.ofSeconds(1),
				WhoisBehaviour.text("WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS\r\n"),
				WhoisBehaviour.text("Domain Name: TIGHT\r\n")));
		busy = fake(WhoisBehaviour.delayed(Duration.ofMillis(50), WhoisBehaviour.text("Domain Name: BUSY\r\n")));
		idle = fake(WhoisBehaviour.text("Domain Name: IDLE\r\n"));
		shared = fake(WhoisBehaviour.delayed(Duration.ofSeconds(1), WhoisBehaviour.text("Domain Name: SHARED\r\n")));
		queue = fake(WhoisBehaviour.text("Domain Name: QUEUE\r\n"));
		strict = fake(WhoisBehaviour.rateLimited(10, Duration.ofSeconds(1),
				WhoisBehaviour.text("WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS\r\n"),
				WhoisBehaviour.text("Domain Name: STRICT\r\n")));
		banning = fake(WhoisBehaviour.fromAddress(BANNED_ADDRESS, WhoisBehaviour.earlyClose(),
				WhoisBehaviour.text("Domain Name: BANNING\r\n")));
		server = RunningServer.start("--dragnet.probes.tokens=" + PROBE_TOKEN, "--dragnet.admin.token=" + ADMIN_TOKEN,
				"--dragnet.whois.allow-private-servers=true", "--dragnet.whois.default-policy=whois",
				"--dragnet.dispatch.attempt-timeout=5s", "--dragnet.dispatch.throttle-cooldown=1s",
				"--dragnet.whois.pace.min-interval=0ms", "--dragnet.whois.pace.max-connections=16",
				"--dragnet.whois.suffix-pace[slow].min-interval=20ms", "--dragnet.whois.suffix-pace[slow].max-connections=16",
				"--dragnet.whois.suffix-pace[tight].min-interval=200ms",
				"--dragnet.whois.suffix-pace[tight].max-connections=1",
				"--dragnet.whois.suffix-pace[busy].min-interval=200ms", "--dragnet.whois.suffix-pace[busy].max-connections=1",
				"--dragnet.whois.suffix-pace[queue].min-interval=1s", "--dragnet.whois.suffix-pace[queue].max-connections=1",
				"--dragnet.whois.suffix-pace[strict].min-interval=100ms",
				"--dragnet.whois.suffix-pace[strict].max-connections=1");
		http = server.http();
		client = WebClient.builder()
			.baseUrl("http://127.0.0.1:" + server.port())
			.clientConnector(new ReactorClientHttpConnector(
					HttpClient.create(ConnectionProvider.builder("schedule").maxConnections(300).build())))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(1024 * 1024))
			.build();
		route("slow", slow);
		route("tight", tight);
		route("busy", busy);
		route("idle", idle);
		route("shared", shared);
		route("queue", queue);
		route("strict", strict);
		route("banning", banning);
		startProbe();
		startProbe();
		awaitProbes(2);
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
		fakes.forEach(FakeWhoisServer::close);
	}

	@Test
	void aBurstSurvivesTheDeathOfOneOfItsProbes() {
		ProbeAgent victim = startProbe();
		awaitProbes(3);
		Mono<Void> kill = Mono.delay(Duration.ofMillis(700)).then(Mono.fromRunnable(victim::close));
		List<Integer> statuses = Flux.range(0, 200)
			.flatMap((i) -> client.get()
				.uri("/WHOIS/burst-{i}.slow", i)
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())), 200)
			.collectList()
			.zipWith(kill.thenReturn(Boolean.TRUE), (list, killed) -> list)
			.block(Duration.ofSeconds(45));
		assertThat(statuses).hasSize(200).allSatisfy((status) -> assertThat(status).isEqualTo(200));
		assertThat(slow.connectionCount()).as("one query per lookup").isGreaterThanOrEqualTo(200);
	}

	@Test
	void aProbeARegistryBansSilentlyRestsFromItWhileTheOthersAnswer() throws Exception {
		InetAddress address = InetAddress.getByName(BANNED_ADDRESS);
		ProbeAgent banned = server.startProbe("schedule-banned", PROBE_TOKEN, 64,
				(config) -> config.withBindAddress(address));
		try {
			awaitEffective("schedule-banned", true);
			int lookups = 90;
			List<String> texts = Flux.range(0, lookups)
				.flatMap((i) -> client.get().uri("/WHOIS/ban-{i}.banning", i).retrieve().bodyToMono(String.class), 6)
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(texts).hasSize(lookups).allSatisfy((t) -> assertThat(t).contains("Domain Name: BANNING"));
			// Every lookup was answered once; each query beyond that went from the banned address and got nothing.
			int nothing = banning.connectionCount() - lookups;
			assertThat(nothing).as("queries that got nothing: the banned probe had its share at first").isPositive();
			assertThat(nothing).as("then it rested from that registry; without the rest, about a third of %d", lookups)
				.isLessThanOrEqualTo(12);
		}
		finally {
			banned.close();
			awaitEffective("schedule-banned", false);
		}
	}

	@Test
	void aBulkOfOneRegistryAtATightPaceHasNoErrorLine() {
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < 40; i++) {
			body.append("tight-").append(i).append(".tight\n");
		}
		List<Map<String, Object>> answers = bulk(body.toString()).collectList().block(Duration.ofSeconds(40));
		assertThat(answers).hasSize(40);
		assertThat(answers).as("lines with an error").noneMatch((a) -> a.containsKey("error"));
		assertThat(answers).allSatisfy((a) -> assertThat(String.valueOf(a.get("result"))).contains("TIGHT"));
	}

	@Test
	void aPaceTwiceTooFastIsLearnedAndNoThrottleNoticeReachesTheCaller() {
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < 40; i++) {
			body.append("strict-").append(i).append(".strict\n");
		}
		List<Map<String, Object>> answers = bulk(body.toString()).collectList().block(Duration.ofSeconds(45));
		assertThat(answers).hasSize(40).noneMatch((a) -> a.containsKey("error"));
		// The answer's text is the registry's data; throttle notices show only in the attempts' details.
		assertThat(answers).allSatisfy((a) -> assertThat(String.valueOf(((Map<?, ?>) a.get("result")).get("text")))
			.isEqualTo("Domain Name: STRICT\r\n"));
		Map<String, Object> stats = client.get()
			.uri("/api/whois-servers/stats")
			.retrieve()
			.bodyToFlux(ANSWER)
			.filter((s) -> ("127.0.0.1:" + strict.port()).equals(s.get("server")))
			.blockFirst(Duration.ofSeconds(5));
		assertThat(((Number) stats.get("throttles")).intValue()).as("throttles seen").isPositive();
		assertThat(((Number) stats.get("learnedIntervalMillis")).longValue()).as("the pace learned: slower than the 100 ms configured")
			.isGreaterThan(100);
	}

	@Test
	void anInteractiveLookupPassesTheBulkLinesQueuedForItsRegistry() {
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < 60; i++) {
			body.append("line-").append(i).append(".busy\n");
		}
		AtomicInteger bulkAnswers = new AtomicInteger();
		Mono<List<Map<String, Object>>> running = bulk(body.toString()).doOnNext((a) -> bulkAnswers.incrementAndGet())
			.collectList()
			.cache();
		running.subscribe();
		await().atMost(Duration.ofSeconds(10)).until(() -> bulkAnswers.get() >= 3);
		http.get().uri("/WHOIS/interactive.busy").exchange().expectStatus().isOk().expectBody(String.class)
			.value((text) -> assertThat(text).contains("BUSY"));
		int answeredBeforeInteractive = bulkAnswers.get();
		http.get().uri("/WHOIS/other.idle").exchange().expectStatus().isOk().expectBody(String.class)
			.value((text) -> assertThat(text).contains("IDLE"));
		assertThat(answeredBeforeInteractive).as("bulk lines answered before the interactive lookup").isLessThan(40);
		assertThat(bulkAnswers.get()).as("bulk lines answered before the idle registry's lookup").isLessThan(60);
		List<Map<String, Object>> answers = running.block(Duration.ofSeconds(40));
		assertThat(answers).hasSize(60).noneMatch((a) -> a.containsKey("error"));
	}

	@Test
	void identicalLookupsInFlightReachTheRegistryOnce() {
		List<String> texts = Flux.range(0, 100)
			.flatMap((i) -> client.get().uri("/WHOIS/together.shared").retrieve().bodyToMono(String.class), 100)
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(texts).hasSize(100).allSatisfy((text) -> assertThat(text).contains("SHARED"));
		assertThat(shared.queryCount("together.shared")).as("queries that reached the registry").isEqualTo(1);
	}

	@Test
	void aLookupThatWouldWaitLongerThanItsMaxWaitIsAnsweredAtOnceWithTheEstimate() {
		// At one query a second per probe, ten lookups ahead are some five seconds of waiting.
		List<Mono<Integer>> ahead = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			ahead.add(client.get()
				.uri("/WHOIS/ahead-{i}.queue?maxWait=60s", i)
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())));
		}
		Mono<List<Integer>> queued = Flux.merge(ahead).collectList().cache();
		queued.subscribe();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> queuedAt("127.0.0.1:" + queue.port()) >= 5);
		http.get()
			.uri("/WHOIS/impatient.queue?maxWait=1")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.value("Retry-After", (value) -> assertThat(Long.parseLong(value)).isGreaterThanOrEqualTo(2))
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/no-probe-available")
			.jsonPath("$.detail").value((detail) -> assertThat(detail).asString().contains("maxWait", "wait"));
		assertThat(queue.queryCount("impatient.queue")).isZero();
		assertThat(queued.block(Duration.ofSeconds(30))).as("the patient lookups").containsOnly(200);
	}

	@Test
	void aBadMaxWaitIsAProblem() {
		for (String bad : new String[] { "soon", "-5", "5h", "99999m" }) {
			http.get()
				.uri("/WHOIS/bad.idle?maxWait={bad}", bad)
				.exchange()
				.expectStatus()
				.isBadRequest()
				.expectBody()
				.jsonPath("$.type").isEqualTo("/problems/invalid-max-wait")
				.jsonPath("$.detail").value((detail) -> assertThat(detail).asString().contains("maxWait"));
		}
		http.get().uri("/api/whois/bad.idle?maxWait=0.5s").exchange().expectStatus().isBadRequest();
		http.get().uri("/api/whois/good.idle?maxWait=500ms").exchange().expectStatus().isOk();
	}

	private static int queuedAt(String target) {
		List<Map<String, Object>> stats = client.get()
			.uri("/api/whois-servers/stats")
			.retrieve()
			.bodyToFlux(ANSWER)
			.collectList()
			.block(Duration.ofSeconds(5));
		return stats.stream()
			.filter((s) -> target.equals(s.get("server")))
			.mapToInt((s) -> ((Number) s.get("queued")).intValue())
			.findFirst()
			.orElse(0);
	}

	private static Flux<Map<String, Object>> bulk(String body) {
		return client.post()
			.uri("/api/whois/bulk")
			.contentType(MediaType.TEXT_PLAIN)
			.accept(MediaType.APPLICATION_NDJSON)
			.bodyValue(body)
			.retrieve()
			.bodyToFlux(ANSWER);
	}

	private static FakeWhoisServer fake(WhoisBehaviour behaviour) {
		FakeWhoisServer fake = FakeWhoisServer.start();
		fake.fallback(behaviour);
		fakes.add(fake);
		return fake;
	}

	private static void route(String suffix, FakeWhoisServer fake) {
		server.route(suffix, fake.host(), fake.port(), "%s", ADMIN_TOKEN);
	}

	private static ProbeAgent startProbe() {
		return server.startProbe("schedule-" + probeNames.incrementAndGet(), PROBE_TOKEN, 64);
	}

	private static void awaitEffective(String name, boolean effective) {
		await().atMost(Duration.ofSeconds(15)).until(() -> http.get().uri("/api/probes").exchange()
			.expectBody(List.class).returnResult().getResponseBody().stream()
			.anyMatch((p) -> name.equals(((Map<?, ?>) p).get("name"))
					&& "EFFECTIVE".equals(((Map<?, ?>) p).get("state")) == effective));
	}

	private static void awaitProbes(int count) {
		await().atMost(Duration.ofSeconds(15)).until(() -> http.get().uri("/api/probes").exchange()
			.expectBody(List.class).returnResult().getResponseBody().stream()
			.filter((p) -> "EFFECTIVE".equals(((Map<?, ?>) p).get("state")))
			.count() >= count);
	}
}
