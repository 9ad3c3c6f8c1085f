package dev.dragnet.server.db;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class EmbeddedPostgresIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path temp;

	private @Nullable EmbeddedPostgres postgres;

	private @Nullable EmbeddedPostgres second;

	@AfterEach
	void stopServers() {
		if (this.second != null) {
			this.second.stop();
		}
		if (this.postgres != null) {
			this.postgres.stop();
		}
	}

	@Test
	void startsAndAnswersQueries() {
		this.postgres = start(this.temp.resolve("data"));

		query(this.postgres, "SELECT 1 AS one").as(StepVerifier::create).expectNext(1L).expectComplete().verify(WAIT);
		assertThat(this.postgres.version()).startsWith("17.");
		assertThat(this.postgres.port()).isPositive();
		assertThat(this.postgres.dataDirectory().resolve("PG_VERSION")).exists();
		assertThat(this.temp.resolve("data.log")).exists();
	}

	@Test
	void keepsDataAcrossRestarts() {
		Path data = this.temp.resolve("data");
		this.postgres = start(data);
		update(this.postgres, "CREATE TABLE kept (n int)").then(update(this.postgres, "INSERT INTO kept VALUES (1), (2), (3)"))
			.as(StepVerifier::create)
			.expectComplete()
			.verify(WAIT);
		this.postgres.stop();
		assertThat(this.postgres.isRunning()).isFalse();
		assertThat(data.resolve("postmaster.pid")).doesNotExist();

		this.postgres = start(data);

		query(this.postgres, "SELECT count(*) FROM kept").as(StepVerifier::create)
			.expectNext(3L)
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void runsAsRootThroughAUserNamespace() {
		assumeTrue(EmbeddedPostgres.isRoot(), "only meaningful when the tests run as root");
		this.postgres = start(this.temp.resolve("data"));

		ProcessHandle postmaster = postmaster(this.postgres.dataDirectory()).orElseThrow();
		// seen from outside the namespace, the server runs as root, which PostgreSQL itself would refuse
		assertThat(postmaster.info().user()).contains("root");
		query(this.postgres, "SELECT 1").as(StepVerifier::create).expectNext(1L).expectComplete().verify(WAIT);
	}

	@Test
	void stopsAServerLeftRunningByADeadProcess() throws IOException {
		Path data = this.temp.resolve("data");
		this.postgres = start(data);
		EmbeddedPostgres orphan = this.postgres;
		long orphanPid = postmaster(data).orElseThrow().pid();
		// as if the JVM that started it had died without stopping it
		Files.writeString(this.temp.resolve("data.owner"), deadPid() + "\n");

		this.second = start(data);
		this.postgres = null; // its server is gone: the second instance stopped it

		assertThat(postmaster(data).orElseThrow().pid()).isNotEqualTo(orphanPid);
		query(this.second, "SELECT 1").as(StepVerifier::create).expectNext(1L).expectComplete().verify(WAIT);
		if (orphan.port() != this.second.port()) {
			query(orphan, "SELECT 1").as(StepVerifier::create).expectError().verify(WAIT);
		}
	}

	@Test
	void refusesADirectoryAnotherLiveProcessUses() throws Exception {
		Path data = this.temp.resolve("data");
		this.postgres = start(data);
		Process owner = new ProcessBuilder("sleep", "60").start();
		try {
			Files.writeString(this.temp.resolve("data.owner"), owner.pid() + "\n");

			assertThatThrownBy(() -> start(data)).isInstanceOf(EmbeddedPostgresException.class)
				.hasMessageContaining("already serves " + data)
				.hasMessageContaining("running process " + owner.pid());
			query(this.postgres, "SELECT 1").as(StepVerifier::create).expectNext(1L).expectComplete().verify(WAIT);
		}
		finally {
			owner.destroyForcibly();
		}
	}

	@Test
	void failureMessageCarriesTheEndOfTheLog() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			EmbeddedPostgres postgres = new EmbeddedPostgres(this.temp.resolve("data"), taken.getLocalPort(), WAIT);

			assertThatThrownBy(postgres::start).isInstanceOf(EmbeddedPostgresException.class)
				.hasMessageContaining("pg_ctl start failed")
				.hasMessageContaining("could not bind");
		}
	}

	@Test
	void refusesANonEmptyDirectoryWithoutACluster() throws IOException {
		Path data = Files.createDirectories(this.temp.resolve("data"));
		Files.writeString(data.resolve("something.txt"), "not a cluster");

		assertThatThrownBy(() -> start(data)).isInstanceOf(EmbeddedPostgresException.class)
			.hasMessageContaining("holds no PostgreSQL cluster");
	}

	private static EmbeddedPostgres start(Path data) {
		return new EmbeddedPostgres(data, 0, WAIT).start();
	}

	private static Optional<ProcessHandle> postmaster(Path data) {
		try {
			long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
			return ProcessHandle.of(pid);
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private static long deadPid() throws IOException {
		Process process = new ProcessBuilder("true").start();
		process.onExit().join();
		return process.pid();
	}

	private static Mono<Long> query(EmbeddedPostgres postgres, String sql) {
		return Mono.usingWhen(connections(postgres).create(),
				connection -> Mono.from(connection.createStatement(sql).execute())
					.flatMap(result -> Mono.from(result.map((row, metadata) -> ((Number) row.get(0)).longValue()))),
				Connection::close);
	}

	private static Mono<Void> update(EmbeddedPostgres postgres, String sql) {
		return Mono.usingWhen(connections(postgres).create(),
				connection -> Flux.from(connection.createStatement(sql).execute())
					.flatMap(result -> result.getRowsUpdated())
					.then(),
				Connection::close);
	}

	private static PostgresqlConnectionFactory connections(EmbeddedPostgres postgres) {
		return new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
			.host(postgres.host())
			.port(postgres.port())
			.username(EmbeddedPostgres.USER)
			.database(EmbeddedPostgres.DATABASE)
			.build());
	}
}
