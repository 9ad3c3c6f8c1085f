package dev.dragnet.server.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.dragnet.probe.AgentState;
import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.server.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real server instances on one database: each sees the other, and an instance that stops beating is declared
 * dead by exactly one survivor, which shows its probes INEFFECTIVE; an instance leaving is noticed at once.
 */
class ClusterMembershipIntegrationTests {

	private static final String[] FAST = { "--dragnet.probes.tokens=cluster-token", "--dragnet.admin.token=cluster-admin",
			"--dragnet.cluster.heartbeat-interval=200ms", "--dragnet.cluster.dead-after=1s" };

	private static final ParameterizedTypeReference<List<Map<String, Object>>> PROBES = new ParameterizedTypeReference<>() {
	};

	private static RunningServer a;

	private static RunningServer b;

	private static DatabaseClient db;

	private static final List<String> deaths = new CopyOnWriteArrayList<>();

	private static final List<Disposable> watching = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void start() {
		Map<String, Object> database = TestDatabase.springProperties();
		a = RunningServer.start(database, 0, FAST);
		b = RunningServer.start(database, 0, FAST);
		db = a.context().getBean(DatabaseClient.class);
		for (RunningServer server : List.of(a, b)) {
			watching.add(membership(server).deaths().subscribe(deaths::add));
		}
	}

	@AfterAll
	static void stop() {
		watching.forEach(Disposable::dispose);
		for (RunningServer server : new RunningServer[] { b, a }) {
			if (server != null) {
				server.close();
			}
		}
	}

	private static ClusterMembership membership(RunningServer server) {
		return server.context().getBean(ClusterMembership.class);
	}

	@Test
	void eachInstanceSeesBothWithTheirAddresses() {
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			for (RunningServer server : List.of(a, b)) {
				assertThat(membership(server).members()).extracting(ClusterMembership.Member::id)
					.containsExactlyInAnyOrder(membership(a).id(), membership(b).id());
				assertThat(membership(server).peers()).hasSize(1);
			}
			// The URL is advertised once the web server has its port, at the next beat.
			URI peer = membership(a).peers().get(0).url();
			assertThat(peer).isNotNull();
			assertThat(peer.getPort()).isEqualTo(b.port());
			assertThat(peer.getScheme()).isEqualTo("http");
		});
	}

	@Test
	void aSilentInstanceIsDeclaredDeadOnceAndItsProbesAreShownIneffective() {
		db.sql("""
				INSERT INTO server_instance (id, url, started_at, heartbeat_at)
				VALUES ('crashed-1', 'http://192.0.2.1:8080', now() - interval '1 hour', now())
				""").then().block(Duration.ofSeconds(5));
		db.sql("""
				INSERT INTO probe (name, state, connected_since, last_seen, instance_id)
				VALUES ('on-crashed', 'EFFECTIVE', now(), now(), 'crashed-1')
				""").then().block(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> membership(a).members().size() == 3);
		assertThat(state("on-crashed")).as("alive while it beats").containsEntry("state", "EFFECTIVE");

		// It stops beating: within dead-after and a beat, one survivor declares it dead.
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
			.until(() -> "INEFFECTIVE".equals(state("on-crashed").get("state")));
		assertThat(String.valueOf(state("on-crashed").get("disconnectReason"))).contains("crashed-1");
		assertThat(deaths).containsOnlyOnce("crashed-1");
		await().atMost(Duration.ofSeconds(5)).until(() -> membership(b).members().size() == 2);
	}

	/** An admin revokes, through one instance, a probe connected to the other: its session there closes at once. */
	@Test
	void aRevocationThroughOneInstanceClosesTheSessionOnTheOther() {
		ProbeAgent agent = b.startProbe("revoke-me", "cluster-token", 2);
		await().atMost(Duration.ofSeconds(15)).until(() -> agent.state() == AgentState.CONNECTED);
		a.http().delete().uri("/api/probes/revoke-me").headers((h) -> h.setBearerAuth("cluster-admin")).exchange()
			.expectStatus().is2xxSuccessful();
		await().atMost(Duration.ofSeconds(10)).until(() -> agent.state() == AgentState.REFUSED);
	}

	private static Map<String, Object> state(String name) {
		List<Map<String, Object>> probes = b.http().get().uri("/api/probes").exchange()
			.expectStatus().isOk()
			.expectBody(PROBES)
			.returnResult()
			.getResponseBody();
		assertThat(probes).isNotNull();
		return probes.stream().filter((p) -> name.equals(p.get("name"))).findFirst().orElseThrow();
	}
}
