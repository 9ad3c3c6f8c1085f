package dev.dragnet.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.server.testsupport.StoppableDatabase;
import dev.dragnet.server.whois.port43.Port43Server;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13, the parts without campaigns: the real server on a PostgreSQL of its own, two real probes and a fake
 * WHOIS registry; the database is stopped for {@code dragnet.test.outage} while lookups keep coming, then started
 * again. The default is 20 s, to keep the class near a minute and a half on a busy machine; the figure is
 * 30 s: {@code -Ddragnet.test.outage=30s}.
 * Every lookup during the outage (HTTP, bulk, port 43) is answered with the registry's data, nothing answers 500,
 * a probe can even connect meanwhile, the health says DOWN then UP, and the mailbox gets one outage and one
 * recovery message. The campaign half of the issue is not covered here.
 */
class DatabaseOutageIntegrationTests {

	private static final String TOKEN = "outage-probe";

	private static final String ADMIN = "outage-admin";

	private static final Duration OUTAGE = Duration.parse("PT" + System.getProperty("dragnet.test.outage", "20s"));

	private static GreenMail smtp;

	private static FakeWhoisServer registry;

	private static StoppableDatabase database;

	private static RunningServer server;

	@BeforeAll
	static void start() throws IOException {
		int smtpPort;
		try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			smtpPort = free.getLocalPort();
		}
		smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
		smtp.start();
		registry = FakeWhoisServer.start();
		for (int i = 0; i < 3000; i++) {
			registry.answer("d" + i + ".test", "Domain Name: D" + i + ".TEST\r\nRegistrar: Outage Registrar\r\n");
		}
		database = StoppableDatabase.start("outage");
		server = RunningServer.start(database.springProperties(), 0, "--dragnet.probes.tokens=" + TOKEN,
				"--dragnet.admin.token=" + ADMIN, "--dragnet.probes.ping-interval=500ms",
				"--spring.mail.host=127.0.0.1", "--spring.mail.port=" + smtpPort,
				"--dragnet.alerts.recipients=ops@dragnet.test", "--dragnet.alerts.database-outage-after=3s",
				"--dragnet.alerts.retry.initial-backoff=200ms", "--dragnet.database.check-interval=500ms",
				"--dragnet.whois.allow-private-servers=true",
				"--dragnet.whois.default-policy=whois", "--dragnet.whois.pace.min-interval=0ms",
				"--dragnet.whois.pace.max-connections=16", "--dragnet.whois.port43.enabled=true",
				"--dragnet.whois.port43.port=0", "--dragnet.whois.port43.address=127.0.0.1");
		server.route("test", registry.host(), registry.port(), "%s", ADMIN);
		server.startProbe("probe-a", TOKEN, 4);
		server.startProbe("probe-b", TOKEN, 4);
		await().atMost(Duration.ofSeconds(20)).until(() -> effective().size() == 2);
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
		if (database != null) {
			database.close();
		}
		if (registry != null) {
			registry.close();
		}
		if (smtp != null) {
			smtp.stop();
		}
	}

	@Test
	void lookupsAndTheFleetOutliveTheDatabaseAndTheOperatorsAreTold() throws Exception {
		// a check that timed out during a busy start may have said DOWN for a moment
		await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(health().get("r2dbc")));
		assertThat(lookup(0).getResponseHeaders().getFirst("Dragnet-Cache")).isEqualTo("miss");
		assertThat(health()).containsEntry("r2dbc", "UP");

		database.stop();
		long end = System.nanoTime() + OUTAGE.toNanos();
		List<Integer> statuses = new ArrayList<>();
		boolean sawDown = false;
		boolean campaignRefused = false;
		int looked = 0;
		while (System.nanoTime() < end) {
			// Lookups keep coming, a few dozen a second: well under the 3,000 names the registry knows.
			Thread.sleep(25);
			looked++;
			EntityExchangeResult<Map<String, Object>> answer = lookup(looked);
			statuses.add(answer.getStatus().value());
			assertThat(answer.getStatus()).as("lookup %d during the outage", looked).isEqualTo(HttpStatus.OK);
			assertThat(answer.getResponseBody()).containsEntry("text",
					"Domain Name: D" + looked + ".TEST\r\nRegistrar: Outage Registrar\r\n");
			if (looked > 3) {
				// the first lookups may have been answered before the server noticed the database was gone
				assertThat(answer.getResponseHeaders().getFirst("Dragnet-Cache")).isEqualTo("skipped");
				assertThat(answer.getResponseBody()).containsEntry("cacheSkipped", true);
			}
			assertThat(effective()).as("GET /api/probes during the outage").containsExactlyInAnyOrder("probe-a", "probe-b");
			sawDown |= "DOWN".equals(health().get("r2dbc"));
			if (sawDown && !campaignRefused) {
				assertCampaignCreationIsRefusedHonestly();
				assertBulkAndPort43Answer();
				campaignRefused = true;
			}
		}
		assertThat(looked).isGreaterThan(4);
		assertThat(statuses).allMatch((status) -> status == 200);
		assertThat(sawDown).as("r2dbc DOWN during the outage").isTrue();
		assertThat(campaignRefused).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> inbox().size() >= 1);
		assertThat(inbox().get(0).getSubject()).isEqualTo("[dragnet] the database is unreachable");

		// A probe that connects while the database is away is served too, and stored once it is back.
		server.startProbe("probe-late", TOKEN, 2);
		await().atMost(Duration.ofSeconds(10)).until(() -> effective().contains("probe-late"));

		database.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> "UP".equals(health().get("r2dbc")));
		await().atMost(Duration.ofSeconds(10)).until(() -> inbox().size() >= 2);
		assertThat(inbox()).hasSize(2);
		assertThat(inbox().get(1).getSubject()).isEqualTo("[dragnet] the database is back");
		assertThat(GreenMailUtil.getBody(inbox().get(1))).contains("unreachable for");
		int after = looked + 1;
		// the cache works again: a lookup is stored, and the next one of the same name is answered from it
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "hit".equals(lookup(after).getResponseHeaders().getFirst("Dragnet-Cache")));
		await().atMost(Duration.ofSeconds(10)).until(() -> storedStates().containsAll(
				List.of("probe-a=EFFECTIVE", "probe-b=EFFECTIVE", "probe-late=EFFECTIVE")));
		assertThat(effective()).containsExactlyInAnyOrder("probe-a", "probe-b", "probe-late");
	}

	private static void assertCampaignCreationIsRefusedHonestly() {
		server.http()
			.post()
			.uri("/api/campaigns")
			.headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "during-outage", "ranges", List.of("192.0.2.0/30")))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.exists("Retry-After")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("/problems/database-unavailable");
	}

	/** Text, bulk and the port-43 front door take the same path as the JSON lookup: answered, cache skipped. */
	@SuppressWarnings("unchecked")
	private static void assertBulkAndPort43Answer() throws IOException {
		String answers = server.http()
			.post()
			.uri("/api/whois/bulk")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("d2901.test\nd2902.test\n")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		List<Map<String, Object>> lines = answers.lines()
			.map((line) -> (Map<String, Object>) JsonMapper.shared().readValue(line, Map.class))
			.toList();
		assertThat(lines).hasSize(2).allSatisfy((line) -> {
			Map<String, Object> result = (Map<String, Object>) line.get("result");
			assertThat(result).as("bulk line %s", line).isNotNull().containsEntry("cacheSkipped", true);
			assertThat((String) result.get("text")).contains("Registrar: Outage Registrar");
		});

		server.http()
			.get()
			.uri("/WHOIS/d2904.test")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Dragnet-Cache", "skipped")
			.expectHeader()
			.valueEquals("Dragnet-Cached", "false")
			.expectBody(String.class)
			.value((text) -> assertThat(text).contains("Domain Name: D2904.TEST"));

		int port = server.context().getBean(Port43Server.class).port();
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(30_000);
			socket.getOutputStream().write("d2903.test\r\n".getBytes(StandardCharsets.US_ASCII));
			String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(text).contains("Domain Name: D2903.TEST");
		}
	}

	private static EntityExchangeResult<Map<String, Object>> lookup(int i) {
		return server.http()
			.get()
			.uri("/api/whois/d{i}.test", i)
			.exchange()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult();
	}

	private static List<String> effective() {
		List<Map<String, Object>> probes = server.http()
			.get()
			.uri("/api/probes")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult()
			.getResponseBody();
		return probes.stream().filter((p) -> "EFFECTIVE".equals(p.get("state"))).map((p) -> (String) p.get("name")).toList();
	}

	/** Each component's status; the overall answer may be 503 (the database is DOWN), never 500. */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> health() {
		EntityExchangeResult<Map<String, Object>> result = server.http()
			.get()
			.uri("/actuator/health")
			.exchange()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult();
		assertThat(result.getStatus().value()).isIn(200, 503);
		Map<String, Object> components = (Map<String, Object>) result.getResponseBody().get("components");
		Map<String, Object> statuses = new java.util.HashMap<>();
		components.forEach((name, value) -> statuses.put(name, ((Map<String, Object>) value).get("status")));
		return statuses;
	}

	/** The probe rows as stored, {@code name=STATE}. */
	private static List<String> storedStates() {
		return server.context()
			.getBean(DatabaseClient.class)
			.sql("SELECT name, state FROM probe ORDER BY name")
			.map((row) -> row.get("name", String.class) + "=" + row.get("state", String.class))
			.all()
			.collectList()
			.block(Duration.ofSeconds(10));
	}

	private static List<MimeMessage> inbox() {
		return smtp.findReceivedMessages((user) -> "ops@dragnet.test".equals(user.getEmail()), (message) -> true)
			.toList();
	}
}
