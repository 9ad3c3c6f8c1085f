package dev.dragnet.server.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Result;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.r2dbc.connection.init.CompositeDatabasePopulator;
import org.springframework.r2dbc.connection.init.ConnectionFactoryInitializer;
import org.springframework.r2dbc.connection.init.DatabasePopulator;
import org.springframework.r2dbc.connection.init.ResourceDatabasePopulator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Applies {@code classpath:schema.sql} (idempotent DDL) and then every {@link DatabaseSeed}, at start and before
 * the server serves: singletons are created before the web server starts. One server at a time does so (see
 * {@link #oneAtATime}), so that the instances of a cluster can start together on one database.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseSchemaConfiguration {

	private static final String SCHEMA = "schema.sql";

	/** A hung DDL (a lock held elsewhere) must fail the start, not hang it. */
	private static final Duration TIMEOUT = Duration.ofMinutes(2);

	/** The advisory lock's key, the same in every version of the server: "dragnet" in ASCII. */
	static final long SCHEMA_LOCK = 0x647261676e6574L;

	@Bean
	ConnectionFactoryInitializer databaseInitializer(ConnectionFactory connectionFactory,
			ObjectProvider<DatabaseSeed> seeds) {
		CompositeDatabasePopulator populator = new CompositeDatabasePopulator(schemaPopulator());
		seeds.orderedStream().forEach(populator::addPopulators);
		ConnectionFactoryInitializer initializer = new ConnectionFactoryInitializer();
		initializer.setConnectionFactory(connectionFactory);
		initializer.setDatabasePopulator(withTimeout(oneAtATime(populator)));
		return initializer;
	}

	/**
	 * The script is read here, on the main thread, and handed over as bytes: reading the classpath resource
	 * later would happen on an R2DBC event loop.
	 */
	static DatabasePopulator schemaPopulator() {
		try {
			byte[] script = new ClassPathResource(SCHEMA).getContentAsByteArray();
			ResourceDatabasePopulator populator = new ResourceDatabasePopulator(new ByteArrayResource(script, SCHEMA));
			populator.setSqlScriptEncoding("UTF-8");
			return populator;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not read classpath:" + SCHEMA, ex);
		}
	}

	/**
	 * Runs {@code populator} holding PostgreSQL's session advisory lock {@link #SCHEMA_LOCK}, released after it, also
	 * when it fails. Two servers starting together on one database would otherwise run the same statements at once,
	 * and PostgreSQL refuses some of those races instead of waiting: two {@code CREATE TABLE IF NOT EXISTS} of one
	 * name (a duplicate key in its catalogue), two {@code CREATE OR REPLACE} of one function or trigger ("tuple
	 * concurrently updated"), which would fail the start of one of them. The second now waits for the first, then
	 * finds everything in place. The wait counts in the start's deadline.
	 */
	static DatabasePopulator oneAtATime(DatabasePopulator populator) {
		return (connection) -> run(connection, "SELECT pg_advisory_lock(" + SCHEMA_LOCK + ")")
			.then(populator.populate(connection)
				.onErrorResume((ex) -> run(connection, unlock()).onErrorResume((again) -> Mono.empty())
					.then(Mono.error(ex))))
			.then(run(connection, unlock()));
	}

	private static String unlock() {
		return "SELECT pg_advisory_unlock(" + SCHEMA_LOCK + ")";
	}

	/** Runs one statement on {@code connection}, its rows or counts read and dropped. */
	static Mono<Void> run(Connection connection, String sql) {
		return Flux.defer(() -> connection.createStatement(sql).execute()).concatMap(Result::getRowsUpdated).then();
	}

	private static DatabasePopulator withTimeout(DatabasePopulator populator) {
		return connection -> populator.populate(connection).timeout(TIMEOUT);
	}
}
