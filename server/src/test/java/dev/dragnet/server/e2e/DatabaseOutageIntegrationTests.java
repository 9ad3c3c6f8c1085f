package dev.dragnet.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.dragnet.net.Ipv4Range;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.server.testsupport.CampaignWorlds;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.server.testsupport.StoppableDatabase;
import dev.dragnet.server.testsupport.TestHttp;
import dev.dragnet.server.whois.port43.Port43Server;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import io.micrometer.core.instrument.MeterRegistry;
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
 * Issue 13: the real server on a PostgreSQL of its own, two real probes, a fake WHOIS registry and a fake reverse-IP
 * site; a campaign of 256 addresses is running when the database is stopped for {@code dragnet.test.outage} while
 * lookups keep coming, then started again. The default is 20 s, to keep the class near a minute and a half on a busy
 * machine; the figure is 30 s: {@code -Ddragnet.test.outage=30s}. The campaign's leases (10 s) are shorter
 * than the outage.
 * Every lookup during the outage (HTTP, bulk, port 43) is answered with the registry's data, nothing answers 500,
 * a probe can even connect meanwhile, the health says DOWN then UP, and the mailbox gets one outage and one
 * recovery message. The campaign ends DONE with every address exactly as the world has it, each counted once, no
 * block FAILED and no attempt counted for the outage.
 */
class DatabaseOutageIntegrationTests {

	private static final String TOKEN = "outage-probe";

	private static final String ADMIN = "outage-admin";

	private static final Duration OUTAGE = Duration.parse("PT" + System.getProperty("dragnet.test.outage", "20s"));

	private static GreenMail smtp;

	private static FakeWhoisServer registry;

	private static StoppableDatabase database;

