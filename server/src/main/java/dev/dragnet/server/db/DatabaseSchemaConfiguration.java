package dev.dragnet.server.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import io.r2dbc.spi.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.r2dbc.connection.init.CompositeDatabasePopulator;
import org.springframework.r2dbc.connection.init.ConnectionFactoryInitializer;
import org.springframework.r2dbc.connection.init.DatabasePopulator;
import org.springframework.r2dbc.connection.init.ResourceDatabasePopulator;

/**
 * Applies {@code classpath:schema.sql} (idempotent DDL) and then every {@link DatabaseSeed}, at start and before
 * the server serves: singletons are created before the web server starts.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseSchemaConfiguration {

	private static final String SCHEMA = "schema.sql";

	/** A hung DDL (a lock held elsewhere) must fail the start, not hang it. */
	private static final Duration TIMEOUT = Duration.ofMinutes(2);

	@Bean
	ConnectionFactoryInitializer databaseInitializer(ConnectionFactory connectionFactory,
			ObjectProvider<DatabaseSeed> seeds) {
		CompositeDatabasePopulator populator = new CompositeDatabasePopulator(schemaPopulator());
		seeds.orderedStream().forEach(populator::addPopulators);
		ConnectionFactoryInitializer initializer = new ConnectionFactoryInitializer();
		initializer.setConnectionFactory(connectionFactory);
		initializer.setDatabasePopulator(withTimeout(populator));
		return initializer;
	}

	/**
	 * The script is read here, on the main thread, and handed over as bytes: reading the classpath resource
	 * later would happen on an R2DBC event loop.
	 */
	private static DatabasePopulator schemaPopulator() {
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

	private static DatabasePopulator withTimeout(DatabasePopulator populator) {
		return connection -> populator.populate(connection).timeout(TIMEOUT);
	}
}
