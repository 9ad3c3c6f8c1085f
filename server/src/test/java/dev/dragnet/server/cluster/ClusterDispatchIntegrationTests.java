package dev.dragnet.server.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.dragnet.server.dispatch.TargetStatistics;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real server instances on one database, with the cluster secret, a real probe agent on instance B only and a
 * fake WHOIS server on loopback: lookups and bulk lines asked at A are answered by B's probe, whole answers
 * included; A's statistics and gauges show B's work; the internal endpoints refuse calls without the secret.
 */
class ClusterDispatchIntegrationTests {

	private static final String SECRET = "cluster-dispatch-secret-0123456789";

	private static final String ADMIN = "cluster-admin-token";

	private static final String TOKEN = "cluster-probe-token";

	private static final ParameterizedTypeReference<Map<String, Object>> OBJECT = new ParameterizedTypeReference<>() {
	};

	private static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() {
	};

	/** Near the 256 KB answer cap (about 245 KB in UTF-8), with text in several scripts: it must come back from B byte for byte. */
	private static final String BIG = bigAnswer();

	private static FakeWhoisServer whois;

	private static RunningServer a;

	private static RunningServer b;

	@BeforeAll
	static void start() {
		whois = FakeWhoisServer.start();
		whois.answer("big.test", BIG);
		for (String domain : List.of("single.test", "one.test", "two.test", "three.test")) {
			whois.answer(domain, "Domain Name: " + domain.toUpperCase() + "\r\nRegistrar: Fake Registrar\r\n");
		}
		Map<String, Object> database = TestDatabase.springProperties();
		String[] arguments = { "--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN,
				"--dragnet.cluster.secret=" + SECRET, "--dragnet.cluster.heartbeat-interval=200ms",
				"--dragnet.cluster.dead-after=2s", "--dragnet.whois.allow-private-servers=true",
				"--dragnet.whois.pace.min-interval=0ms", "--dragnet.whois.pace.max-connections=16",
				"--dragnet.whois.default-policy=whois", "--dragnet.dispatch.attempt-timeout=5s" };
		a = RunningServer.start(database, 0, arguments);
		b = RunningServer.start(database, 0, arguments);
		a.route("test", whois.host(), whois.port(), "%s", ADMIN);
		b.startProbe("probe-on-b", TOKEN, 4);
		// A learns of B's probe from the probe table at its next heartbeat.
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
			.until(() -> a.context().getBean(FleetProbes.class).effectiveElsewhere() == 1);
	}

	@AfterAll
	static void stop() {
		for (AutoCloseable closing : new AutoCloseable[] { b, a, whois }) {
			try {
				if (closing != null) {
					closing.close();
				}
			}
			catch (Exception ex) {
				// the next one still closes
			}
		}
	}

	@Test
	void aLookupOnAnInstanceWithoutProbesIsAnsweredByAnotherInstancesProbe() {
		a.http().get().uri("/WHOIS/single.test").exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals("Dragnet-Probe", "probe-on-b")
			.expectBody(String.class).value((text) -> assertThat(text).contains("Domain Name: SINGLE.TEST"));
	}

	@Test
	void aWholeAnswerNearTheCapComesBackIntact() {
		Map<String, Object> lookup = a.http().mutate()
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
			.build()
			.get().uri("/api/whois/big.test").exchange()
			.expectStatus().isOk()
			.expectBody(OBJECT).returnResult().getResponseBody();
		assertThat(lookup).containsEntry("probe", "probe-on-b").containsEntry("outcome", "OK");
		assertThat((String) lookup.get("text")).isEqualTo(BIG);
	}

	@Test
	void bulkLinesOnAnInstanceWithoutProbesAreAnsweredByAnotherInstancesProbe() {
		List<Map<String, Object>> answers = a.http().post().uri("/api/whois/bulk")
			.contentType(MediaType.TEXT_PLAIN)
			.accept(MediaType.APPLICATION_NDJSON)
			.bodyValue("one.test\ntwo.test\nthree.test\n")
			.exchange()
			.expectStatus().isOk()
			.returnResult(OBJECT)
			.getResponseBody()
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(answers).hasSize(3).allSatisfy((answer) -> {
			assertThat(answer).containsKey("result");
			assertThat(((Map<?, ?>) answer.get("result")).get("probe")).isEqualTo("probe-on-b");
		});
	}