	private static final ReverseIpWorld world = new ReverseIpWorld(1313L);

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
		registry = FakeWhoisServer.start();
		for (int i = 0; i < 3000; i++) {
			registry.answer("d" + i + ".test", "Domain Name: D" + i + ".TEST\r\nRegistrar: Outage Registrar\r\n");
		}
		site = PlainTextSite.start(world).unlimited();
		database = StoppableDatabase.start("outage");
		server = RunningServer.start(database.springProperties(), 0, "--dragnet.probes.tokens=" + TOKEN,
				"--dragnet.admin.token=" + ADMIN, "--dragnet.probes.ping-interval=500ms",
				"--spring.mail.host=127.0.0.1", "--spring.mail.port=" + smtpPort,
				"--dragnet.alerts.recipients=ops@dragnet.test", "--dragnet.alerts.database-outage-after=3s",
				"--dragnet.alerts.retry.initial-backoff=200ms", "--dragnet.database.check-interval=500ms",
				"--dragnet.whois.allow-private-servers=true",
				"--dragnet.whois.default-policy=whois", "--dragnet.whois.pace.min-interval=0ms",
				"--dragnet.whois.pace.max-connections=16", "--dragnet.whois.port43.enabled=true",
				"--dragnet.whois.port43.port=0", "--dragnet.whois.port43.address=127.0.0.1",
				"--dragnet.campaigns.min-block-size=16", "--dragnet.campaigns.lease-duration=10s",
				"--dragnet.campaigns.sweep-interval=500ms", "--dragnet.database.retry-after=2s");
		server.route("test", registry.host(), registry.port(), "%s", ADMIN);
		// Paced so that the campaign takes a while: about ten lookups a second per probe.
		SourceDefinition plain = SourceCatalogue.plainText(site.baseUrl()).withPace(new Pace(100, 2));
		server.http().put().uri("/api/sources/{name}", plain.name()).headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(plain).exchange().expectStatus().isOk();
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
		if (site != null) {
			site.close();
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
		Ipv4Range range = range();
		long campaign = startCampaign(range);
		// Under way, with blocks in flight and most still to do, when the database goes.
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
			.until(() -> blocks(campaign, "done") >= 2);
		assertThat(blocks(campaign, "pending")).as("most of the campaign is still to do").isGreaterThanOrEqualTo(6);

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
				assertCampaignReadIsRefusedHonestly(campaign);
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
		assertThat(site.requests()).as("the probes went on working on the blocks they held").isNotEmpty();

		// A probe that connects while the database is away is served too, and stored once it is back.
		server.startProbe("probe-late", TOKEN, 2);
		await().atMost(Duration.ofSeconds(10)).until(() -> effective().contains("probe-late"));

		database.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> "UP".equals(health().get("r2dbc")));
		await().atMost(Duration.ofSeconds(10)).until(() -> databaseMails().size() >= 2);
		assertThat(databaseMails()).extracting(MimeMessage::getSubject)
			.containsExactly("[dragnet] the database is unreachable", "[dragnet] the database is back");
		assertThat(GreenMailUtil.getBody(databaseMails().get(1))).contains("unreachable for");
		int after = looked + 1;
		// the cache works again: a lookup is stored, and the next one of the same name is answered from it
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "hit".equals(lookup(after).getResponseHeaders().getFirst("Dragnet-Cache")));
		await().atMost(Duration.ofSeconds(10)).until(() -> storedStates().containsAll(
				List.of("probe-a=EFFECTIVE", "probe-b=EFFECTIVE", "probe-late=EFFECTIVE")));
		assertThat(effective()).containsExactlyInAnyOrder("probe-a", "probe-b", "probe-late");

		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
			.until(() -> "DONE".equals(campaign(campaign).get("state")));
		assertCampaignIsExact(campaign, range);
		assertThat(databaseMails()).as("still one outage and one recovery message").hasSize(2);
		assertThat(server.context().getBean(MeterRegistry.class).find("http.server.requests").tag("status", "500")
			.meters()).as("no request answered 500").isEmpty();
	}

	/** A /24 of 198.51.0.0/16 whose addresses host at most a few hundred names each. */
	private static Ipv4Range range() {
		return CampaignWorlds.quietRange(256, 301, world);
	}

	private static long startCampaign(Ipv4Range range) {
		return TestHttp.startCampaign(server.http(), ADMIN,
				Map.of("name", "through-the-outage", "ranges", List.of(range.toString()), "blockSize", 16));
	}

	/**
	 * Every address as the world has it (names, or checked with none), each counted once, no block FAILED, and no
	 * attempt counted: the leases outlived the outage.
	 */
	private static void assertCampaignIsExact(long id, Ipv4Range range) {
		String csv = server.http().get().uri("/api/campaigns/{id}/results.csv", id).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		Map<String, Set<String>> stored = new HashMap<>();
		csv.lines().skip(1).forEach((line) -> {
			String[] columns = line.split(",");
			stored.computeIfAbsent(columns[0], (k) -> new HashSet<>()).add(columns[1]);
		});
		Set<String> emptyExpected = new TreeSet<>();
		for (long a = range.first(); a <= range.last(); a++) {
			String ip = Ipv4Range.format(a);
			Set<String> expected = new TreeSet<>(world.domainsOf(ip));
			expected.removeIf((n) -> n.startsWith("www.") && expected.contains(n.substring(4)));
			assertThat(stored.getOrDefault(ip, Set.of())).as(ip).isEqualTo(expected);
			if (expected.isEmpty()) {
				emptyExpected.add(ip);
			}
		}
		assertThat(stored.keySet()).as("nothing outside the range").allMatch((ip) -> Ipv4Range.address(ip, "ip") >= range.first()
				&& Ipv4Range.address(ip, "ip") <= range.last());
		assertThat(emptyExpected).as("the range is not trivially full").isNotEmpty();
		assertThat(stored).as("nor trivially empty").isNotEmpty();
		DatabaseClient db = server.context().getBean(DatabaseClient.class);
		assertThat(db.sql("SELECT host(ip) AS ip FROM ip_no_domain WHERE campaign_id = :id").bind("id", id)
			.map((row) -> row.get("ip", String.class)).all().collect(TreeSet<String>::new, Set::add)
			.block(Duration.ofSeconds(10))).as("addresses checked with no name").isEqualTo(emptyExpected);
		assertThat(db.sql("SELECT sum(resolved_count) AS n FROM ip_range WHERE campaign_id = :id").bind("id", id)
			.map((row) -> row.get("n", Number.class).longValue()).one().block(Duration.ofSeconds(10)))
			.as("every address counted once").isEqualTo(range.size());
		assertThat(db.sql("SELECT state, attempts FROM work_block WHERE campaign_id = :id").bind("id", id)
			.map((row) -> row.get("state", String.class) + "/" + row.get("attempts", Integer.class)).all().collectList()
			.block(Duration.ofSeconds(10))).as("every block DONE at its first attempt").hasSize(16).containsOnly("DONE/0");
	}

	private static Map<String, Object> campaign(long id) {
		return server.http().get().uri("/api/campaigns/{id}", id).exchange()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private static long blocks(long id, String state) {
		Map<String, Object> progress = (Map<String, Object>) campaign(id).get("progress");
		return ((Number) ((Map<String, Object>) progress.get("blocks")).get(state)).longValue();
	}

	private static void assertCampaignReadIsRefusedHonestly(long id) {
		server.http().get().uri("/api/campaigns/{id}", id).exchange()
			.expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectBody().jsonPath("$.type").isEqualTo("/problems/database-unavailable");
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

	private static List<MimeMessage> databaseMails() {
		return inbox().stream().filter((message) -> {
			try {
				return message.getSubject().startsWith("[dragnet] the database");
			}
			catch (jakarta.mail.MessagingException ex) {
				throw new IllegalStateException(ex);
			}
		}).toList();
	}

	private static List<MimeMessage> inbox() {
		return smtp.findReceivedMessages((user) -> "ops@dragnet.test".equals(user.getEmail()), (message) -> true)
			.toList();
	}
}
