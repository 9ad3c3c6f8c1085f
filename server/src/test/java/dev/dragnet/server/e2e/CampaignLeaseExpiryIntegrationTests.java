package dev.dragnet.server.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockProgress;
import dev.dragnet.protocol.CampaignNotice;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.WantBlocks;
import dev.dragnet.protocol.Welcome;
import dev.dragnet.server.DragnetServerApplication;
import dev.dragnet.server.campaign.CampaignEvents;
import dev.dragnet.server.campaign.CampaignState;
import dev.dragnet.server.campaign.CampaignStateChange;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.server.testsupport.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A probe that holds a block and goes silent (still connected) loses it when the lease expires; progress
 * extends a lease; after the last attempt the block fails with its reason and the campaign ends.
 */
class CampaignLeaseExpiryIntegrationTests {

	private static ConfigurableApplicationContext server;

	private static WebTestClient http;

	private static int port;

	@BeforeAll
	static void start() {
		server = new SpringApplicationBuilder(DragnetServerApplication.class).properties(TestDatabase.springProperties())
			.run("--server.port=0", "--dragnet.probes.tokens=t", "--dragnet.admin.token=a",
					"--dragnet.campaigns.lease-duration=1500ms", "--dragnet.campaigns.sweep-interval=200ms",
					"--dragnet.campaigns.max-attempts=2");
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

	private static Map<String, Object> campaign(long id) {
		return http.get().uri("/api/campaigns/{id}", id).exchange().expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
		}).returnResult().getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private static long blocks(long id, String state) {
		Map<String, Object> progress = (Map<String, Object>) campaign(id).get("progress");
		return ((Number) ((Map<String, Object>) progress.get("blocks")).get(state)).longValue();
	}

	@Test
	void anExpiredLeaseGoesBackAndTheLastAttemptFailsTheBlock() throws Exception {
		List<CampaignStateChange> changes = new CopyOnWriteArrayList<>();
		Disposable listening = server.getBean(CampaignEvents.class).changes().subscribe(changes::add);
		Number id = (Number) http.post().uri("/api/campaigns").headers((h) -> h.setBearerAuth("a"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "expiry", "ranges", List.of("198.51.100.0/28"), "blockSize", 16))
			.exchange().expectStatus().isCreated()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody().get("id");
		http.post().uri("/api/campaigns/{id}/start", id).headers((h) -> h.setBearerAuth("a")).exchange().expectStatus().isOk();
		try (RawProbe probe = new RawProbe(port)) {
			probe.hello("sleepy", "t", 2, List.of(Protocol.CAPABILITY_REVERSE_IP));
			assertThat(probe.next(Welcome.class, Duration.ofSeconds(5))).isNotNull();
			probe.send(new WantBlocks(1));
			BlockLease lease = probe.next(BlockLease.class, Duration.ofSeconds(5));
			assertThat(lease).isNotNull();
			// Progress keeps the lease alive past its first expiry.
			for (int i = 0; i < 4; i++) {
				Thread.sleep(500);
				probe.send(new BlockProgress(lease.leaseId(), i));
			}
			assertThat(blocks(id.longValue(), "leased")).isOne();
			// Silence: the lease expires and the block goes back, attempt 1 of 2.
			await().atMost(Duration.ofSeconds(5)).until(() -> blocks(id.longValue(), "pending") == 1);
			probe.send(new WantBlocks(1));
			assertThat(probe.next(BlockLease.class, Duration.ofSeconds(5))).isNotNull();
			// Silent again: the second attempt was the last, so the block fails and the campaign with it.
			// (Blocks that come back to the pool are announced with STARTED, so idle probes ask again.)
			CampaignNotice notice = probe.next(CampaignNotice.class, Duration.ofSeconds(6));
			while (notice != null && CampaignNotice.STARTED.equals(notice.state())) {
				notice = probe.next(CampaignNotice.class, Duration.ofSeconds(6));
			}
			assertThat(notice).isEqualTo(new CampaignNotice(id.longValue(), CampaignNotice.OVER));
		}
		assertThat(blocks(id.longValue(), "failed")).isOne();
		assertThat(campaign(id.longValue()).get("state")).isEqualTo("FAILED");
		await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 2);
		listening.dispose();
		assertThat(changes).extracting(CampaignStateChange::state).containsExactly(CampaignState.RUNNING, CampaignState.FAILED);
		CampaignStateChange failed = changes.get(1);
		assertThat(failed.finished()).isTrue();
		assertThat(failed.campaign().name()).isEqualTo("expiry");
		assertThat(failed.campaign().progress().blocks().failed()).isOne();
		String metrics = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody(String.class)
			.returnResult().getResponseBody();
		assertThat(OperationsIntegrationTests.metric(metrics, "dragnet_leases_expired_total")).isEqualTo(2);
	}
}
