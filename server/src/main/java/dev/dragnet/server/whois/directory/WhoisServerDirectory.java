package dev.dragnet.server.whois.directory;

import java.time.OffsetDateTime;
import java.util.Locale;

import dev.dragnet.server.whois.directory.WhoisServerEntry.Service;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Which WHOIS server answers for which suffix, stored in the {@code whois_server} table. Lookups take one
 * query each.
 */
@org.springframework.stereotype.Service
public class WhoisServerDirectory {

	private static final String COLUMNS = "suffix, host, port, query_format, service, web_url, origin, updated_at";

	private final DatabaseClient db;

	WhoisServerDirectory(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * The entry for the longest proper suffix of {@code normalisedDomain}: for {@code a.b.co.uk} the first of
	 * {@code b.co.uk}, {@code co.uk} and {@code uk} that has an entry. Empty when none has.
	 *
	 * @param normalisedDomain a name already normalised by {@link dev.dragnet.net.DomainNames#normalise}
	 */
	public Mono<WhoisServerEntry> findForDomain(String normalisedDomain) {
		String[] suffixes = properSuffixes(normalisedDomain);
		if (suffixes.length == 0) {
			return Mono.empty();
		}
		return this.db
			.sql("SELECT " + COLUMNS + " FROM whois_server WHERE suffix = ANY(:suffixes)"
					+ " ORDER BY length(suffix) DESC LIMIT 1")
			.bind("suffixes", suffixes)
			.map(WhoisServerDirectory::entry)
			.first();
	}

	/** The entry for exactly this suffix ({@code co.uk}), or empty. */
	public Mono<WhoisServerEntry> findBySuffix(String suffix) {
		return this.db.sql("SELECT " + COLUMNS + " FROM whois_server WHERE suffix = :suffix")
			.bind("suffix", suffix.toLowerCase(Locale.ROOT))
			.map(WhoisServerDirectory::entry)
			.first();
	}

	/** Whether some entry names this host (case-insensitive; IPv6 with or without brackets) and port. */
	public Mono<Boolean> isKnownHost(String host, int port) {
		return this.db
			.sql("SELECT EXISTS (SELECT 1 FROM whois_server WHERE lower(host) = :host AND port = :port) AS known")
			.bind("host", comparableHost(host))
			.bind("port", port)
			.map(row -> Boolean.TRUE.equals(row.get("known", Boolean.class)))
			.one();
	}

	/**
	 * Stores an operator's WHOIS server for {@code suffix} (origin {@code admin}, service WHOIS), replacing any
	 * entry; the seed never overwrites it. Invalid values end in an error whose problem detail names the field.
	 */
	public Mono<WhoisServerEntry> put(String suffix, String host, int port, String queryFormat) {
		return Mono.fromCallable(() -> validated(suffix, host, port, queryFormat)).flatMap(this::upsert);
	}

	private static NewEntry validated(String suffix, String host, int port, String queryFormat) {
		return new NewEntry(WhoisServerRules.suffix(suffix), WhoisServerRules.host(host), WhoisServerRules.port(port),
				WhoisServerRules.queryFormat(queryFormat));
	}

	private Mono<WhoisServerEntry> upsert(NewEntry entry) {
		return this.db.sql("""
				INSERT INTO whois_server (suffix, host, port, query_format, service, web_url, origin, updated_at)
				VALUES (:suffix, :host, :port, :format, 'whois', NULL, 'admin', now())
				ON CONFLICT (suffix) DO UPDATE
				    SET host = EXCLUDED.host, port = EXCLUDED.port, query_format = EXCLUDED.query_format,
				        service = 'whois', web_url = NULL, origin = 'admin', updated_at = now()
				RETURNING\s""" + COLUMNS)
			.bind("suffix", entry.suffix())
			.bind("host", entry.host())
			.bind("port", entry.port())
			.bind("format", entry.queryFormat())
			.map(WhoisServerDirectory::entry)
			.one();
	}

	/** {@code a.b.co.uk} gives {@code b.co.uk, co.uk, uk}; the name itself is not among them. */
	static String[] properSuffixes(String domain) {
		String name = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
		name = name.toLowerCase(Locale.ROOT);
		String[] labels = name.split("\\.", -1);
		String[] suffixes = new String[Math.max(0, labels.length - 1)];
		int dot = -1;
		for (int i = 0; i < suffixes.length; i++) {
			dot = name.indexOf('.', dot + 1);
			suffixes[i] = name.substring(dot + 1);
		}
		return suffixes;
	}

	private static String comparableHost(String host) {
		String h = host.toLowerCase(Locale.ROOT);
		if (h.startsWith("[") && h.endsWith("]")) {
			h = h.substring(1, h.length() - 1);
		}
		return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
	}

	private static WhoisServerEntry entry(Readable row) {
		OffsetDateTime updated = row.get("updated_at", OffsetDateTime.class);
		Integer port = row.get("port", Integer.class);
		return new WhoisServerEntry(require(row.get("suffix", String.class)), row.get("host", String.class),
				(port != null) ? port : WhoisServerRules.DEFAULT_PORT, require(row.get("query_format", String.class)),
				Service.valueOf(require(row.get("service", String.class)).toUpperCase(Locale.ROOT)),
				row.get("web_url", String.class), require(row.get("origin", String.class)),
				require(updated).toInstant());
	}

	private static <T> T require(@Nullable T value) {
		if (value == null) {
			throw new IllegalStateException("whois_server has a null in a NOT NULL column");
		}
		return value;
	}

	private record NewEntry(String suffix, String host, int port, String queryFormat) {
	}
}
