package dev.dragnet.server.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.server.testsupport.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leases and results written for many probes in one statement, on the real database: each probe gets what it may
 * hold, and in a group of results only those whose probe still holds the lease are stored; a statement that fails
 * is not held against the whole group.
 */
class GroupedCampaignWritesIntegrationTests {

	private static final String ADMIN = "grouped-writes-admin";

	private static final Duration LEASE = Duration.ofMinutes(5);

	private static RunningServer server;

	private static BlockRepository blocks;

	@BeforeAll
	static void start() {
		server = RunningServer.start("--dragnet.admin.token=" + ADMIN, "--dragnet.campaigns.min-block-size=16");
		blocks = server.context().getBean(BlockRepository.class);
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	@BeforeEach
	void noOtherCampaignRuns() {
		db().sql("UPDATE campaign SET state = 'CANCELLED' WHERE state = 'RUNNING'").then().block(Duration.ofSeconds(10));
	}

	@Test
	void oneStatementLeasesToEachProbeWhatItMayHold() {
		long campaign = campaign("grouped-leases", "192.0.2.0/26");
		Map<Integer, List<BlockRepository.Leased>> first = blocks
			.leaseAll(List.of(new BlockRepository.Want("gl-a", "s", 2, 4), new BlockRepository.Want("gl-b", "s", 1, 4)),
					LEASE)
			.block(Duration.ofSeconds(10));
		assertThat(first.get(0)).hasSize(2);
		assertThat(first.get(1)).hasSize(1);
		assertThat(first.values().stream().flatMap(List::stream).map(BlockRepository.Leased::blockId).distinct())
			.hasSize(3);
		assertThat(first.values().stream().flatMap(List::stream)).allMatch((b) -> b.campaignId() == campaign);
		// gl-a may hold 2 at most: it gets nothing more; gl-c gets the last block; nothing is left for gl-d.
		Map<Integer, List<BlockRepository.Leased>> second = blocks
			.leaseAll(List.of(new BlockRepository.Want("gl-a", "s", 2, 2), new BlockRepository.Want("gl-c", "s", 4, 4),
					new BlockRepository.Want("gl-d", "s", 1, 4)), LEASE)
			.block(Duration.ofSeconds(10));
		assertThat(second.getOrDefault(0, List.of())).isEmpty();
		assertThat(second.get(1)).hasSize(1);
		assertThat(second.getOrDefault(2, List.of())).isEmpty();
	}

	@Test
	void aGroupStoresTheResultsWhoseLeasesAreHeldAndNotTheOneGivenBack() {
		long campaign = campaign("grouped-results", "198.51.100.0/26");
		List<BlockRepository.Leased> leased = new ArrayList<>();
		for (String probe : List.of("gr-a", "gr-b", "gr-c")) {
			leased.addAll(blocks.leaseAll(List.of(new BlockRepository.Want(probe, "s", 1, 4)), LEASE)
				.block(Duration.ofSeconds(10))
				.get(0));
		}
		assertThat(blocks.putBack("gr-b", leased.get(1).leaseId()).block(Duration.ofSeconds(10))).isNotNull();
		List<Set<Long>> finished = new CopyOnWriteArrayList<>();
		ResultBatcher results = new ResultBatcher(blocks, 16_384, 1, 100, (campaigns) -> {
			finished.add(campaigns);
			return Mono.empty();
		});
		List<ResultBatcher.Waiting> group = List.of(waiting("gr-a", leased.get(0)), waiting("gr-b", leased.get(1)),
				waiting("gr-c", leased.get(2)));

		StepVerifier.create(results.write(group)).verifyComplete();
		StepVerifier.create(group.get(0).outcome().asMono()).expectNext(campaign).verifyComplete();
		StepVerifier.create(group.get(1).outcome().asMono()).verifyComplete();
		StepVerifier.create(group.get(2).outcome().asMono()).expectNext(campaign).verifyComplete();
		assertThat(finished).containsExactly(Set.of(campaign));
		assertThat(noDomain(campaign)).as("15 addresses of each stored block").isEqualTo(30);
		assertThat(domains(campaign)).containsExactlyInAnyOrder(
				Ipv4Range.format(leased.get(0).first()) + " gr-a.example",
				Ipv4Range.format(leased.get(2).first()) + " gr-c.example");
		assertThat(blockStates(campaign)).containsEntry("DONE", 2L).containsEntry("PENDING", 2L);

		// A second copy stores nothing.
		StepVerifier.create(results.store("gr-a", leased.get(0), findings("gr-a", leased.get(0))))
			.verifyComplete();
		assertThat(noDomain(campaign)).isEqualTo(30);
	}

	@Test
	void aGroupWhoseStatementFailsIsStoredOneByOneEachWithItsOwnOutcome() {
		long campaign = campaign("grouped-failure", "203.0.113.0/27");
		Map<Integer, List<BlockRepository.Leased>> leased = blocks
			.leaseAll(List.of(new BlockRepository.Want("gf-a", "s", 1, 4), new BlockRepository.Want("gf-b", "s", 1, 4)),
					LEASE)
			.block(Duration.ofSeconds(10));
		ResultBatcher results = new ResultBatcher(blocks, 16_384, 1, 100, (campaigns) -> Mono.empty());
		BlockRepository.Leased good = leased.get(0).get(0);
		BlockRepository.Leased bad = leased.get(1).get(0);
		// An address PostgreSQL cannot read fails the group's statement (the server checks addresses before this).
		BlockRepository.Findings broken = new BlockRepository.Findings(new String[0], new String[0], new Short[0],
				new Short[0], new String[0], new String[] { "999.0.0.1" });
		List<ResultBatcher.Waiting> group = List.of(waiting("gf-a", good),
				new ResultBatcher.Waiting(new BlockRepository.Result("gf-b", bad.leaseId(), broken), bad.first(),
						bad.last(), Sinks.one()));

		StepVerifier.create(results.write(group)).verifyComplete();
		StepVerifier.create(group.get(0).outcome().asMono()).expectNext(campaign).verifyComplete();
		StepVerifier.create(group.get(1).outcome().asMono()).expectError().verify(Duration.ofSeconds(10));
		assertThat(blockStates(campaign)).containsEntry("DONE", 1L).containsEntry("LEASED", 1L);
		assertThat(blocks.held("gf-b", bad.leaseId()).block(Duration.ofSeconds(10))).as("still its lease").isNotNull();
	}

	/** The block's first address has one name (the probe's), every other address none. */
	private static ResultBatcher.Waiting waiting(String probe, BlockRepository.Leased block) {
		return new ResultBatcher.Waiting(new BlockRepository.Result(probe, block.leaseId(), findings(probe, block)),
				block.first(), block.last(), Sinks.one());
	}

	private static BlockRepository.Findings findings(String probe, BlockRepository.Leased block) {
		List<String> empty = new ArrayList<>();
		for (long address = block.first() + 1; address <= block.last(); address++) {
			empty.add(Ipv4Range.format(address));
		}
		return new BlockRepository.Findings(new String[] { Ipv4Range.format(block.first()) },
				new String[] { probe + ".example" }, new Short[] { 1 }, new Short[] { 0 }, new String[] { "ptr" },
				empty.toArray(String[]::new));
	}

	private static long campaign(String name, String range) {
		return TestHttp.startCampaign(server.http(), ADMIN, Map.of("name", name, "ranges", List.of(range), "blockSize", 16));
	}

	private static long noDomain(long campaign) {
		return db().sql("SELECT count(*) AS n FROM ip_no_domain WHERE campaign_id = :id").bind("id", campaign)
			.map((row) -> row.get("n", Long.class)).one().block(Duration.ofSeconds(10));
	}

	private static List<String> domains(long campaign) {
		return db().sql("SELECT host(ip) || ' ' || domain AS d FROM ip_domain WHERE campaign_id = :id").bind("id", campaign)
			.map((row) -> row.get("d", String.class)).all().collectList().block(Duration.ofSeconds(10));
	}

	private static Map<String, Long> blockStates(long campaign) {
		return db().sql("SELECT state, count(*) AS n FROM work_block WHERE campaign_id = :id GROUP BY state")
			.bind("id", campaign)
			.map((row) -> Map.entry(row.get("state", String.class), row.get("n", Long.class)))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.block(Duration.ofSeconds(10));
	}

	private static DatabaseClient db() {
		return server.context().getBean(DatabaseClient.class);
	}
}
