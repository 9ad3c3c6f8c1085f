package dev.dragnet.server.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.protocol.BlockAck;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockProgress;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.CampaignNotice;
import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.ServerFrame;
import dev.dragnet.protocol.WantBlocks;
import dev.dragnet.protocol.Welcome;
import dev.dragnet.server.db.DatabaseStatus;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.server.testsupport.StoppableDatabase;
import dev.dragnet.server.testsupport.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server's side of campaign work without a database, driven frame by frame: a result that cannot be stored is
 * deferred (neither acknowledged nor refused), progress and asks for blocks are passed over quietly, no lease expires
 * for the outage, and the result sent again once the database is back is stored with no attempt counted. And a probe
 * back with a new session keeps the leases whose results it holds (named in its hello), while the rest of its old
 * session's go back.
 */
class CampaignDeferralIntegrationTests {

	private static final String ADMIN = "deferral-admin";

	/** Shorter than the outage below, so only the push after the outage keeps the lease alive. */
	private static final Duration LEASE = Duration.ofSeconds(3);

	private static StoppableDatabase database;

	private static RunningServer server;

	@BeforeAll
	static void start() {
		database = StoppableDatabase.start("deferral");
		server = RunningServer.start(database.springProperties(), 0, "--dragnet.probes.tokens=t",
				"--dragnet.admin.token=" + ADMIN, "--dragnet.probes.ping-interval=1m",
				"--dragnet.campaigns.min-block-size=16", "--dragnet.campaigns.lease-duration=" + LEASE.toMillis() + "ms",
				"--dragnet.campaigns.sweep-interval=200ms", "--dragnet.database.check-interval=300ms",
				"--dragnet.database.retry-after=2s");
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
		if (database != null) {
			database.close();
		}
	}

	@Test
	void aResultTheServerCannotStoreIsDeferredAndStoredOnceTheDatabaseIsBackWithNoAttemptCounted() throws Exception {
		long id = campaign("outage", "192.0.2.0/28");
		try (RawProbe probe = new RawProbe(server.port())) {
			probe.hello("deferring", "t", 2, List.of(Protocol.CAPABILITY_REVERSE_IP));
			assertThat(probe.next(Welcome.class, Duration.ofSeconds(5))).isNotNull();
			probe.send(new WantBlocks(1));
			BlockLease lease = probe.next(BlockLease.class, Duration.ofSeconds(5));
			assertThat(lease).isNotNull();

			database.stop();
			DatabaseStatus status = server.context().getBean(DatabaseStatus.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> !status.isAvailable());
			probe.send(new BlockProgress(lease.leaseId(), 3));
			probe.send(new WantBlocks(1));
			// Three times the lease without a database: without the push forward it would lapse.
			List<ServerFrame> meanwhile = frames(probe, LEASE.multipliedBy(3));
			assertThat(meanwhile).as("no block, no refusal, no error for progress or asks while the database is away")
				.noneMatch((frame) -> !(frame instanceof dev.dragnet.protocol.Ping));

			probe.send(result(lease));
			BlockAck deferred = probe.next(BlockAck.class, Duration.ofSeconds(10));
			assertThat(deferred).isNotNull();
			assertThat(deferred.leaseId()).isEqualTo(lease.leaseId());
			assertThat(deferred.accepted()).isFalse();
			assertThat(deferred.deferral()).as("deferred, not refused: %s", deferred).isTrue();
			assertThat(deferred.retryAfterMillis()).isEqualTo(2000L);

			database.start();
			// The server announces its running campaigns again when the database is back: the cue to send again.
			assertThat(probe.next(CampaignNotice.class, Duration.ofSeconds(20)))
				.isEqualTo(new CampaignNotice(id, CampaignNotice.STARTED));
			probe.send(result(lease));
			BlockAck stored = probe.next(BlockAck.class, Duration.ofSeconds(10));
			assertThat(stored).isEqualTo(new BlockAck(lease.leaseId(), true, null));
			// Sent once more (its ack was lost, say): refused for good, and nothing is stored twice.
			probe.send(result(lease));
			assertThat(probe.next(BlockAck.class, Duration.ofSeconds(10))).satisfies((again) -> {
				assertThat(again.accepted()).isFalse();
				assertThat(again.deferral()).isFalse();
			});
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> "DONE".equals(state(id)));
		assertThat(attempts(id)).as("no attempt counted for the outage").containsOnly(0);
		assertThat(rows("SELECT count(*) AS n FROM ip_no_domain WHERE campaign_id = " + id)).isEqualTo(16);
	}

