package dev.dragnet.server.db;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dragnet.server.testsupport.TestDatabase;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.connection.init.DatabasePopulator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static dev.dragnet.server.db.DatabaseSchemaConfiguration.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Servers starting together on one database apply the schema one after the other
 * ({@link DatabaseSchemaConfiguration#oneAtATime}), each under PostgreSQL's advisory lock.
 */
class SchemaLockIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final ConnectionFactory database = connect(TestDatabase.springProperties());

	@Test
	void theSchemaWaitsForAnotherServerApplyingItAndIsAppliedOnceThatOneIsDone() {
		Connection other = Mono.from(this.database.create()).block(WAIT);
		Connection mine = Mono.from(this.database.create()).block(WAIT);
		try {
			run(other, "SELECT pg_advisory_lock(" + DatabaseSchemaConfiguration.SCHEMA_LOCK + ")").block(WAIT);
			AtomicInteger applied = new AtomicInteger();
			DatabasePopulator schema = (connection) -> run(connection, "CREATE TABLE IF NOT EXISTS t (n int)")
				.doOnSuccess((done) -> applied.incrementAndGet());

			StepVerifier.create(DatabaseSchemaConfiguration.oneAtATime(schema).populate(mine))
				.expectSubscription()
				.expectNoEvent(Duration.ofSeconds(1))
				.then(() -> assertThat(applied).as("applied while another server holds the lock").hasValue(0))
				.then(() -> run(other, "SELECT pg_advisory_unlock(" + DatabaseSchemaConfiguration.SCHEMA_LOCK + ")")
					.block(WAIT))
				.expectComplete()
				.verify(WAIT);
			assertThat(applied).hasValue(1);
			assertThat(locksHeld(other)).as("the lock is given back").isZero();
		}
		finally {
			Mono.from(other.close()).block(WAIT);
			Mono.from(mine.close()).block(WAIT);
		}
	}

	@Test
	void aFailingSchemaGivesTheLockBack() {
		Connection mine = Mono.from(this.database.create()).block(WAIT);
		try {
			DatabasePopulator broken = (connection) -> run(connection, "CREATE TABLE t (n no_such_type)");

			StepVerifier.create(DatabaseSchemaConfiguration.oneAtATime(broken).populate(mine))
				.expectErrorSatisfies((ex) -> assertThat(ex).hasMessageContaining("no_such_type"))
				.verify(WAIT);
			assertThat(locksHeld(mine)).isZero();
		}
		finally {
			Mono.from(mine.close()).block(WAIT);
		}
	}

	@Test
	void twoServersStartingTogetherOnAFreshDatabaseBothApplyTheWholeSchema() {
		DatabasePopulator schema = DatabaseSchemaConfiguration.oneAtATime(DatabaseSchemaConfiguration.schemaPopulator());
		Mono<Void> first = Mono.usingWhen(this.database.create(), schema::populate, Connection::close);
		Mono<Void> second = Mono.usingWhen(this.database.create(), schema::populate, Connection::close);

		StepVerifier.create(Mono.when(first, second)).expectComplete().verify(Duration.ofMinutes(2));
	}

	/** A new, empty database. */
	private static ConnectionFactory connect(Map<String, Object> spring) {
		return ConnectionFactories.get(ConnectionFactoryOptions.parse(spring.get("spring.r2dbc.url").toString())
			.mutate()
			.option(ConnectionFactoryOptions.USER, spring.get("spring.r2dbc.username").toString())
			.option(ConnectionFactoryOptions.PASSWORD, spring.get("spring.r2dbc.password").toString())
			.build());
	}

	private static long locksHeld(Connection connection) {
		return Flux.from(connection.createStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
			.execute()).flatMap((result) -> result.map((row, meta) -> row.get(0, Long.class))).blockFirst(WAIT);
	}
}
