package dev.dragnet.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.dragnet.net.Ipv4Range;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.server.testsupport.CampaignWorlds;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.testbed.reverseip.Blocking;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /api/campaigns/{id}/retry-failed}: refused for an unknown campaign (404) and for one with no failed
 * block (409); a campaign that ended with failed blocks says so (its view, its end-of-campaign mail), and retrying
 * them runs it again to an exact end. Blocks fail for real here: one attempt each, and a site that resets
 * connections.
 */
class CampaignRetryFailedIntegrationTests {

	private static final String ADMIN = "retry-admin";

	private static final String TOKEN = "retry-probe";

	private static final ReverseIpWorld world = new ReverseIpWorld(97L);

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private static GreenMail smtp;

	private static PlainTextSite site;

	private static RunningServer server;

	@BeforeAll
	static void start() throws IOException {
		int smtpPort;
		try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			smtpPort = free.getLocalPort();
		}
		smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
		smtp.start();
		site = PlainTextSite.start(world).unlimited();
		server = RunningServer.start("--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN,
				"--dragnet.campaigns.min-block-size=16", "--dragnet.campaigns.max-attempts=1",
				"--spring.mail.host=127.0.0.1", "--spring.mail.port=" + smtpPort,
				"--dragnet.alerts.recipients=ops@dragnet.test", "--dragnet.alerts.round=500ms");
		SourceDefinition plain = SourceCatalogue.plainText(site.baseUrl()).withPace(new Pace(0, 1));
		server.http().put().uri("/api/sources/{name}", plain.name()).headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(plain).exchange().expectStatus().isOk();
		server.startProbe("retry-a", TOKEN, 4);
		server.startProbe("retry-b", TOKEN, 4);
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
		if (site != null) {
			site.close();
		}
		if (smtp != null) {
			smtp.stop();
		}
	}

	@Test
	void anUnknownCampaignIsA404Problem() {
		server.http().post().uri("/api/campaigns/{id}/retry-failed", 424242).headers((h) -> h.setBearerAuth(ADMIN))
			.exchange().expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("/problems/unknown-campaign");
	}

	@Test
	void retryingNeedsTheAdminToken() {
		server.http().post().uri("/api/campaigns/{id}/retry-failed", 1).exchange().expectStatus().isUnauthorized();
	}

	@Test
	void failedBlocksAreReportedAndRetriedUntilTheCampaignIsExact() throws MessagingException {
		Ipv4Range range = Ipv4Range.parse("198.51.100.64/26");
		long id = ((Number) server.http().post().uri("/api/campaigns").headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "flaky", "ranges", List.of(range.toString()), "blockSize", 16))
			.exchange().expectStatus().isCreated()
			.expectBody(JSON).returnResult().getResponseBody().get("id")).longValue();
		retry(id).expectStatus().isEqualTo(409).expectBody()
			.jsonPath("$.type").isEqualTo("/problems/no-failed-blocks")
			.jsonPath("$.detail").value((detail) -> assertThat((String) detail).contains("no FAILED block"));

		// Every 40th lookup has its connection reset: a real failure, and with one attempt per block, a failed block.
		site.behaviour(Blocking.connectionReset(1, 40));
		server.http().post().uri("/api/campaigns/{id}/start", id).headers((h) -> h.setBearerAuth(ADMIN)).exchange()
			.expectStatus().isOk();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
			.until(() -> !"RUNNING".equals(campaign(id).get("state")));
		Map<String, Object> ended = campaign(id);
		assertThat(ended.get("state")).as("some blocks were answered").isEqualTo("DONE");
		Map<?, ?> failures = (Map<?, ?>) ended.get("failures");
		assertThat(failures).as("a campaign that ends with failed blocks says so").isNotNull();
		long failedIps = ((Number) failures.get("ips")).longValue();
		assertThat(((Number) failures.get("blocks")).longValue()).isBetween(1L, 3L);
		assertThat(failedIps).isEqualTo(16 * ((Number) failures.get("blocks")).longValue());
		assertThat((List<?>) failures.get("reasons")).isNotEmpty()
			.allSatisfy((reason) -> assertThat((String) reason).contains("gave up").contains("block"));

		// The end-of-campaign mail gives the failed address count and the reasons.
		await().atMost(Duration.ofSeconds(20)).until(() -> Arrays.stream(smtp.getReceivedMessages())
			.anyMatch((m) -> subject(m).contains("campaign " + id + " 'flaky'")));
		MimeMessage mail = Arrays.stream(smtp.getReceivedMessages())
			.filter((m) -> subject(m).contains("campaign " + id + " 'flaky'"))
			.findFirst().orElseThrow();
		assertThat(mail.getSubject()).isEqualTo("[dragnet] campaign " + id + " 'flaky' is done with " + failedIps
				+ " addresses failed");
		assertThat(GreenMailUtil.getBody(mail).replace("\r\n", "\n")).contains(failedIps + " addresses FAILED")
			.contains("retry-failed").contains("Why blocks failed").contains("gave up");

		// The site is healthy again; the failed blocks run again with fresh attempts and the campaign ends exact.
		site.clearBehaviours();
		retry(id).expectStatus().isOk().expectBody()
			.jsonPath("$.state").isEqualTo("RUNNING")
			.jsonPath("$.failures").doesNotExist();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
			.until(() -> "DONE".equals(campaign(id).get("state")));
		Map<String, Object> done = campaign(id);
		assertThat(done.get("failures")).isNull();
		assertThat(((Map<?, ?>) ((Map<?, ?>) done.get("progress")).get("blocks")).get("done")).isEqualTo(4);
		assertExact(id, range);
		retry(id).expectStatus().isEqualTo(409);
	}

	private static org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec retry(long id) {
		return server.http().post().uri("/api/campaigns/{id}/retry-failed", id).headers((h) -> h.setBearerAuth(ADMIN))
			.exchange();
	}

	private static Map<String, Object> campaign(long id) {
		return server.http().get().uri("/api/campaigns/{id}", id).exchange().expectStatus().isOk()
			.expectBody(JSON).returnResult().getResponseBody();
	}

	private static String subject(MimeMessage message) {
		try {
			return String.valueOf(message.getSubject());
		}
		catch (MessagingException ex) {
			return "";
		}
	}

	private static void assertExact(long id, Ipv4Range range) {
		String csv = server.http().get().uri("/api/campaigns/{id}/results.csv", id).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		Map<String, Set<String>> stored = new HashMap<>();
		csv.lines().skip(1).forEach((line) -> {
			String[] columns = line.split(",");
			stored.computeIfAbsent(columns[0], (k) -> new HashSet<>()).add(columns[1]);
		});
		for (long a = range.first(); a <= range.last(); a++) {
			String ip = Ipv4Range.format(a);
			Set<String> expected = CampaignWorlds.reported(world, ip);
			assertThat(stored.getOrDefault(ip, Set.of())).as(ip).isEqualTo(expected);
		}
	}
}
