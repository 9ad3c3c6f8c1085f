package dev.dragnet.server.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.protocol.BlockAck;
import dev.dragnet.protocol.BlockGiveUp;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.CampaignNotice;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.SourceList;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.protocol.WantBlocks;
import dev.dragnet.protocol.Welcome;
import dev.dragnet.server.DragnetServerApplication;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.server.testsupport.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server side of campaign work over a real WebSocket: probes ask for blocks, get leases, answer
 * results that are stored once and only from the lease holder, and blocks of a probe that goes away go to
 * another. Driven by hand-made probe connections, so every rule can be broken on purpose.
 */
class CampaignLeasingIntegrationTests {

	private static final String TOKEN = "lease-probe";

	private static final String ADMIN = "lease-admin";

	private static ConfigurableApplicationContext server;

	private static WebTestClient http;

	private static int port;

	@BeforeAll
	static void start() {
		server = new SpringApplicationBuilder(DragnetServerApplication.class).properties(TestDatabase.springProperties())
			.run("--server.port=0", "--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN,
					"--dragnet.campaigns.max-leases-per-probe=2", "--dragnet.campaigns.min-block-size=16");
		port = Integer.parseInt(server.getEnvironment().getProperty("local.server.port"));
		http = TestHttp.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
			server = null; // a closed context still holds its beans
		}
	}

	private static long createAndStart(String name, String range) {
		return TestHttp.startCampaign(http, ADMIN, Map.of("name", name, "ranges", List.of(range), "blockSize", 16));
	}

	private static RawProbe probe(String name) throws InterruptedException {
		RawProbe probe = new RawProbe(port);
		probe.hello(name, TOKEN, 4, List.of(Protocol.CAPABILITY_WHOIS, Protocol.CAPABILITY_REVERSE_IP));
		assertThat(probe.next(Welcome.class, Duration.ofSeconds(5))).isNotNull();
		return probe;
	}

	/** A complete result for a lease: the first address of the block hosts two names, the rest nothing. */
	private static BlockResult complete(BlockLease lease) {
		long first = Ipv4Range.address(lease.first(), "test");
		long last = Ipv4Range.address(lease.last(), "test");
		List<String> empty = new ArrayList<>();
		for (long a = first + 1; a <= last; a++) {
			empty.add(Ipv4Range.format(a));
		}
		return new BlockResult(lease.leaseId(), List.of(new BlockResult.IpFinding(lease.first(), List.of(
				new BlockResult.DomainFinding("Shop.Example.COM.", List.of("fake-a"), null),
				new BlockResult.DomainFinding("example.org", List.of("fake-b", "ptr"), true)))), empty);
	}

	private static Map<String, Object> campaign(long id) {
		return http.get().uri("/api/campaigns/{id}", id).exchange().expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	@Test
	void blocksAreLeasedAnsweredOnceAndTheCampaignEnds() throws Exception {
		try (RawProbe probe = probe("lease-probe-1")) {
			long id = createAndStart("leasing", "198.51.100.0/27");
			assertThat(probe.next(CampaignNotice.class, Duration.ofSeconds(5))).isEqualTo(
					new CampaignNotice(id, CampaignNotice.STARTED));
			probe.send(new WantBlocks(5));
			BlockLease first = probe.next(BlockLease.class, Duration.ofSeconds(5));
			BlockLease second = probe.next(BlockLease.class, Duration.ofSeconds(5));
			assertThat(first).isNotNull();
			assertThat(second).isNotNull();
			assertThat(List.of(first.first(), second.first())).containsExactlyInAnyOrder("198.51.100.0", "198.51.100.16");
			assertThat(probe.next(BlockLease.class, Duration.ofMillis(500))).as("two blocks only: the campaign has two")
				.isNull();

			BlockResult missing = new BlockResult(first.leaseId(), List.of(), List.of(first.first()));
			probe.send(missing);
			BlockAck refused = probe.next(BlockAck.class, Duration.ofSeconds(5));
			assertThat(refused.accepted()).isFalse();
			assertThat(refused.reason()).contains("accounts for 1 of the block's 16 addresses");

			probe.send(complete(first));
			assertThat(probe.next(BlockAck.class, Duration.ofSeconds(5)).accepted()).isTrue();
			probe.send(complete(first));
			BlockAck again = probe.next(BlockAck.class, Duration.ofSeconds(5));
			assertThat(again.accepted()).as("a resent result changes nothing").isFalse();

			probe.send(complete(second));
			assertThat(probe.next(BlockAck.class, Duration.ofSeconds(5)).accepted()).isTrue();
			assertThat(probe.next(CampaignNotice.class, Duration.ofSeconds(5))).isEqualTo(
					new CampaignNotice(id, CampaignNotice.OVER));

			Map<String, Object> done = campaign(id);
			assertThat(done.get("state")).isEqualTo("DONE");
			assertThat((Map<String, Object>) done.get("progress")).containsEntry("domainsFound", 4);
		}
		http.get().uri("/api/ips/198.51.100.0/domains").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.domains.length()").isEqualTo(2)
			.jsonPath("$.domains[0].domain").isEqualTo("example.org")
			.jsonPath("$.domains[0].verification").isEqualTo("VERIFIED")
			.jsonPath("$.domains[0].sources.length()").isEqualTo(2)
			.jsonPath("$.domains[1].domain").isEqualTo("shop.example.com")
			.jsonPath("$.domains[1].domainLevel").isEqualTo(2);
		http.get().uri("/api/ips/198.51.100.5/domains").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.domains.length()").isEqualTo(0)
			.jsonPath("$.noDomainCheckedAt").isNotEmpty();
		http.get().uri("/api/domains/EXAMPLE.org/ips").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$[?(@.ip == '198.51.100.0')]").exists()
			.jsonPath("$[?(@.ip == '198.51.100.16')]").exists()
			.jsonPath("$[?(@.ip == '198.51.100.1')]").doesNotExist();
	}

	@Test
	void theBlocksOfAProbeThatGoesAwayGoToAnotherAndForeignResultsAreRefused() throws Exception {
		long id = createAndStart("failover", "203.0.113.0/28");
		BlockLease lost;
		try (RawProbe gone = probe("lease-probe-gone")) {
			gone.send(new WantBlocks(1));
			lost = gone.next(BlockLease.class, Duration.ofSeconds(5));
			assertThat(lost).isNotNull();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) ((Map<?, ?>) ((Map<?, ?>) campaign(id).get("progress"))
			.get("blocks")).get("pending")).intValue() == 1);
		try (RawProbe heir = probe("lease-probe-heir")) {
			heir.send(complete(lost));
			BlockAck foreign = heir.next(BlockAck.class, Duration.ofSeconds(5));
			assertThat(foreign.accepted()).as("a result for a lease the probe does not hold").isFalse();
			heir.send(new WantBlocks(1));
			BlockLease again = heir.next(BlockLease.class, Duration.ofSeconds(5));
			assertThat(again.first()).isEqualTo(lost.first());
			assertThat(again.leaseId()).isNotEqualTo(lost.leaseId());
			heir.send(complete(again));
			assertThat(heir.next(BlockAck.class, Duration.ofSeconds(5)).accepted()).isTrue();
		}
		// The campaign ends just after the last acknowledgement goes out.
		await().atMost(Duration.ofSeconds(5)).until(() -> "DONE".equals(campaign(id).get("state")));
	}

	@SuppressWarnings("unchecked")
	private static long blocks(long id, String state) {
		Map<String, Object> progress = (Map<String, Object>) campaign(id).get("progress");
		return ((Number) ((Map<String, Object>) progress.get("blocks")).get(state)).longValue();
	}

	@Test
	void aBlockGivenUpGoesBackAtOnceOnlyFromItsHolderAndFailsAfterTheLastAttempt() throws Exception {
		long id = createAndStart("give-up", "203.0.113.64/28");
		try (RawProbe quitter = probe("lease-probe-quitter"); RawProbe bystander = probe("lease-probe-bystander")) {
			for (int attempt = 1; attempt <= 3; attempt++) {
				quitter.send(new WantBlocks(1));
				BlockLease lease = quitter.next(BlockLease.class, Duration.ofSeconds(5));
				assertThat(lease).isNotNull();
				assertThat(lease.campaignId()).isEqualTo(id);
				bystander.send(new BlockGiveUp(lease.leaseId(), "not mine to give"));
				await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
					.until(() -> blocks(id, "leased") == 1);
				// the last reason as a hostile probe might word it: a NUL (which PostgreSQL's text cannot hold) and a
				// line break (which would forge a log line) come out as '?', as other untrusted text does
				quitter.send(new BlockGiveUp(lease.leaseId(), (attempt < 3) ? "every source rests"
						: "every source rests\u0000\nFAKE LOG LINE"));
				if (attempt < 3) {
					// The lease lasts 5 minutes: only the give-up can bring the block back this soon.
					await().atMost(Duration.ofSeconds(3)).until(() -> blocks(id, "pending") == 1);
				}
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> "FAILED".equals(campaign(id).get("state")));
		}
		assertThat(blocks(id, "failed")).isOne();
		String reason = server.getBean(DatabaseClient.class)
			.sql("SELECT failure_reason FROM work_block WHERE campaign_id = :id")
			.bind("id", id)
			.map((row) -> row.get("failure_reason", String.class))
			.one()
			.block(Duration.ofSeconds(5));
		assertThat(reason)
			.isEqualTo("probe lease-probe-quitter gave up: every source rests??FAKE LOG LINE (attempt 3)");
	}

	@Test
	void progressStreamsAsServerSentEventsUntilTheCampaignIsOver() throws Exception {
		long id = createAndStart("events", "192.0.2.64/28");
		List<ServerSentEvent<Map<String, Object>>> events = new java.util.concurrent.CopyOnWriteArrayList<>();
		reactor.core.Disposable stream = WebClient.create("http://127.0.0.1:" + port)
			.get()
			.uri("/api/campaigns/{id}/events", id)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() {
			})
			.subscribe(events::add);
		try (RawProbe probe = probe("lease-probe-events")) {
			await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
			assertThat(events.get(0).event()).isEqualTo("progress");
			assertThat(events.get(0).data()).containsEntry("state", "RUNNING");
			probe.send(new WantBlocks(1));
			BlockLease lease = probe.next(BlockLease.class, Duration.ofSeconds(5));
			probe.send(complete(lease));
			assertThat(probe.next(BlockAck.class, Duration.ofSeconds(5)).accepted()).isTrue();
		}
		await().atMost(Duration.ofSeconds(10)).until(stream::isDisposed);
		assertThat(events.get(events.size() - 1).data()).containsEntry("state", "DONE");
		http.get().uri("/api/campaigns/999999/events").exchange().expectStatus().isNotFound();
	}

	@Test
	void sourceDefinitionsAreManagedByAdminsAndSentToProbes() throws Exception {
		SourceDefinition plain = SourceCatalogue.plainText("https://reverse.example/");
		try (RawProbe early = probe("lease-probe-sources")) {
			assertThat(early.next(SourceList.class, Duration.ofSeconds(5))).as("the list at welcome").isNotNull();
			http.put().uri("/api/sources/{name}", plain.name()).contentType(MediaType.APPLICATION_JSON).bodyValue(plain)
				.exchange().expectStatus().isUnauthorized();
			http.put().uri("/api/sources/{name}", plain.name()).headers((h) -> h.setBearerAuth(ADMIN))
				.contentType(MediaType.APPLICATION_JSON).bodyValue(plain)
				.exchange().expectStatus().isOk();
			SourceList pushed = early.next(SourceList.class, Duration.ofSeconds(5));
			assertThat(pushed).as("a connected probe hears of the change").isNotNull();
			assertThat(pushed.sources()).contains(plain);
		}
		try (RawProbe late = probe("lease-probe-late")) {
			SourceList atWelcome = late.next(SourceList.class, Duration.ofSeconds(5));
			assertThat(atWelcome).as("a new probe gets the list after its welcome").isNotNull();
			assertThat(atWelcome.sources()).contains(plain);
		}
		http.get().uri("/api/sources/{name}", plain.name()).exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.name").isEqualTo(plain.name());
		http.get().uri("/api/sources/nowhere").exchange().expectStatus().isNotFound();
		http.put().uri("/api/sources/other-name").headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(plain)
			.exchange().expectStatus().isBadRequest();
		http.put().uri("/api/sources/broken").headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "broken", "version", 0))
			.exchange().expectStatus().isBadRequest();
	}

	@Test
	void theResultsDownloadAsCsv() throws Exception {
		long id = createAndStart("csv", "192.0.2.0/28");
		try (RawProbe probe = probe("lease-probe-csv")) {
			probe.send(new WantBlocks(1));
			BlockLease lease = probe.next(BlockLease.class, Duration.ofSeconds(5));
			probe.send(complete(lease));
			assertThat(probe.next(BlockAck.class, Duration.ofSeconds(5)).accepted()).isTrue();
		}
		String csv = http.get().uri("/api/campaigns/{id}/results.csv", id).exchange().expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.valueOf("text/csv"))
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(csv.lines()).hasSize(3).first().asString().startsWith("ip,domain,");
		assertThat(csv).contains("192.0.2.0,example.org,").contains(",VERIFIED,1,true,fake-b;ptr");
	}
}
