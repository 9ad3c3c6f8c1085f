package dev.dragnet.server.probe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.dragnet.server.db.DatabaseStatus;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Enrollment codes, probe credentials and the trust state of probes ({@code probe_enrollment},
 * {@code probe_credential} and the revocation and quarantine columns of {@code probe}). Codes and credentials are
 * random and stored only as SHA-256 hashes: a copy of the database lets nobody connect as a probe.
 */
@Repository
class ProbeCredentials {

	/** Prefix of a credential, so a person (and the server) tells it from a shared token. */
	static final String CREDENTIAL_PREFIX = "dpc_";

	/** Letters of enrollment codes: no 0/O, 1/I/L, so a code read out over the phone is typed right. */
	private static final char[] CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789".toCharArray();

	private final DatabaseClient db;

	/**
	 * A deterministic random bit generator (NIST SP 800-90A), seeded from the system's entropy source once, here:
	 * later draws compute and never read a device file, so they may run on any thread, event loops included,
	 * without waiting for a worker pool shared with slower work.
	 */
	private final SecureRandom random = seededDrbg();

	private final DatabaseStatus status;

	/**
	 * What was last read of each credential and probe name, so that probes this server already knows keep
	 * connecting while the database is away (docs/OPERATIONS.md). Bounded by the credentials and probes there are.
	 */
	private final Map<String, CredentialOwner> knownOwners = new ConcurrentHashMap<>();

	private final Map<String, TrustState> knownTrust = new ConcurrentHashMap<>();

	ProbeCredentials(DatabaseClient db, DatabaseStatus status) {
		this.db = db;
		this.status = status;
	}

	/** {@code read} with the deadline of optional database work, or the last value known while it is away. */
	private <T> Mono<T> orKnown(Mono<T> read, @Nullable T known, Map<String, T> cache, String key) {
		if (!this.status.isAvailable() && known != null) {
			return Mono.just(known);
		}
		return read.timeout(this.status.optionalTimeout())
			.doOnNext((value) -> cache.put(key, value))
			.onErrorResume((ex) -> {
				this.status.failed(ex);
				return (known != null) ? Mono.just(known) : Mono.error(ex);
			});
	}

