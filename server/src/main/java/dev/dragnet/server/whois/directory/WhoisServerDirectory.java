package dev.dragnet.server.whois.directory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import dev.dragnet.server.db.DatabaseProperties;

import dev.dragnet.server.whois.directory.WhoisServerEntry.Service;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Which WHOIS server answers for which suffix, stored in the {@code whois_server} table and served from a copy in
 * memory, so lookups go on while the database is away. The copy is read at start, again every
 * {@code dragnet.database.memory-refresh} (changes made by other servers or by hand), and follows this server's
 * own {@link #put}s at once. Until the first read has finished, lookups read the table.
 */
@org.springframework.stereotype.Service
public class WhoisServerDirectory implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(WhoisServerDirectory.class);

	private static final String COLUMNS = "suffix, host, port, query_format, service, web_url, origin, updated_at";

	private final DatabaseClient db;

	private final Duration refresh;

	/** Every entry by suffix, as last read; null until the first read. Replaced whole, never changed in place. */
	private volatile @Nullable Map<String, WhoisServerEntry> memory;

	private volatile @Nullable Disposable refreshing;

	/** This server's puts since the running read began (guarded by this). */
	private final Map<String, WhoisServerEntry> putsDuringReload = new HashMap<>();

	WhoisServerDirectory(DatabaseClient db, DatabaseProperties properties) {
		this.db = db;
		this.refresh = properties.memoryRefresh();
	}

	/**
	 * The entry for the longest proper suffix of {@code normalisedDomain}: for {@code a.b.co.uk} the first of
	 * {@code b.co.uk}, {@code co.uk} and {@code uk} that has an entry. Empty when none has.
	 *
	 * @param normalisedDomain a name already normalised by {@link dev.dragnet.net.DomainNames#normalise}
	 */
	public Mono<WhoisServerEntry> findForDomain(String normalisedDomain) {
		// The copy is read when subscribed, not when assembled, so it sees a put that runs first.
		return Mono.defer(() -> findNow(normalisedDomain));
	}

	private Mono<WhoisServerEntry> findNow(String normalisedDomain) {
		String[] suffixes = properSuffixes(normalisedDomain);
		if (suffixes.length == 0) {
			return Mono.empty();
		}
		Map<String, WhoisServerEntry> table = this.memory;
		if (table != null) {
			return Mono.justOrEmpty(Stream.of(suffixes).map(table::get).filter(Objects::nonNull).findFirst());
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
		return Mono.defer(() -> isKnownHostNow(host, port));
	}

	private Mono<Boolean> isKnownHostNow(String host, int port) {
		Map<String, WhoisServerEntry> table = this.memory;
		if (table != null) {
			String wanted = comparableHost(host);
			return Mono.just(table.values()
				.stream()
				.anyMatch((entry) -> entry.host() != null && entry.port() == port
						&& entry.host().toLowerCase(Locale.ROOT).equals(wanted)));
		}
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
		return Mono.fromCallable(() -> validated(suffix, host, port, queryFormat))
			.flatMap(this::upsert)
			.doOnNext(this::remember);
	}

	private synchronized void remember(WhoisServerEntry entry) {
		this.putsDuringReload.put(entry.suffix(), entry);
		Map<String, WhoisServerEntry> table = this.memory;
		if (table != null) {
			Map<String, WhoisServerEntry> next = new HashMap<>(table);
			next.put(entry.suffix(), entry);
			this.memory = Map.copyOf(next);
		}
	}

	/**
	 * Reads the whole table into memory; on failure the copy in use stays. A {@link #put} made while the read runs
	 * may be missing from what it returns, so it is laid over the result.
	 */
	Mono<Void> reload() {
		return Mono.defer(() -> {
			synchronized (this) {
				this.putsDuringReload.clear();
			}
			return this.db.sql("SELECT " + COLUMNS + " FROM whois_server")
				.map(WhoisServerDirectory::entry)
				.all()
				.collectMap(WhoisServerEntry::suffix);
		}).doOnNext((table) -> {
			synchronized (this) {
				table.putAll(this.putsDuringReload);
				this.putsDuringReload.clear();
				this.memory = Map.copyOf(table);
			}
		}).then();
	}

	@Override
	public void start() {
		this.refreshing = Flux.interval(Duration.ZERO, this.refresh, Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> reload().onErrorResume((ex) -> {
				logger.debug("could not re-read the WHOIS server table, the copy in memory stays: {}", ex.toString());
				return Mono.empty();
			}), 1)
			.subscribe(null, (ex) -> logger.error("the WHOIS server table is no longer re-read: {}", ex.toString()));
	}

	@Override
	public void stop() {
		Disposable running = this.refreshing;
		if (running != null) {
			running.dispose();
		}
		this.refreshing = null;
	}

	@Override
	public boolean isRunning() {
		return this.refreshing != null;
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
