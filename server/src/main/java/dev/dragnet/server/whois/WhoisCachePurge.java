package dev.dragnet.server.whois;

import dev.dragnet.server.db.Chore;
import dev.dragnet.server.db.ChoreLifecycle;
import dev.dragnet.server.db.DatabaseStatus;
import dev.dragnet.server.db.HousekeepingProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Deletes cached WHOIS answers older than {@code dragnet.whois.cache-ttl}, every
 * {@code dragnet.housekeeping.interval}: they are never served again, and without this the table only grows.
 */
@Component
class WhoisCachePurge extends ChoreLifecycle {

	private final WhoisCache cache;

	private final HousekeepingProperties properties;

	private final DatabaseStatus status;

	WhoisCachePurge(WhoisCache cache, HousekeepingProperties properties, DatabaseStatus status) {
		this.cache = cache;
		this.properties = properties;
		this.status = status;
	}

	@Override
	protected @Nullable Chore begin() {
		return Chore.start("the WHOIS cache purge", this.properties, this.status,
				() -> this.cache.purge(this.properties.batch()),
				(deleted) -> "purged " + deleted + " WHOIS cache entries older than the cache TTL");
	}
}
