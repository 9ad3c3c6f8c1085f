package dev.dragnet.server.e2e;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.dragnet.server.testsupport.RunningServer;
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
 * The WHOIS servers nobody wants to meet, end to end: endless answers, slow drips, binary garbage,
 * ISO-8859-1 and GBK, and every throttle notice from the field notes, each recognised as a throttle and
 * answered with the wait it names.
 */
class WhoisHostileServersIntegrationTests {

	private static final String ADMIN_TOKEN = "hostile-admin";

	private static final int MAX_BYTES = 64 * 1024;

	private static final List<FakeWhoisServer> fakes = new ArrayList<>();

	private static FakeWhoisServer hostile;

	private static FakeWhoisServer chinese;

	private static RunningServer server;

	private static WebTestClient http;

	@BeforeAll
	static void start() {
		hostile = fake();
		hostile.answer("endless.test", WhoisBehaviour.endless());
		hostile.answer("drip.test", WhoisBehaviour.slowDrip("Domain Name: DRIP.TEST\r\n", Duration.ofSeconds(2)));
		hostile.answer("garbage.test", WhoisBehaviour.bytes(new byte[] { 0, (byte) 0xff, (byte) 0xfe, 0x1b, 'x', (byte) 0x80 }));
		hostile.answer("latin.test", WhoisBehaviour.text("Registrant: Jürgen Müller\r\n", StandardCharsets.ISO_8859_1));
		chinese = fake();
		chinese.fallback(WhoisBehaviour.text("域名: 例子.中国\r\n注册商: 北京某某网络\r\n", Charset.forName("GBK")));
		server = RunningServer.start("--dragnet.probes.tokens=hostile-probe", "--dragnet.admin.token=" + ADMIN_TOKEN,
				"--dragnet.whois.allow-private-servers=true", "--dragnet.whois.pace.min-interval=0ms",
				"--dragnet.whois.pace.max-connections=16", "--dragnet.dispatch.attempt-timeout=3s",
				"--dragnet.whois.max-response-size=" + MAX_BYTES + "B", "--dragnet.whois.default-policy=whois",
				"--dragnet.whois.charsets[" + chinese.host() + ":" + chinese.port() + "]=GBK");
		http = server.http();
		route("test", hostile);
		route("cn-test", chinese);
		server.startProbe("probe-a", "hostile-probe", 8);
		server.startProbe("probe-b", "hostile-probe", 8);
		await().atMost(Duration.ofSeconds(15)).until(() -> http.get().uri("/api/probes").exchange()
			.expectBody(List.class).returnResult().getResponseBody().size() == 2);
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
		fakes.forEach(FakeWhoisServer::close);
	}

	private static FakeWhoisServer fake() {
		FakeWhoisServer fake = FakeWhoisServer.start();
		fakes.add(fake);
		return fake;
	}

	private static void route(String suffix, FakeWhoisServer fake) {
		server.route(suffix, fake.host(), fake.port(), "%s", ADMIN_TOKEN);
	}

	@Test
	void anEndlessAnswerIsCutAtTheByteCapAndMarkedTruncated() {
		byte[] body = http.get().uri("/WHOIS/endless.test").exchange().expectStatus().isOk().expectHeader()
			.valueEquals("Dragnet-Truncated", "true").expectBody().returnResult().getResponseBody();
		assertThat(body).hasSize(MAX_BYTES);
	}

	@Test
	void aSlowDripPastTheDeadlineEndsAs504NamingEachProbe() {
		http.get().uri("/WHOIS/drip.test").exchange().expectStatus().isEqualTo(HttpStatus.GATEWAY_TIMEOUT).expectBody()
			.jsonPath("$.type").isEqualTo("/problems/lookup-failed")
			.jsonPath("$.attempts.length()").isEqualTo(2)
			.jsonPath("$.attempts[0].outcome").isEqualTo("TIMEOUT");
	}

	@Test
	void binaryGarbageIsDecodedNotAnError() {
		http.get().uri("/api/whois/garbage.test").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.outcome").isEqualTo("OK")
			.jsonPath("$.text").value((t) -> assertThat(t).asString().contains("x"));
	}

	@Test
	void latin1AnswersAreDetected() {
		http.get().uri("/WHOIS/latin.test").exchange().expectStatus().isOk().expectBody(String.class)
			.isEqualTo("Registrant: Jürgen Müller\r\n");
	}

	@Test
	void gbkAnswersAreDecodedWithTheServersConfiguredCharset() {
		http.get().uri("/WHOIS/example.cn-test").exchange().expectStatus().isOk().expectBody(String.class)
			.value((t) -> assertThat(t).contains("注册商: 北京某某网络"));
	}

	@Test
	void everyThrottleNoticeIsRecognisedAndItsWaitHonoured() {
		List<WhoisScenarios.Throttle> throttles = WhoisScenarios.throttles();
		for (int i = 0; i < throttles.size(); i++) {
			WhoisScenarios.Throttle throttle = throttles.get(i);
			FakeWhoisServer registry = fake();
			registry.fallback(WhoisBehaviour.text(throttle.text()));
			route("thr" + i, registry);
			// Without a named wait, the first rest is dragnet.dispatch.first-throttle-rest (2 s); it grows only if it does not help.
			long expected = (throttle.namedWait() != null) ? throttle.namedWait().toSeconds() : 2;
			http.get()
				.uri("/WHOIS/example.thr" + i)
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
				.expectHeader()
				.value("Retry-After", (v) -> assertThat(Long.parseLong(v)).as(throttle.registry())
					.isBetween(Math.max(1, expected - 2), expected))
				.expectBody()
				.jsonPath("$.type").isEqualTo("/problems/no-probe-available");
			assertThat(registry.queries()).as(throttle.registry() + ": one try per probe").hasSize(2);
		}
	}
}
