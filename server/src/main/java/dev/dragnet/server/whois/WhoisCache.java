package dev.dragnet.server.whois;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import dev.dragnet.server.db.Batcher;
import dev.dragnet.server.db.Chore;
import dev.dragnet.server.db.DatabaseFailures;
import dev.dragnet.server.db.DatabaseStatus;
import dev.dragnet.server.db.DatabaseUnavailableException;

import io.r2dbc.postgresql.codec.Json;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.CharacterEscapes;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;
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

	/** Most reads or writes in one statement. */
	private static final int BATCH = 256;

	/** Most reads or writes waiting for a statement; one more is skipped, as when the database is away. */
	private static final int QUEUED = 8192;

	/**
	 * Statements of each kind under way at once. One: what arrives while it runs goes into the next, so under load
	 * each statement carries more lookups. With two, PostgreSQL spent 0.18-0.21 ms of CPU per cache miss in
	 * whois-throughput, with one 0.13-0.15 (docs/BENCHMARKS.md).
	 */
	private static final int IN_FLIGHT = 1;

	/** The advisory lock of the purge, so that one server instance purges at a time ("whois_cache" in ASCII). */
	private static final long PURGE_LOCK = 0x77686f69735fL;

	private final DatabaseClient db;

	private final Duration ttl;

	/**
	 * Writes and reads the stored hops. U+0000, which PostgreSQL's text and jsonb cannot hold, is written as U+FFFD:
	 * a registry or a probe that sends one would otherwise fail the statement, and every other answer of its batch
	 * would go unstored.
	 */
	private final JsonMapper json = JsonMapper.builder(JsonFactory.builder().characterEscapes(new NulAsReplacement()).build())
		.build();

	private final DatabaseStatus status;

	/** Reads of lookups under way at once go as one statement (group commit, {@link Batcher}). */
	private final Batcher<Key, Cached> reads;

	/** Writes likewise: one statement stores every answer that finished during the last one. */
	private final Batcher<Stored, Boolean> writes;

	WhoisCache(DatabaseClient db, WhoisProperties properties, DatabaseStatus status) {
		this.db = db;
		this.ttl = properties.cacheTtl();
		this.status = status;
		this.reads = new Batcher<>(this::select, BATCH, QUEUED, IN_FLIGHT);
		this.writes = new Batcher<>(this::upsert, BATCH, QUEUED, IN_FLIGHT);
	}

	/** A stored answer younger than the TTL, or empty; {@link DatabaseUnavailableException} when skipped. */
	Mono<Cached> find(Key key) {
		return guarded("the WHOIS cache is not read", this.reads.submit(key));
	}

	/** Stores an answer; {@link DatabaseUnavailableException} when the write is dropped. */
	Mono<Void> store(Key key, Cached answer) {
		return guarded("the WHOIS cache is not written", this.writes.submit(new Stored(key, answer))).then();
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
		return Mono.defer(() -> {
			if (!this.status.isAvailable()) {
				return Mono.error(() -> this.status.unavailable(what, null));
			}
			return use.timeout(this.status.optionalTimeout()).onErrorMap((ex) -> {
				if (ex instanceof Batcher.Overflow) {
					// The database keeps up with nothing: as good as away for this lookup, which goes on without.
					return this.status.unavailable(what, ex);
				}
				this.status.failed(ex);
				return (ex instanceof TimeoutException || DatabaseFailures.isUnavailable(ex))
						? this.status.unavailable(what, ex) : ex;
			});
		});
	}

	/** One statement for a batch of reads: each key's answer younger than the TTL. */
	private Mono<Map<Key, Cached>> select(List<Key> keys) {
		Key[] distinct = new LinkedHashSet<>(keys).toArray(Key[]::new);
		return this.db.sql("""
				SELECT k.i, c.source, c.hops, c.fetched_at
				FROM UNNEST(:domains::text[], :servers::text[], :policies::text[]) WITH ORDINALITY AS k(domain, server, policy, i)
				JOIN whois_cache c ON c.domain = k.domain AND c.server = k.server AND c.policy = k.policy
				WHERE c.fetched_at > :oldest
				""")
			.bind("domains", Stream.of(distinct).map(Key::domain).toArray(String[]::new))
			.bind("servers", Stream.of(distinct).map(Key::server).toArray(String[]::new))
			.bind("policies", Stream.of(distinct).map((key) -> key.policy().name()).toArray(String[]::new))
			.bind("oldest", OffsetDateTime.now(ZoneOffset.UTC).minus(this.ttl))
			.map((row) -> Map.entry(distinct[row.get("i", Long.class).intValue() - 1],
					new Cached(row.get("source", String.class),
							this.json.readValue(row.get("hops", Json.class).asString(), HOPS),
							row.get("fetched_at", OffsetDateTime.class).toInstant())))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.timeout(this.status.optionalTimeout());
	}

	/**
	 * One statement for a batch of writes. A stored answer is replaced only by a younger one, so batches that run at
	 * once may end in any order; a key written twice in one batch keeps its younger answer (one statement may not
	 * update a row twice).
	 */
	private Mono<Map<Stored, Boolean>> upsert(List<Stored> batch) {
		Map<Key, Cached> latest = new LinkedHashMap<>();
		for (Stored stored : batch) {
			latest.merge(stored.key(), stored.answer(),
					(old, young) -> young.fetchedAt().isBefore(old.fetchedAt()) ? old : young);
		}
		List<Row> rows = new ArrayList<>(latest.size());
		latest.forEach((key, answer) -> rows.add(new Row(key.domain(), key.server(), key.policy().name(), answer.source(),
				answer.hops(), answer.fetchedAt().toString())));
		// One JSON document for the whole batch: each hop list is written once, straight into it, and PostgreSQL
		// parses it once; as text arrays, each list was written to a string, escaped again into the array literal
		// by the driver and parsed twice by PostgreSQL (the array, then each element as jsonb).
		return this.db.sql("""
				INSERT INTO whois_cache (domain, server, policy, source, hops, fetched_at)
				SELECT t.domain, t.server, t.policy, t.source, t.hops, t.fetched
				FROM jsonb_to_recordset(:rows::jsonb)
				     AS t(domain text, server text, policy text, source text, hops jsonb, fetched timestamptz)
				ON CONFLICT (domain, server, policy) DO UPDATE SET source = EXCLUDED.source, hops = EXCLUDED.hops,
				    fetched_at = EXCLUDED.fetched_at
				WHERE whois_cache.fetched_at <= EXCLUDED.fetched_at
				""")
			.bind("rows", this.json.writeValueAsString(rows))
			.then()
			.timeout(this.status.optionalTimeout())
			.thenReturn(Map.of());
	}

	/** JSON's standard escapes, but U+0000 as U+FFFD. */
	private static final class NulAsReplacement extends CharacterEscapes {

		private static final int[] ESCAPES = escapes();

		private static final SerializedString REPLACEMENT = new SerializedString("\\uFFFD");

		private static int[] escapes() {
			int[] escapes = CharacterEscapes.standardAsciiEscapesForJSON();
			escapes[0] = CharacterEscapes.ESCAPE_CUSTOM;
			return escapes;
		}

		@Override
		public int[] getEscapeCodesForAscii() {
			return ESCAPES;
		}

		@Override
		public @Nullable SerializableString getEscapeSequence(int ch) {
			return (ch == 0) ? REPLACEMENT : null;
		}
	}

	/** One stored answer as the write statement reads it, by these names. */
	private record Row(String domain, String server, String policy, String source, List<Hop> hops, String fetched) {
	}

	/** An answer to store under its key. */
	private record Stored(Key key, Cached answer) {
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
