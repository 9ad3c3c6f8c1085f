package dev.dragnet.server.whois;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import io.r2dbc.postgresql.codec.Json;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code whois_cache} table: finished lookups by question, served again within the TTL. */
@Repository
class WhoisCache {

	private static final TypeReference<List<Hop>> HOPS = new TypeReference<>() {
	};

	private final DatabaseClient db;

	private final Duration ttl;

	private final JsonMapper json = JsonMapper.builder().build();

	WhoisCache(DatabaseClient db, WhoisProperties properties) {
		this.db = db;
		this.ttl = properties.cacheTtl();
	}

	/** A stored answer younger than the TTL, or empty. */
	Mono<Cached> find(Key key) {
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

	Mono<Void> store(Key key, Cached answer) {
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
