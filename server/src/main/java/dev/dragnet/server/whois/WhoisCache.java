package dev.dragnet.server.whois;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeoutException;

import dev.dragnet.server.db.Chore;
import dev.dragnet.server.db.DatabaseFailures;
import dev.dragnet.server.db.DatabaseStatus;
import dev.dragnet.server.db.DatabaseUnavailableException;

import io.r2dbc.postgresql.codec.Json;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code whois_cache} table: finished lookups by question, served again within the TTL. It is an optimisation:
 * while the database is away ({@link DatabaseStatus}) it is not even tried, and every read or write has the
 * deadline {@code dragnet.database.optional-timeout}; a failure ends in {@link DatabaseUnavailableException}, which
 * the lookup takes as "cache skipped".
 */
@Repository
class WhoisCache {

	private static final TypeReference<List<Hop>> HOPS = new TypeReference<>() {
	};

	/** The advisory lock of the purge, so that one server instance purges at a time ("whois_cache" in ASCII). */
	private static final long PURGE_LOCK = 0x77686f69735fL;

	private final DatabaseClient db;

	private final Duration ttl;

	private final JsonMapper json = JsonMapper.builder().build();

	private final DatabaseStatus status;

	WhoisCache(DatabaseClient db, WhoisProperties properties, DatabaseStatus status) {
		this.db = db;
		this.ttl = properties.cacheTtl();
		this.status = status;
	}

	/** A stored answer younger than the TTL, or empty; {@link DatabaseUnavailableException} when skipped. */
	Mono<Cached> find(Key key) {
		return guarded("the WHOIS cache is not read", Mono.defer(() -> select(key)));
	}

	/** Stores an answer; {@link DatabaseUnavailableException} when the write is dropped. */
	Mono<Void> store(Key key, Cached answer) {
		return guarded("the WHOIS cache is not written", Mono.defer(() -> upsert(key, answer)));
	}

	/**
	 * Deletes at most {@code batch} answers older than the TTL, which nobody is served any more; the number deleted.
	 * Under {@link Chore#LOCKED}: while another server instance purges, this deletes nothing.
	 */
	Mono<Long> purge(int batch) {
		return this.db.sql(Chore.LOCKED + """
				DELETE FROM whois_cache WHERE (SELECT mine FROM turn) AND fetched_at <= :oldest
				    AND ctid = ANY (ARRAY(SELECT ctid FROM whois_cache WHERE fetched_at <= :oldest LIMIT :batch))
				""")
			.bind("lock", PURGE_LOCK)
			.bind("oldest", OffsetDateTime.now(ZoneOffset.UTC).minus(this.ttl))
			.bind("batch", batch)
			.fetch()
			.rowsUpdated();
	}

	private <T> Mono<T> guarded(String what, Mono<T> use) {
		if (!this.status.isAvailable()) {
			return Mono.error(() -> this.status.unavailable(what, null));
		}
		return use.timeout(this.status.optionalTimeout()).onErrorMap((ex) -> {
			this.status.failed(ex);
			return (ex instanceof TimeoutException || DatabaseFailures.isUnavailable(ex))
					? this.status.unavailable(what, ex) : ex;
		});
	}

	private Mono<Cached> select(Key key) {
		return this.db.sql("""
				SELECT source, hops, fetched_at FROM whois_cache
				WHERE domain = :domain AND server = :server AND policy = :policy AND fetched_at > :oldest
				""")
			.bind("domain", key.domain())
			.bind("server", key.server())
			.bind("policy", key.policy().name())
			.bind("oldest", OffsetDateTime.now(ZoneOffset.UTC).minus(this.ttl))
			.map((row) -> new Cached(row.get("source", String.class),
					this.json.readValue(row.get("hops", Json.class).asString(), HOPS),
					row.get("fetched_at", OffsetDateTime.class).toInstant()))
			.one();
	}

	private Mono<Void> upsert(Key key, Cached answer) {
		return this.db.sql("""
				INSERT INTO whois_cache (domain, server, policy, source, hops, fetched_at)
				VALUES (:domain, :server, :policy, :source, :hops, :fetched)
				ON CONFLICT (domain, server, policy) DO UPDATE SET source = EXCLUDED.source, hops = EXCLUDED.hops,
				    fetched_at = EXCLUDED.fetched_at
				""")
			.bind("domain", key.domain())
			.bind("server", key.server())
			.bind("policy", key.policy().name())
			.bind("source", answer.source())
			.bind("hops", Json.of(this.json.writeValueAsString(answer.hops())))
			.bind("fetched", answer.fetchedAt().atOffset(ZoneOffset.UTC))
			.then();
	}

	/** What a cached answer is filed under. */
	record Key(String domain, String server, LookupPolicy policy) {

		static Key of(String domain, @Nullable WhoisServerAddress server, LookupPolicy policy) {
			return new Key(domain, (server != null) ? server.toString() : "", policy);
		}
	}

	/** A finished lookup's raw answers. */
	record Cached(String source, List<Hop> hops, Instant fetchedAt) {
	}
}
