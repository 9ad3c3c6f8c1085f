package dev.dragnet.server.db;

import java.time.Duration;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Without {@code spring.r2dbc.url}, the server starts its own PostgreSQL and connects to it through a bounded
 * pool. Boot's R2DBC auto-configuration backs off because a {@code ConnectionFactory} bean exists.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoR2dbcUrlCondition.class)
class EmbeddedDatabaseConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

	/** Started here, on the main thread at startup: this is the program's edge, where blocking is fine. */
	@Bean(destroyMethod = "stop")
	EmbeddedPostgres embeddedPostgres(EmbeddedDatabaseProperties properties) {
		EmbeddedPostgres postgres = new EmbeddedPostgres(properties.dir(), properties.port(),
				properties.startupTimeout())
			.start();
		logger.info("embedded PostgreSQL {} on {}:{}, data in {}", postgres.version(), postgres.host(), postgres.port(),
				postgres.dataDirectory());
		return postgres;
	}

	/** Destroyed before the server it depends on, so connections close before PostgreSQL stops. */
	@Bean(destroyMethod = "dispose")
	ConnectionPool connectionFactory(EmbeddedPostgres postgres, EmbeddedDatabaseProperties properties) {
		PostgresqlConnectionFactory connections = new PostgresqlConnectionFactory(
				connectionConfiguration(postgres, properties));
		return new ConnectionPool(poolConfiguration(connections, properties));
	}

	private static PostgresqlConnectionConfiguration connectionConfiguration(EmbeddedPostgres postgres,
			EmbeddedDatabaseProperties properties) {
		return PostgresqlConnectionConfiguration.builder()
			.host(postgres.host())
			.port(postgres.port())
			.username(EmbeddedPostgres.USER)
			.database(EmbeddedPostgres.DATABASE)
			.applicationName("dragnet-server")
			.connectTimeout(properties.poolMaxCreateConnectionTime())
			.build();
	}

	private static ConnectionPoolConfiguration poolConfiguration(PostgresqlConnectionFactory connections,
			EmbeddedDatabaseProperties properties) {
		return ConnectionPoolConfiguration.builder(connections)
			.name("dragnet-embedded")
			.initialSize(Math.min(2, properties.poolMaxSize()))
			.minIdle(Math.min(2, properties.poolMaxSize()))
			.maxSize(properties.poolMaxSize())
			// No request waits longer than these for a connection, so a database that went away costs a request
			// its deadline at most; the pool creates a new connection at the next acquire once it is back.
			.maxAcquireTime(properties.poolMaxAcquireTime())
			.maxCreateConnectionTime(properties.poolMaxCreateConnectionTime())
			.maxValidationTime(Duration.ofSeconds(2))
			.maxIdleTime(Duration.ofMinutes(10))
			.maxLifeTime(Duration.ofHours(1))
			.build();
	}
}
