package dev.dragnet.server.whois.bulk;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.probe.ProbeConfig;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.server.DragnetServerApplication;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /api/whois/bulk} against the real server, two real probe agents in this JVM and fake WHOIS
 * servers on loopback, driven over HTTP only.
 */
class BulkIntegrationTests {

	private static final String PROBE_TOKEN = "bulk-probe-token";

	private static final String ADMIN_TOKEN = "bulk-admin-token";

	/** Small, so that the number of lookups in flight is visible against the buffers around them. */
	private static final int CONCURRENCY = 8;

	/** Bulk requests one client address may run at once. */
	private static final int PER_CLIENT = 2;

	private static final ParameterizedTypeReference<Map<String, Object>> ANSWER = new ParameterizedTypeReference<>() {
	};

	private static FakeWhoisServer whois;

	/** Answers every query with about 8 KB, so that few answer lines fit in the transport's buffers. */
	private static FakeWhoisServer bigWhois;

	private static ConfigurableApplicationContext server;

	private static WebClient http;

	private static final List<ProbeAgent> agents = new ArrayList<>();

	@BeforeAll
	static void start() {
		whois = FakeWhoisServer.start();
		whois.answer("example.test", "Domain Name: EXAMPLE.TEST\r\n");
		whois.answer("xn--bcher-kva.test", "Domain Name: XN--BCHER-KVA.TEST\r\n");
		bigWhois = FakeWhoisServer.start();
		bigWhois.fallback(WhoisBehaviour.text(bigAnswer()));
		server = new SpringApplicationBuilder(DragnetServerApplication.class, SmallSendBuffers.class)
			.properties(TestDatabase.springProperties())
			.run("--server.port=0", "--dragnet.probes.tokens=" + PROBE_TOKEN, "--dragnet.admin.token=" + ADMIN_TOKEN,
					"--dragnet.whois.allow-private-servers=true", "--dragnet.whois.default-policy=whois",
					"--dragnet.whois.pace.min-interval=0ms", "--dragnet.whois.pace.max-connections=64",
					"--dragnet.whois.bulk.concurrency=" + CONCURRENCY, "--dragnet.whois.bulk.max-line-length=1KB",
					"--dragnet.whois.bulk.max-requests-per-client=" + PER_CLIENT);
		int port = Integer.parseInt(server.getEnvironment().getProperty("local.server.port"));
		// A fixed receive buffer: with kernel autotuning, how many answers it parks would vary from run to run.
		HttpClient client = HttpClient.create().option(ChannelOption.SO_RCVBUF, 64 * 1024);
		http = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(client))
			.baseUrl("http://127.0.0.1:" + port)
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(1024 * 1024))
			.build();
		routeSuffix("test", whois);
		routeSuffix("big", bigWhois);
		for (String name : List.of("bulk-a", "bulk-b")) {
			agents.add(new ProbeAgent(ProbeConfig.of(URI.create("ws://127.0.0.1:" + port + Protocol.PATH), PROBE_TOKEN,
					name, 8, true)).start());
		}
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> effectiveProbes() == 2);
	}

	@AfterAll
	static void stop() {
		agents.forEach(ProbeAgent::close);
		if (server != null) {
			server.close();
			server = null; // a closed context still holds its beans
		}
		if (whois != null) {
			whois.close();
		}
		if (bigWhois != null) {
			bigWhois.close();
		}
	}

	private static String bigAnswer() {
		StringBuilder text = new StringBuilder("Domain Name: BIG\r\n");
		while (text.length() < 8 * 1024) {
			text.append("Remarks: padding so that one answer is big enough to fill buffers quickly\r\n");
		}
		return text.toString();
	}

	/**
	 * Pins the server's socket send buffers, which Linux would otherwise grow up to 4 MB: the number of answers
	 * parked in them while a reader pauses is then known. Not a {@code @Configuration}, so that component
	 * scanning leaves it to this test's server.
	 */
	static class SmallSendBuffers {

		@Bean
		NettyServerCustomizer smallSendBuffers() {
			return (server) -> server.childOption(ChannelOption.SO_SNDBUF, 32 * 1024);
		}
	}

	private static void routeSuffix(String suffix, FakeWhoisServer target) {
		http.put()
			.uri("/api/whois-servers/{suffix}", suffix)
			.headers((h) -> h.setBearerAuth(ADMIN_TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("host", target.host(), "port", target.port(), "queryFormat", "%s"))
			.retrieve()
			.toBodilessEntity()
			.block(Duration.ofSeconds(10));
	}

	private static long effectiveProbes() {
		List<Map<String, Object>> probes = http.get()
			.uri("/api/probes")
			.retrieve()
			.bodyToFlux(ANSWER)
			.collectList()
			.block(Duration.ofSeconds(10));
		return probes.stream().filter((p) -> "EFFECTIVE".equals(p.get("state"))).count();
	}

	private static double bulkLines(String stage) {
		return server.getBean(MeterRegistry.class)
			.get("dragnet.whois.bulk.lines")
			.tag("stage", stage)
			.functionCounter()
			.count();
	}

	/** The answers to a bulk body; bulk lookups are reads, so no admin token is sent. */
	private static Flux<Map<String, Object>> bulk(MediaType type, Object body) {
		WebClient.RequestBodySpec request = http.post()
			.uri("/api/whois/bulk")
			.contentType(type)
			.accept(MediaType.APPLICATION_NDJSON);
		WebClient.RequestHeadersSpec<?> withBody = (body instanceof Flux<?> lines)
				? request.body(lines.cast(String.class), String.class) : request.bodyValue(body);
		return withBody.retrieve().bodyToFlux(ANSWER);
	}

	/** Every answer by its line number, failing if a line is answered twice. */
	private static Map<Integer, Map<String, Object>> byLine(MediaType type, String body) {
		List<Map<String, Object>> answers = bulk(type, body).collectList().block(Duration.ofSeconds(30));
		assertThat(answers).isNotNull();
		return answers.stream().collect(Collectors.toMap((a) -> ((Number) a.get("line")).intValue(), Function.identity()));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> result(Map<String, Object> answer) {
		assertThat(answer).containsKey("result").doesNotContainKey("error");
		return (Map<String, Object>) answer.get("result");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> error(Map<String, Object> answer) {
		assertThat(answer).containsKey("error").doesNotContainKey("result");
		return (Map<String, Object>) answer.get("error");
	}

	@Test
	void mixedGoodAndBadTextLinesGetOneAnswerEachWithTheirLineNumbers() {
		String server = whois.host() + ":" + whois.port();
		String body = "example.test\r\n" // 1
				+ "\n" // 2: blank
				+ "# a comment\n" // 3
				+ "exa_mple.test\n" // 4
				+ "example.zzzz-nowhere\n" // 5
				+ "example.test:whois.nowhere.example\n" // 6
				+ "   other.test   # trailing comment\n" // 7
				+ "example.test:" + server; // 8, no line end
		double read = bulkLines("read");
		double answered = bulkLines("answered");
		Map<Integer, Map<String, Object>> answers = byLine(MediaType.TEXT_PLAIN, body);
		assertThat(answers).containsOnlyKeys(1, 4, 5, 6, 7, 8);
		// the metrics count the six lines that ask something, bad ones included, and no request stays open
		assertThat(bulkLines("read") - read).isEqualTo(6);
		assertThat(bulkLines("answered") - answered).isEqualTo(6);
		await().atMost(Duration.ofSeconds(5)).until(() -> BulkIntegrationTests.server.getBean(MeterRegistry.class)
			.get("dragnet.whois.bulk.requests")
			.gauge()
			.value() == 0);
		assertThat(result(answers.get(1))).containsEntry("text", "Domain Name: EXAMPLE.TEST\r\n")
			.containsEntry("domain", "example.test");
		assertThat(answers.get(4)).containsEntry("domain", "exa_mple.test");
		assertThat(error(answers.get(4))).containsEntry("type", "/problems/invalid-domain").containsEntry("status", 400);
		assertThat(error(answers.get(5))).containsEntry("type", "/problems/unknown-suffix").containsEntry("status", 404)
			.containsKeys("title", "detail");
		assertThat(error(answers.get(6))).containsEntry("type", "/problems/server-not-allowed");
		assertThat(answers.get(7)).containsEntry("domain", "other.test");
		assertThat(result(answers.get(7))).extracting((r) -> r.get("text")).asString().startsWith("No match for");
		assertThat(result(answers.get(8))).containsEntry("server", server);
	}

	@Test
	void ndjsonLinesAreReadAsJsonObjects() {
		String body = """
				{"domain": "example.test"}
				{"domain": "other.test", "server": "%s", "policy": "whois", "fresh": true}
				example.test
				{"server": "whois.example.net"}
				{"domain": "example.test", "policy": "sideways"}

				{"domain": "Bücher.TEST"}
				""".formatted(whois.host() + ":" + whois.port());
		Map<Integer, Map<String, Object>> answers = byLine(MediaType.APPLICATION_NDJSON, body);
		assertThat(answers).containsOnlyKeys(1, 2, 3, 4, 5, 7);
		assertThat(result(answers.get(1))).containsEntry("text", "Domain Name: EXAMPLE.TEST\r\n");
		assertThat(result(answers.get(2))).containsEntry("server", whois.host() + ":" + whois.port());
		assertThat(error(answers.get(3))).containsEntry("type", "/problems/bad-request");
		assertThat(error(answers.get(4))).containsEntry("type", "/problems/bad-request")
			.extracting((e) -> e.get("detail")).asString().contains("domain");
		assertThat(answers.get(5)).containsEntry("domain", "example.test");
		assertThat(error(answers.get(5))).containsEntry("type", "/problems/invalid-policy")
			.extracting((e) -> e.get("detail")).asString().contains("sideways");
		assertThat(answers.get(7)).containsEntry("domain", "Bücher.TEST");
		assertThat(result(answers.get(7))).containsEntry("domain", "xn--bcher-kva.test")
			.containsEntry("text", "Domain Name: XN--BCHER-KVA.TEST\r\n");
	}

	@Test
	void anOverlongLineGetsAnErrorAndReadingGoesOn() {
		String longLine = "a".repeat(5000) + ".test";
		Map<Integer, Map<String, Object>> answers = byLine(MediaType.TEXT_PLAIN,
				"example.test\n" + longLine + "\r\nother.test\n" + "b".repeat(1025) + "\nexample.test\n");
		assertThat(answers).containsOnlyKeys(1, 2, 3, 4, 5);
		assertThat(error(answers.get(2))).containsEntry("type", "/problems/line-too-long").containsEntry("status", 400)
			.extracting((e) -> e.get("detail")).asString().contains("1024 bytes");
		assertThat(answers.get(2)).extracting((a) -> a.get("domain")).asString().startsWith("aaaa").endsWith("...");
		assertThat(error(answers.get(4))).containsEntry("type", "/problems/line-too-long");
		assertThat(result(answers.get(3))).containsEntry("domain", "other.test");
		assertThat(result(answers.get(5))).containsEntry("domain", "example.test");
	}

	/**
	 * One client address runs at most {@value #PER_CLIENT} bulk requests: the next is refused with a problem and
	 * {@code Retry-After} while they run, and admitted once one has ended. The client comes from 127.0.0.2, so
	 * that other tests' requests from 127.0.0.1 do not count.
	 */
	@Test
	void oneClientRunsAtMostItsShareOfBulkRequests() {
		int port = Integer.parseInt(server.getEnvironment().getProperty("local.server.port"));
		WebClient other = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(
					HttpClient.create().bindAddress(() -> new InetSocketAddress("127.0.0.2", 0))))
			.baseUrl("http://127.0.0.1:" + port)
			.build();
		List<Sinks.Many<String>> bodies = new ArrayList<>();
		List<Disposable> running = new ArrayList<>();
		List<Map<String, Object>> answered = new CopyOnWriteArrayList<>();
		try {
			for (int i = 0; i < PER_CLIENT; i++) {
				Sinks.Many<String> body = Sinks.many().unicast().onBackpressureBuffer();
				body.tryEmitNext("example.test\n");
				bodies.add(body);
				running.add(other.post().uri("/api/whois/bulk").contentType(MediaType.TEXT_PLAIN)
					.body(body.asFlux(), String.class)
					.retrieve()
					.bodyToFlux(ANSWER)
					.subscribe(answered::add));
			}
			// Both are running once each has answered its first line while its body is still open.
			await().atMost(Duration.ofSeconds(15)).until(() -> answered.size() == PER_CLIENT);

			Map<String, Object> refused = other.post().uri("/api/whois/bulk").contentType(MediaType.TEXT_PLAIN).bodyValue("example.test\n")
				.exchangeToMono((response) -> response.bodyToMono(ANSWER)
					.map((problem) -> Map.of("status", response.statusCode().value(), "retryAfter",
							String.valueOf(response.headers().asHttpHeaders().getFirst("Retry-After")), "problem", problem)))
				.block(Duration.ofSeconds(10));
			assertThat(refused).containsEntry("status", 429).containsEntry("retryAfter", "30");
			@SuppressWarnings("unchecked")
			Map<String, Object> problem = (Map<String, Object>) refused.get("problem");
			assertThat(problem).containsEntry("type", "/problems/too-many-bulk-requests")
				.extracting((p) -> p.get("detail")).asString().contains("max-requests-per-client");
			// Another address is not held back by this one's requests.
			assertThat(byLine(MediaType.TEXT_PLAIN, "example.test\n")).containsOnlyKeys(1);

			bodies.get(0).tryEmitComplete();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(other.post().uri("/api/whois/bulk")
				.contentType(MediaType.TEXT_PLAIN).bodyValue("example.test\n")
				.exchangeToMono((response) -> Mono.just(response.statusCode().value()))
				.block(Duration.ofSeconds(10))).isEqualTo(200));
		}
		finally {
			bodies.forEach(Sinks.Many::tryEmitComplete);
			running.forEach(Disposable::dispose);
		}
	}

	@Test
	void aBodyWithNoLookupsGetsAnEmptyAnswer() {
		assertThat(byLine(MediaType.TEXT_PLAIN, "# nothing\n\n")).isEmpty();
	}

	/**
	 * The reader takes 10 answers and pauses. Lookups must stop soon: only as many as run at once, plus the
	 * answers parked between the server's lookups and this test, may have reached the WHOIS server. Without
	 * backpressure the server would read the whole body and query all {@value #SLOW_LINES} domains within a few
	 * seconds.
	 */
	@Test
	void aSlowReaderSlowsTheIntake() {
		AtomicInteger generated = new AtomicInteger();
		Flux<String> lines = Flux.range(1, SLOW_LINES)
			.map((i) -> "d" + i + ".big\n")
			.doOnNext((line) -> generated.incrementAndGet());
		int before = bigWhois.queries().size();
		int[] paused = new int[1];
		StepVerifier.create(bulk(MediaType.TEXT_PLAIN, lines), 0)
			.thenRequest(10)
			.expectNextCount(10)
			.then(() -> paused[0] = plateau(() -> bigWhois.queries().size() - before))
			.then(() -> assertThat(paused[0]).as("domains queried while the reader pauses, of " + SLOW_LINES)
				.isLessThanOrEqualTo(10 + CONCURRENCY + PARKED_SLACK))
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(SLOW_LINES - 10)
			.expectComplete()
			.verify(Duration.ofSeconds(60));
		System.out.printf("slow reader: %d of %d domains queried while the reader paused after 10 answers%n", paused[0],
				SLOW_LINES);
		// Distinct: a probe lost mid-lookup makes its lookups retry elsewhere, so a domain may be asked twice.
		assertThat(new HashSet<>(bigWhois.queries().subList(before, bigWhois.queries().size()))).hasSize(SLOW_LINES);
		assertThat(generated.get()).isEqualTo(SLOW_LINES);
	}

	private static final int SLOW_LINES = 600;

	/**
	 * Answers (about 9 KB each as JSON) that may sit between the server's lookups and this test while it
	 * pauses, all bounded in number: the response path's prefetch (Reactor Netty's {@code sendGroups} takes 32
	 * answers ahead, its send queue more), the server's 32 KB socket send buffer and this client's 64 KB receive
	 * buffer (the kernel doubles both: about 20 answers) and the client's decoder (a few). Measured: 160 to 164
	 * domains queried in all while paused, the same with 128 KB answers, so the prefetch (about 140 answers)
	 * dominates; 10 of them are the answers read and 8 the lookups running.
	 */
	private static final int PARKED_SLACK = 200;

	/** Waits until {@code count} has not changed for 1.5 seconds, and returns it. */
	private static int plateau(IntSupplier count) {
		int[] last = { -1 };
		long[] since = { System.nanoTime() };
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
			int now = count.getAsInt();
			if (now != last[0]) {
				last[0] = now;
				since[0] = System.nanoTime();
				return false;
			}
			return System.nanoTime() - since[0] > Duration.ofMillis(1500).toNanos();
		});
		return last[0];
	}

	@Test
	void manyLinesAreEachAnsweredOnce() {
		String body = IntStream.rangeClosed(1, 500).mapToObj((i) -> "n" + i + ".test").collect(Collectors.joining("\n"));
		Map<Integer, Map<String, Object>> answers = byLine(MediaType.TEXT_PLAIN, body);
		assertThat(answers).hasSize(500);
		assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 500).boxed().toList());
		answers.forEach((line, answer) -> assertThat(answer).containsEntry("domain", "n" + line + ".test"));
	}
}
