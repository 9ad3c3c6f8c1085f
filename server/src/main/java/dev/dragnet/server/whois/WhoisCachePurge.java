package dev.dragnet.server.whois;

import dev.dragnet.server.db.Chore;
import dev.dragnet.server.db.DatabaseStatus;
import dev.dragnet.server.db.HousekeepingProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Deletes cached WHOIS answers older than {@code dragnet.whois.cache-ttl}, every
 * {@code dragnet.housekeeping.interval}: they are never served again, and without this the table only grows.
 */
@Component
class WhoisCachePurge implements SmartLifecycle {

	private final WhoisCache cache;

	private final HousekeepingProperties properties;

	private final DatabaseStatus status;

	private volatile @Nullable Chore chore;

	WhoisCachePurge(WhoisCache cache, HousekeepingProperties properties, DatabaseStatus status) {
		this.cache = cache;
		this.properties = properties;
		this.status = status;
	}

	@Override
	public void start() {
		this.chore = Chore.start("the WHOIS cache purge", this.properties, this.status,
				() -> this.cache.purge(this.properties.batch()),
				(deleted) -> "purged " + deleted + " WHOIS cache entries older than the cache TTL");
	}

	@Override
	public void stop() {
		Chore running = this.chore;
		if (running != null) {
			running.dispose();
		}
		this.chore = null;
	}

	@Override
	public boolean isRunning() {
		return this.chore != null;
	}
}
