package dev.dragnet.server.db;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.server.testsupport.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The housekeeping chores against the real server and database: expired WHOIS cache entries are purged in batches
 * and probes gone for longer than {@code archive-probes-after} leave the listing until they connect again.
 */
class HousekeepingIntegrationTests {

	private static final String PROBE_TOKEN = "housekeeping-probe-token";

	private static final ParameterizedTypeReference<List<Map<String, Object>>> PROBES = new ParameterizedTypeReference<>() {
	};

	private static RunningServer server;

	private static DatabaseClient db;

	@BeforeAll
	static void start() {
		server = RunningServer.start("--dragnet.probes.tokens=" + PROBE_TOKEN, "--dragnet.whois.cache-ttl=1h",
				"--dragnet.housekeeping.interval=500ms", "--dragnet.housekeeping.batch=2",
				"--dragnet.housekeeping.max-batches=2", "--dragnet.housekeeping.archive-probes-after=1h");
		db = server.context().getBean(DatabaseClient.class);
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void expiredCacheEntriesArePurgedAndFreshOnesKept() {
		OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
		for (int i = 0; i < 7; i++) {
			cacheRow("old" + i + ".test", now.minusHours(2));
		}
		cacheRow("fresh.test", now.minusMinutes(5));
		// Batches of 2, at most 2 a run: the 7 expired entries take more than one run, and all go.
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
			.until(() -> cached("old%").equals(0L));
		assertThat(cached("fresh.test")).isEqualTo(1L);
	}

	@Test
	void probesGoneLongAreArchivedAndComeBackWhenTheyConnect() {
		OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
		probeRow("gone-long", now.minusHours(3));
		probeRow("gone-short", now.minusMinutes(10));
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
			.until(() -> !names().contains("gone-long"));
		assertThat(names()).contains("gone-short");
		assertThat(db.sql("SELECT archived_at IS NOT NULL AS archived, completed FROM probe WHERE name = 'gone-long'")
			.map((row) -> row.get("archived", Boolean.class) + "/" + row.get("completed", Long.class))
			.one()
			.block(Duration.ofSeconds(5))).as("the row and its counters are kept").isEqualTo("true/42");

		ProbeAgent back = server.startProbe("gone-long", PROBE_TOKEN, 2);
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
			.until(() -> names().contains("gone-long"));
		assertThat(db.sql("SELECT archived_at IS NULL AS listed, completed FROM probe WHERE name = 'gone-long'")
			.map((row) -> row.get("listed", Boolean.class) + "/" + row.get("completed", Long.class))
			.one()
			.block(Duration.ofSeconds(5))).isEqualTo("true/42");
		back.close();
	}

	private static void cacheRow(String domain, OffsetDateTime fetched) {
		db.sql("""
				INSERT INTO whois_cache (domain, server, policy, source, hops, fetched_at)
				VALUES (:domain, '', 'AUTO', 'whois', '[]'::jsonb, :fetched)
				""").bind("domain", domain).bind("fetched", fetched).then().block(Duration.ofSeconds(5));
	}

	private static Long cached(String like) {
		return db.sql("SELECT count(*) AS n FROM whois_cache WHERE domain LIKE :like")
			.bind("like", like)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(Duration.ofSeconds(5));
	}

	private static void probeRow(String name, OffsetDateTime disconnected) {
		db.sql("""
				INSERT INTO probe (name, state, connected_since, last_seen, disconnected_at, disconnect_reason, completed)
				VALUES (:name, 'INEFFECTIVE', :at, :at, :at, 'session closed', 42)
				""").bind("name", name).bind("at", disconnected).then().block(Duration.ofSeconds(5));
	}

	private static List<String> names() {
		List<Map<String, Object>> probes = server.http().get().uri("/api/probes").exchange()
			.expectStatus().isOk()
			.expectBody(PROBES)
			.returnResult()
			.getResponseBody();
		assertThat(probes).isNotNull();
		return probes.stream().map((probe) -> String.valueOf(probe.get("name"))).toList();
	}
}
