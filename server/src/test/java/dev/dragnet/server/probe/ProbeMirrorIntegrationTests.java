package dev.dragnet.server.probe;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.server.testsupport.TestDatabase;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe list read from the probe change feed on the real PostgreSQL: a database made by an earlier version gets
 * its rows numbered; a change made by another writer (plain SQL, as another server instance's would be) shows at
 * the next request, an archived probe leaves, a read of changes returns only the changed rows, and a row written by
 * a transaction that commits after a read with a higher number is still read.
 */
class ProbeMirrorIntegrationTests {

	private static final ParameterizedTypeReference<List<Map<String, Object>>> PROBES = new ParameterizedTypeReference<>() {
	};

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static RunningServer server;

	private static ConnectionFactory connections;

	/** Another writer: its own connections, not the server's. */
	private static DatabaseClient other;

	@BeforeAll
	static void start() {
		Map<String, Object> database = TestDatabase.springProperties();
		connections = ConnectionFactories.get(ConnectionFactoryOptions.parse((String) database.get("spring.r2dbc.url"))
			.mutate()
			.option(ConnectionFactoryOptions.USER, (String) database.get("spring.r2dbc.username"))
			.option(ConnectionFactoryOptions.PASSWORD, (String) database.get("spring.r2dbc.password"))
			.build());
		other = DatabaseClient.create(connections);
		// The probe table as the first version made it, with a probe in it: the schema adds the feed to it.
		other.sql("""
				CREATE TABLE probe (name text PRIMARY KEY, remote_address text, state text NOT NULL,
				    version text, capabilities text[] NOT NULL DEFAULT '{}', max_concurrency int NOT NULL DEFAULT 0,
				    connected_since timestamptz, last_seen timestamptz, disconnected_at timestamptz,
				    disconnect_reason text, completed bigint NOT NULL DEFAULT 0, failed bigint NOT NULL DEFAULT 0,
				    created_at timestamptz NOT NULL DEFAULT now())
				""").then().block(TIMEOUT);
		other.sql("""
				INSERT INTO probe (name, state, disconnected_at, completed)
				VALUES ('from-before', 'INEFFECTIVE', now(), 41)
				""").then().block(TIMEOUT);
		server = RunningServer.start(database, 0);
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void rowsOfAnEarlierVersionAreNumberedAndListed() {
		Long seq = other.sql("SELECT change_seq FROM probe WHERE name = 'from-before'")
			.map((r) -> r.get("change_seq", Long.class))
			.one()
			.block(TIMEOUT);
		assertThat(seq).isNotNull().isPositive();
		assertThat(probe("from-before")).containsEntry("completed", 41);
	}

	@Test
	void aChangeByAnotherWriterShowsAtTheNextRequest() {
		assertThat(probe("added-by-hand")).isNull();
		other.sql("INSERT INTO probe (name, state, disconnected_at) VALUES ('added-by-hand', 'INEFFECTIVE', now())")
			.then()
			.block(TIMEOUT);
		assertThat(probe("added-by-hand")).as("no wait: the request reads the changes").isNotNull()
			.containsEntry("quarantineReason", null);

		other.sql("UPDATE probe SET quarantine_reason = 'caught lying', quarantined_at = now() WHERE name = 'added-by-hand'")
			.then()
			.block(TIMEOUT);
		assertThat(probe("added-by-hand")).containsEntry("quarantineReason", "caught lying");
		assertThat(page("added-by-hand")).as("the paged table too").containsExactly("added-by-hand");
	}

	@Test
	void anArchivedProbeLeavesAndComesBackWhenItsRowIsWrittenAgain() {
		other.sql("INSERT INTO probe (name, state, disconnected_at) VALUES ('to-archive', 'INEFFECTIVE', now())")
			.then()
			.block(TIMEOUT);
		assertThat(probe("to-archive")).isNotNull();
		other.sql("UPDATE probe SET archived_at = now() WHERE name = 'to-archive'").then().block(TIMEOUT);
		assertThat(probe("to-archive")).isNull();
		other.sql("UPDATE probe SET archived_at = NULL WHERE name = 'to-archive'").then().block(TIMEOUT);
		assertThat(probe("to-archive")).isNotNull();
	}

	@Test
	void aReadOfChangesReturnsOnlyTheChangedRows() {
		ProbeRepository repository = server.context().getBean(ProbeRepository.class);
		for (int i = 0; i < 20; i++) {
			other.sql("INSERT INTO probe (name, state) VALUES ('many-" + i + "', 'INEFFECTIVE')").then().block(TIMEOUT);
		}
		ProbeMirror.Delta whole = repository.changes(null).block(TIMEOUT);
		assertThat(whole.full()).isTrue();
		assertThat(whole.changed()).hasSizeGreaterThanOrEqualTo(20);

		ProbeMirror.Delta none = repository.changes(whole.cursor()).block(TIMEOUT);
		assertThat(none.changed()).isEmpty();
		assertThat(none.archived()).isEmpty();
		assertThat(none.cursor().high()).isEqualTo(whole.cursor().high());

		other.sql("UPDATE probe SET completed = completed + 1 WHERE name = 'many-7'").then().block(TIMEOUT);
		other.sql("UPDATE probe SET archived_at = now() WHERE name = 'many-8'").then().block(TIMEOUT);
		ProbeMirror.Delta two = repository.changes(none.cursor()).block(TIMEOUT);
		assertThat(two.full()).isFalse();
		assertThat(two.changed()).extracting(ProbeRepository.ProbeRow::name).containsExactly("many-7");
		assertThat(two.changed().get(0).completed()).isEqualTo(1);
		assertThat(two.archived()).containsExactly("many-8");
		assertThat(two.cursor().high()).isGreaterThan(none.cursor().high());
	}

	@Test
	void aRowNumberedBeforeAReadButCommittedAfterItIsReadNextTime() {
		ProbeRepository repository = server.context().getBean(ProbeRepository.class);
		other.sql("INSERT INTO probe (name, state) VALUES ('slow-writer', 'INEFFECTIVE'), ('fast-writer', 'INEFFECTIVE')")
			.then()
			.block(TIMEOUT);
		ProbeMirror.Cursor start = repository.changes(null).block(TIMEOUT).cursor();

		Connection slow = Mono.from(connections.create()).block(TIMEOUT);
		try {
			// The slow transaction takes its number first and commits last.
			Mono.from(slow.beginTransaction()).block(TIMEOUT);
			Flux.from(slow.createStatement("UPDATE probe SET completed = 5 WHERE name = 'slow-writer'").execute())
				.flatMap((result) -> result.getRowsUpdated())
				.blockLast(TIMEOUT);
			other.sql("UPDATE probe SET completed = 9 WHERE name = 'fast-writer'").then().block(TIMEOUT);

			ProbeMirror.Delta before = repository.changes(start).block(TIMEOUT);
			assertThat(before.changed()).extracting(ProbeRepository.ProbeRow::name).containsExactly("fast-writer");
			assertThat(before.cursor().inProgress()).as("the slow transaction").isNotEmpty();

			Mono.from(slow.commitTransaction()).block(TIMEOUT);
			ProbeMirror.Delta after = repository.changes(before.cursor()).block(TIMEOUT);
			assertThat(after.changed()).extracting(ProbeRepository.ProbeRow::name).containsExactly("slow-writer");
			assertThat(after.changed().get(0).completed()).isEqualTo(5);
		}
		finally {
			Mono.from(slow.close()).block(TIMEOUT);
		}
	}

	private static Map<String, Object> probe(String name) {
		List<Map<String, Object>> probes = server.http().get().uri("/api/probes").exchange()
			.expectStatus().isOk()
			.expectBody(PROBES)
			.returnResult()
			.getResponseBody();
		return probes.stream().filter((p) -> name.equals(p.get("name"))).findFirst().orElse(null);
	}

	@SuppressWarnings("unchecked")
	private static List<String> page(String q) {
		Map<String, Object> page = server.http().get().uri("/api/probes?size=50&q=" + q).exchange()
			.expectStatus().isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return ((List<Map<String, Object>>) page.get("items")).stream().map((p) -> (String) p.get("name")).toList();
	}
}
