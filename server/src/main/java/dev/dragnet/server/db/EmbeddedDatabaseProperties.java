package dev.dragnet.server.db;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded PostgreSQL the server starts when {@code spring.r2dbc.url} is not set.
 *
 * @param dir the data directory; it survives restarts, so lookups and probes are kept. The server log goes
 * beside it, as {@code <dir>.log}
 * @param port the TCP port on 127.0.0.1; 0 picks a free port at each start
 * @param startupTimeout how long initdb and the server start may take before the server gives up
 * @param poolMaxSize the most connections the server holds open to it
 * @param poolMaxAcquireTime the longest a request waits for a connection from the pool; then it fails (503)
 * @param poolMaxCreateConnectionTime the longest opening one connection may take (the connect timeout)
 */
@ConfigurationProperties("dragnet.embedded-db")
record EmbeddedDatabaseProperties(@DefaultValue("./data/postgres") Path dir, @DefaultValue("0") int port,
		@DefaultValue("60s") Duration startupTimeout, @DefaultValue("20") int poolMaxSize,
		@DefaultValue("5s") Duration poolMaxAcquireTime, @DefaultValue("5s") Duration poolMaxCreateConnectionTime) {

	EmbeddedDatabaseProperties {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("dragnet.embedded-db.port must be 0 (any free port) or 1-65535");
		}
		if (startupTimeout.isNegative() || startupTimeout.isZero()) {
			throw new IllegalArgumentException("dragnet.embedded-db.startup-timeout must be positive");
		}
		if (poolMaxAcquireTime.isNegative() || poolMaxAcquireTime.isZero() || poolMaxCreateConnectionTime.isNegative()
				|| poolMaxCreateConnectionTime.isZero()) {
			throw new IllegalArgumentException(
					"dragnet.embedded-db.pool-max-acquire-time and .pool-max-create-connection-time must be positive");
		}
		if (poolMaxSize < 1) {
			throw new IllegalArgumentException("dragnet.embedded-db.pool-max-size must be at least 1");
		}
	}
}
