package dev.dragnet.server.db;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the server watches PostgreSQL and how long its optional uses of it may wait (see docs/OPERATIONS.md,
 * "When the database is away").
 *
 * @param checkInterval how often a cheap query ({@code SELECT 1}) checks whether the database answers
 * @param checkTimeout the deadline of that check and of the {@code r2dbc} health check: past it, DOWN
 * @param optionalTimeout the deadline of uses the server can do without (the WHOIS cache, probe rows): past it
 * they are skipped
 * @param retryAfter the {@code Retry-After} of a {@code database-unavailable} answer
 * @param memoryRefresh how often tables served from memory (the WHOIS server table) are read again, for changes
 * made by other servers or by hand
 * @param probeBacklog probes whose latest state is held in memory while the database is away; beyond, the
 * oldest waiting state is dropped (logged)
 */
@ConfigurationProperties("dragnet.database")
public record DatabaseProperties(@DefaultValue("5s") Duration checkInterval, @DefaultValue("2s") Duration checkTimeout,
		@DefaultValue("2s") Duration optionalTimeout, @DefaultValue("10s") Duration retryAfter,
		@DefaultValue("60s") Duration memoryRefresh, @DefaultValue("10000") int probeBacklog) {

	public DatabaseProperties {
		if (!positive(checkInterval) || !positive(checkTimeout) || !positive(optionalTimeout) || !positive(retryAfter)
				|| !positive(memoryRefresh)) {
			throw new IllegalArgumentException("dragnet.database.check-interval, .check-timeout, .optional-timeout,"
					+ " .retry-after and .memory-refresh must be positive");
		}
		if (probeBacklog < 1) {
			throw new IllegalArgumentException("dragnet.database.probe-backlog must be at least 1");
		}
	}

	private static boolean positive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}
}
