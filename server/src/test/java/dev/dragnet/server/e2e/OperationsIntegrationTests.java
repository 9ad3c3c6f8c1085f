package dev.dragnet.server.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health and Prometheus metrics as an operator sees them: the real server, a real probe doing a real lookup
 * against a fake WHOIS server on loopback, and a campaign, all read back over {@code /actuator}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsIntegrationTests {

	private static final String ADMIN = "ops-admin";

	private static FakeWhoisServer whois;

	private static RunningServer server;

	private static ProbeAgent probe;

	@BeforeAll
	static void start() {
		whois = FakeWhoisServer.start();
		whois.answer("metrics.test", "Domain Name: METRICS.TEST\r\n");
		server = RunningServer.start("--dragnet.probes.tokens=ops-probe", "--dragnet.admin.token=" + ADMIN,
				"--dragnet.admin.protect-reads=true", "--dragnet.probes.ping-interval=500ms",
				"--dragnet.whois.allow-private-servers=true", "--dragnet.whois.default-policy=whois",
				"--dragnet.whois.pace.min-interval=0ms", "--dragnet.campaigns.metrics-interval=200ms",
				"--dragnet.campaigns.min-block-size=16");
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
		if (whois != null) {
			whois.close();
		}
	}

	@Test
	@Order(1)
	void beforeAnyProbeTheFleetIsUnknownAndTheServerUpWithoutAToken() {
		Map<String, Object> health = health(200);
		assertThat(health.get("status")).isEqualTo("UP");
		assertThat(component(health, "probeFleet")).containsEntry("status", "UNKNOWN");
		assertThat(component(health, "r2dbc")).containsEntry("status", "UP");
		server.http().get().uri("/actuator/info").exchange().expectStatus().isOk();
		assertThat(metric(prometheus(), "dragnet_probes", "state=\"effective\"")).isZero();
	}

	@Test
	@Order(2)
	void aRealLookupShowsUpInTheMetrics() {
		server.route("test", whois.host(), whois.port(), "%s", ADMIN);
		probe = server.startProbe("ops-probe-1", "ops-probe", 4);
		await().atMost(Duration.ofSeconds(15)).until(() -> metric(prometheus(), "dragnet_probes", "state=\"effective\"") == 1);
		server.http().get().uri("/WHOIS/metrics.test").headers((h) -> h.setBearerAuth(ADMIN)).exchange()
			.expectStatus().isOk();

		String metrics = prometheus();
		String target = "server=\"" + whois.host() + ":" + whois.port() + "\"";
		assertThat(metric(metrics, "dragnet_whois_requests_total", target, "outcome=\"OK\"")).isEqualTo(1);
		assertThat(metric(metrics, "dragnet_whois_latency_seconds_count", target, "outcome=\"OK\"")).isEqualTo(1);
		assertThat(metric(metrics, "dragnet_whois_latency_seconds_sum", target, "outcome=\"OK\"")).isPositive();
		assertThat(metric(metrics, "dragnet_tasks_in_flight", "kind=\"whois\"")).isZero();
		assertThat(metric(metrics, "dragnet_tasks_in_flight", "kind=\"rdap\"")).isZero();
		assertThat(metric(metrics, "dragnet_leases_expired_total")).isZero();
		Map<String, Object> health = health(200);
		assertThat(component(health, "probeFleet")).containsEntry("status", "UP");
	}

	@Test
	@Order(3)
	void aRunningCampaignHasProgressGauges() {
		Map<String, Object> created = server.http().post().uri("/api/campaigns").headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "gauged", "ranges", List.of("198.51.100.0/27"), "blockSize", 16))
			.exchange().expectStatus().isCreated()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody();
		String campaign = "campaign=\"" + created.get("id") + "\"";
		server.http().post().uri("/api/campaigns/{id}/start", created.get("id")).headers((h) -> h.setBearerAuth(ADMIN))
			.exchange().expectStatus().isOk();
		// No probe here can do reverse-IP work, so the campaign runs with every block pending.
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> metric(prometheus(), "dragnet_campaign_ips", campaign,
				"state=\"pending\"") == 32);
		String metrics = prometheus();
		assertThat(metric(metrics, "dragnet_campaign_blocks", campaign, "state=\"pending\"")).isEqualTo(2);
		assertThat(metric(metrics, "dragnet_campaign_blocks", campaign, "state=\"done\"")).isZero();
		assertThat(metric(metrics, "dragnet_campaign_blocks_completed_total")).isZero();

		server.http().post().uri("/api/campaigns/{id}/cancel", created.get("id")).headers((h) -> h.setBearerAuth(ADMIN))
			.exchange().expectStatus().isOk();
		await().atMost(Duration.ofSeconds(10)).until(() -> !prometheus().contains(campaign));
	}

	@Test
	@Order(4)
	void whenTheLastProbeIsGoneTheFleetAndTheServerAreDownUntilItComesBack() {
		probe.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> metric(prometheus(), "dragnet_probes", "state=\"ineffective\"") == 1);
		assertThat(metric(prometheus(), "dragnet_probes", "state=\"effective\"")).isZero();
		Map<String, Object> health = health(503);
		assertThat(health.get("status")).isEqualTo("DOWN");
		assertThat(component(health, "probeFleet")).containsEntry("status", "DOWN")
			.extractingByKey("details").asString().contains("ops-probe-1");

		probe = server.startProbe("ops-probe-1", "ops-probe", 4);
		await().atMost(Duration.ofSeconds(15)).until(() -> metric(prometheus(), "dragnet_probes", "state=\"effective\"") == 1);
		assertThat(metric(prometheus(), "dragnet_probes", "state=\"ineffective\"")).isZero();
		assertThat(health(200).get("status")).isEqualTo("UP");
	}

	private static Map<String, Object> health(int status) {
		return server.http().get().uri("/actuator/health").exchange().expectStatus().isEqualTo(status)
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> component(Map<String, Object> health, String name) {
		Map<String, Object> components = (Map<String, Object>) health.get("components");
		assertThat(components).as("health components").containsKey(name);
		return (Map<String, Object>) components.get(name);
	}

	private static String prometheus() {
		return server.http().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
	}

	/** The value of the one sample of {@code name} whose labels include every one of {@code labels}. */
	static double metric(String exposition, String name, String... labels) {
		Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
		Matcher matcher = sample.matcher(exposition);
		Double found = null;
		while (matcher.find()) {
			String present = (matcher.group(1) != null) ? matcher.group(1) : "";
			if (List.of(labels).stream().allMatch(present::contains)) {
				assertThat(found).as("one sample of %s with %s", name, List.of(labels)).isNull();
				found = Double.parseDouble(matcher.group(2));
			}
		}
		assertThat(found).as("a sample of %s with %s in%n%s", name, List.of(labels), exposition).isNotNull();
		return found;
	}
}