	@Test
	void aProbeBackWithANewSessionKeepsTheLeasesItHoldsResultsForAndGivesBackTheRest() throws Exception {
		long id = campaign("reconnect", "198.51.100.0/27");
		try (RawProbe first = new RawProbe(server.port())) {
			first.hello("returning", "t", 2, List.of(Protocol.CAPABILITY_REVERSE_IP));
			assertThat(first.next(Welcome.class, Duration.ofSeconds(5))).isNotNull();
			first.send(new WantBlocks(2));
			BlockLease finished = first.next(BlockLease.class, Duration.ofSeconds(5));
			BlockLease unfinished = first.next(BlockLease.class, Duration.ofSeconds(5));
			assertThat(finished).isNotNull();
			assertThat(unfinished).isNotNull();

			// A new connection of the same probe (the old one is replaced), holding the first block's result.
			try (RawProbe second = new RawProbe(server.port())) {
				second.send(new Hello("returning", "t", "raw", Protocol.VERSION, List.of(Protocol.CAPABILITY_REVERSE_IP),
						2, List.of(finished.leaseId())));
				assertThat(second.next(Welcome.class, Duration.ofSeconds(5))).isNotNull();
				assertThat(first.closeStatus(Duration.ofSeconds(5))).isNotNull();
				second.send(result(finished));
				assertThat(second.next(BlockAck.class, Duration.ofSeconds(10)))
					.isEqualTo(new BlockAck(finished.leaseId(), true, null));

				// The block it held no result for went back without an attempt, and is leased again.
				second.send(new WantBlocks(2));
				BlockLease again = second.next(BlockLease.class, Duration.ofSeconds(5));
				assertThat(again).isNotNull();
				assertThat(again.blockId()).isEqualTo(unfinished.blockId());
				assertThat(again.leaseId()).isNotEqualTo(unfinished.leaseId());
				second.send(result(again));
				assertThat(second.next(BlockAck.class, Duration.ofSeconds(10)))
					.isEqualTo(new BlockAck(again.leaseId(), true, null));
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> "DONE".equals(state(id)));
		assertThat(attempts(id)).containsOnly(0);
	}

	/** Every address of the block, none with a name. */
	private static BlockResult result(BlockLease lease) {
		List<String> empty = new ArrayList<>();
		for (long a = Ipv4Range.address(lease.first(), "first"); a <= Ipv4Range.address(lease.last(), "last"); a++) {
			empty.add(Ipv4Range.format(a));
		}
		return new BlockResult(lease.leaseId(), List.of(), empty);
	}

	private static List<ServerFrame> frames(RawProbe probe, Duration during) throws InterruptedException {
		List<ServerFrame> seen = new ArrayList<>();
		long end = System.nanoTime() + during.toNanos();
		while (System.nanoTime() < end) {
			ServerFrame frame = probe.next(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
			if (frame != null) {
				seen.add(frame);
			}
		}
		return seen;
	}

	private static long campaign(String name, String range) {
		return TestHttp.startCampaign(server.http(), ADMIN, Map.of("name", name, "ranges", List.of(range), "blockSize", 16));
	}

	private static String state(long id) {
		return (String) server.http().get().uri("/api/campaigns/{id}", id).exchange()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody().get("state");
	}

	private static List<Integer> attempts(long id) {
		return server.context().getBean(DatabaseClient.class)
			.sql("SELECT attempts FROM work_block WHERE campaign_id = :id")
			.bind("id", id)
			.map((row) -> row.get("attempts", Integer.class))
			.all()
			.collectList()
			.block(Duration.ofSeconds(10));
	}

	private static long rows(String sql) {
		return server.context().getBean(DatabaseClient.class).sql(sql).map((row) -> row.get("n", Long.class)).one()
			.block(Duration.ofSeconds(10));
	}
}
