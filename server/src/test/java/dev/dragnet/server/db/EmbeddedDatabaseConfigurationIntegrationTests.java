package dev.dragnet.server.db;

import java.nio.file.Path;
import java.time.Duration;

import dev.dragnet.server.DragnetServerApplication;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The server without {@code spring.r2dbc.url}: its own PostgreSQL, whose data outlives the server. */
class EmbeddedDatabaseConfigurationIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path temp;

	@Test
	void serverRunsItsOwnPostgresAndKeepsDataAcrossRestarts() {
		Path dir = this.temp.resolve("pg");
		EmbeddedPostgres first;
		try (ConfigurableApplicationContext app = start(dir)) {
			first = app.getBean(EmbeddedPostgres.class);
			assertThat(first.isRunning()).isTrue();
			assertThat(first.dataDirectory()).isEqualTo(dir.toAbsolutePath().normalize());
			assertThat(app.getBean(ConnectionFactory.class)).isInstanceOf(ConnectionPool.class);
			DatabaseClient db = app.getBean(DatabaseClient.class);
			db.sql("SELECT count(*) AS n FROM whois_server")
				.map(row -> row.get("n", Long.class))
				.one()
				.as(StepVerifier::create)
				.assertNext(count -> assertThat(count).isGreaterThan(1500))
				.expectComplete()
				.verify(WAIT);
			db.sql("INSERT INTO probe (name, state) VALUES ('kept', 'INEFFECTIVE')")
				.then()
				.as(StepVerifier::create)
				.expectComplete()
				.verify(WAIT);
		}
		assertThat(first.isRunning()).isFalse();
		assertThat(dir.resolve("postmaster.pid")).doesNotExist();

		try (ConfigurableApplicationContext app = start(dir)) {
			app.getBean(DatabaseClient.class)
				.sql("SELECT count(*) AS n FROM probe WHERE name = 'kept'")
				.map(row -> row.get("n", Long.class))
				.one()
				.as(StepVerifier::create)
				.expectNext(1L)
				.expectComplete()
				.verify(WAIT);
		}
	}

	private static ConfigurableApplicationContext start(Path dir) {
		return new SpringApplicationBuilder(DragnetServerApplication.class).run("--server.port=0",
				"--dragnet.embedded-db.dir=" + dir);
	}
}