	@Test
	void statisticsAndProbesOnEitherInstanceShowTheWholeFleet() {
		a.http().get().uri("/WHOIS/two.test").exchange().expectStatus().isOk();
		String server = whois.host() + ":" + whois.port();
		assertThat(a.context().getBean(TargetStatistics.class).snapshot()).as("A itself sent nothing")
			.noneMatch((s) -> s.server().equals(server) && s.lookups() > 0);
		EntityExchangeResult<List<Map<String, Object>>> stats = a.http().get().uri("/api/whois-servers/stats").exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals("Dragnet-Fleet-Instances", "2")
			.expectBody(LIST).returnResult();
		assertThat(stats.getResponseHeaders().get("Dragnet-Fleet-Missing")).isNull();
		assertThat(stats.getResponseBody()).filteredOn((s) -> server.equals(s.get("server")))
			.singleElement()
			.satisfies((s) -> assertThat(((Number) s.get("successes")).longValue()).isPositive());

		List<Map<String, Object>> probes = a.http().get().uri("/api/probes").exchange()
			.expectStatus().isOk().expectBody(LIST).returnResult().getResponseBody();
		assertThat(probes).filteredOn((p) -> "probe-on-b".equals(p.get("name"))).singleElement()
			.satisfies((p) -> assertThat(p).containsEntry("state", "EFFECTIVE")
				.containsEntry("instance", b.context().getBean(ClusterMembership.class).id()));

		// A has no probe of its own, yet its fleet is up: B's probe runs its lookups.
		a.http().get().uri("/actuator/health").exchange().expectBody()
			.jsonPath("$.components.probeFleet.status").isEqualTo("UP")
			.jsonPath("$.components.probeFleet.details.elsewhere").isEqualTo(1);

		// The status page's WHOIS panel on A shows the attempts B's probe made.
		// It is asked of the peers at most every 2 s: a panel sampled just before the lookup shows it at the next ask.
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
			FleetStatistics.Live live = a.context().getBean(FleetStatistics.class).live().block(Duration.ofSeconds(10));
			assertThat(live).isNotNull();
			assertThat(live.traffic().ok()).as("attempts in the last minute, fleet-wide").isPositive();
			assertThat(live.servers()).anySatisfy((s) -> assertThat(s.server()).isEqualTo(server));
		});
		assertThat(a.context().getBean(TargetStatistics.class).traffic().ok()).as("A's own").isZero();

		String metrics = a.http().get().uri("/actuator/prometheus").exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(metrics.lines().filter((line) -> line.startsWith("dragnet_probes{") && line.contains("effective\"")
				&& !line.contains("ineffective")).collect(Collectors.joining()))
			.as("A's gauge counts B's probe").endsWith(" 1.0");
	}

	@Test
	void theInternalEndpointsRefuseCallsWithoutTheSecret() {
		a.http().post().uri("/internal/cluster/tasks").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("/problems/cluster-secret-required");
		a.http().get().uri("/internal/cluster/stats").header(ClusterSecret.HEADER, "not-the-cluster-secret-at-all")
			.exchange()
			.expectStatus().isUnauthorized();
		a.http().get().uri(URI.create("http://127.0.0.1:" + a.port() + "/%69nternal/cluster/stats")).exchange()
			.expectStatus().isUnauthorized();
		a.http().get().uri("/internal/cluster/stats").header(ClusterSecret.HEADER, SECRET).exchange()
			.expectStatus().isOk();
	}

	private static String bigAnswer() {
		StringBuilder text = new StringBuilder("Domain Name: BIG.TEST\r\n");
		int line = 0;
		while (text.length() < 220_000) {
			text.append("Remark ").append(line++).append(": Müller straße ünïcödé \"quoted\" \\ back\tslash\r\n");
		}
		return text.toString();
	}
}