	/** Creates a one-time code that expires at {@code expiresAt}; answers the code, which is never stored. */
	Mono<String> createEnrollment(@Nullable String probeName, Instant expiresAt) {
		return randomCode().flatMap((code) -> {
			DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
					INSERT INTO probe_enrollment (code_hash, probe_name, expires_at) VALUES (:hash, :name, :expires)
					""")
				.bind("hash", hash(normaliseCode(code)))
				.bind("expires", utc(expiresAt));
			insert = (probeName != null) ? insert.bind("name", probeName) : insert.bindNull("name", String.class);
			return insert.then().thenReturn(code);
		});
	}

	/**
	 * Uses a code once: answers the probe name and a new credential for it, revoking earlier credentials of that
	 * name and lifting a revocation of it. The same request again ({@code requestId}, not null) before the code
	 * expires is that use repeated: a fresh credential, the one issued before revoked with the others. Errors with
	 * {@link EnrollmentRefusedException} when the code was used by another request, expired or never existed.
	 */
	Mono<Enrolled> enroll(String code, String requestedName, @Nullable String requestId, Instant now) {
		String codeHash = hash(normaliseCode(code));
		String requestHash = (requestId != null) ? hash(requestId) : null;
		// One statement, so the code is used up, older credentials revoked and the new one stored together.
		Mono<Enrolled> exchange = randomCredential().flatMap((credential) -> this.db.sql("""
				WITH used AS (
				    UPDATE probe_enrollment SET used_at = COALESCE(used_at, :now),
				        used_by = COALESCE(used_by, probe_name, :name), used_request = :request
				    WHERE code_hash = :hash AND expires_at > :now
				      AND (used_at IS NULL OR used_request = :request)
				    RETURNING used_by),
				  old AS (
				    UPDATE probe_credential SET revoked_at = :now
				    WHERE probe_name IN (SELECT used_by FROM used) AND revoked_at IS NULL),
				  issued AS (
				    INSERT INTO probe_credential (secret_hash, probe_name) SELECT :credential, used_by FROM used),
				  lifted AS (
				    UPDATE probe SET revoked_at = NULL, revoke_reason = NULL WHERE name IN (SELECT used_by FROM used))
				SELECT used_by FROM used
				""")
			.bind("now", utc(now))
			.bind("name", requestedName)
			.bind("hash", codeHash)
			.bind("credential", hash(credential))
			.bind("request", Parameter.fromOrEmpty(requestHash, String.class))
			.map((row) -> new Enrolled(row.get("used_by", String.class), credential))
			.one());
		return exchange.switchIfEmpty(Mono.defer(() -> whyRefused(codeHash, now)));
	}

	/** A used code says so while it would still be valid; past its expiry (a late retry too) it says that. */
	private Mono<Enrolled> whyRefused(String codeHash, Instant now) {
		return this.db.sql("SELECT used_at, expires_at FROM probe_enrollment WHERE code_hash = :hash")
			.bind("hash", codeHash)
			.map((row) -> {
				Instant expires = row.get("expires_at", OffsetDateTime.class).toInstant();
				return (row.get("used_at", OffsetDateTime.class) != null && expires.isAfter(now))
						? "this enrollment code was already used" : "this enrollment code expired at " + expires;
			})
			.one()
			.defaultIfEmpty("this enrollment code is not known to the server (mistyped, or made by another server)")
			.flatMap((reason) -> Mono.error(new EnrollmentRefusedException(reason)));
	}

	/** Who a credential belongs to, and whether it was revoked; empty for a credential never issued. */
	Mono<CredentialOwner> owner(String credential) {
		String hash = hash(credential);
		Mono<CredentialOwner> read = this.db.sql("SELECT probe_name, revoked_at FROM probe_credential WHERE secret_hash = :hash")
			.bind("hash", hash)
			.map((row) -> new CredentialOwner(row.get("probe_name", String.class), row.get("revoked_at", OffsetDateTime.class) != null))
			.one();
		return orKnown(read, this.knownOwners.get(hash), this.knownOwners, hash);
	}

	/** The trust state of a probe name; a name never seen is neither revoked nor quarantined. */
	Mono<TrustState> trustState(String name) {
		Mono<TrustState> read = this.db.sql("SELECT revoked_at, revoke_reason, quarantine_reason FROM probe WHERE name = :name")
			.bind("name", name)
			.map((row) -> new TrustState(row.get("revoked_at", OffsetDateTime.class) != null,
					row.get("revoke_reason", String.class), row.get("quarantine_reason", String.class)))
			.one()
			.defaultIfEmpty(new TrustState(false, null, null));
		// A name never read is taken as it would be read if new: a shared-token probe keeps working while the
		// database is away; revocations made on this server are known (revoke below).
		TrustState known = this.knownTrust.getOrDefault(name, new TrustState(false, null, null));
		return orKnown(read, known, this.knownTrust, name);
	}

	/** Revokes a probe and every credential of it; answers false when no such probe or credential exists. */
	Mono<Boolean> revoke(String name, String reason, Instant now) {
		return this.db.sql("""
				WITH credentials AS (
				    UPDATE probe_credential SET revoked_at = :now WHERE probe_name = :name RETURNING 1),
				  probe_row AS (
				    INSERT INTO probe (name, state, revoked_at, revoke_reason)
				    SELECT :name, 'INEFFECTIVE', :now, :reason
				    WHERE EXISTS (SELECT 1 FROM probe WHERE name = :name)
				       OR EXISTS (SELECT 1 FROM probe_credential WHERE probe_name = :name)
				    ON CONFLICT (name) DO UPDATE SET revoked_at = EXCLUDED.revoked_at, revoke_reason = EXCLUDED.revoke_reason
				    RETURNING 1)
				SELECT (SELECT count(*) FROM probe_row) AS known
				""")
			.bind("now", utc(now))
			.bind("name", name)
			.bind("reason", reason)
			.map((row) -> row.get("known", Long.class))
			.one()
			.map((known) -> known != null && known > 0)
			.doOnNext((known) -> {
				if (known) {
					this.knownTrust.put(name, new TrustState(true, reason, null));
					this.knownOwners.replaceAll((hash, owner) -> owner.name().equals(name) ? new CredentialOwner(name, true) : owner);
				}
			});
	}

	/** Stores (a reason) or lifts (null) the quarantine of a probe; answers whether the probe exists. */
	Mono<Boolean> quarantine(String name, @Nullable String reason, Instant now) {
		DatabaseClient.GenericExecuteSpec update = this.db
			.sql("UPDATE probe SET quarantine_reason = :reason, quarantined_at = :at WHERE name = :name")
			.bind("name", name);
		update = (reason != null) ? update.bind("reason", reason).bind("at", utc(now))
				: update.bindNull("reason", String.class).bindNull("at", OffsetDateTime.class);
		return update
			.fetch()
			.rowsUpdated()
			.map((n) -> n > 0);
	}

	private Mono<String> randomCode() {
		return random((rng) -> {
			StringBuilder code = new StringBuilder();
			for (int i = 0; i < 20; i++) {
				if (i > 0 && i % 5 == 0) {
					code.append('-');
				}
				code.append(CODE_LETTERS[rng.nextInt(CODE_LETTERS.length)]);
			}
			return code.toString();
		});
	}

	private Mono<String> randomCredential() {
		return random((rng) -> {
			byte[] secret = new byte[32];
			rng.nextBytes(secret);
			return CREDENTIAL_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
		});
	}

	private Mono<String> random(Function<SecureRandom, String> draw) {
		return Mono.fromCallable(() -> draw.apply(this.random));
	}

	private static SecureRandom seededDrbg() {
		try {
			SecureRandom drbg = SecureRandom.getInstance("DRBG");
			drbg.nextBytes(new byte[1]); // instantiates it now: its seed is read on first use
			return drbg;
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM since Java 9 has DRBG", ex);
		}
	}

	/** Codes are compared without dashes, spaces or case, as people type them. */
	static String normaliseCode(String code) {
		return code.replaceAll("[\\s-]", "").toUpperCase(java.util.Locale.ROOT);
	}

	static String hash(String secret) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	/** A code exchanged: the probe's name and its new credential, shown once. */
	record Enrolled(String name, String credential) {
	}

	/** The probe a credential was issued to. */
	record CredentialOwner(String name, boolean revoked) {
	}

	/** Whether a probe name was revoked (and why), and why it is quarantined (null: it is not). */
	record TrustState(boolean revoked, @Nullable String revokeReason, @Nullable String quarantineReason) {
	}

	/** An enrollment code that cannot be used: used, expired or unknown. */
	static final class EnrollmentRefusedException extends RuntimeException {

		EnrollmentRefusedException(String reason) {
			super(reason, null, false, false);
		}
	}
}
