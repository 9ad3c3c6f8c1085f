package dev.dragnet.server.whois.rdap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * Knows which TLDs answer RDAP, and at which base URL, from the IANA DNS bootstrap registry (RFC 9224).
 *
 * <p>At start it reads the snapshot bundled at {@code classpath:rdap/dns.json}; then, unless
 * {@code dragnet.rdap.refresh-enabled} is off, it downloads {@code dragnet.rdap.bootstrap-url} in the background:
 * at once, and again when the download's HTTP lifetime ends ({@code Cache-Control: max-age}, else {@code Expires},
 * else {@code dragnet.rdap.default-max-age}), but never sooner than {@code dragnet.rdap.min-refresh} after the last
 * try nor later than {@value #LONGEST_LIFETIME_DAYS} days. A download has a deadline and a byte cap of
 * {@value #MAX_FILE_BYTES} bytes. A failed or unusable download keeps the table in use and logs one line; the next
 * try comes after {@code min-refresh}. Lookups only read the table in memory: nothing is fetched per query.
 */
@Component
public class RdapBootstrap implements SmartLifecycle {

	/** Where the bundled snapshot lives on the classpath. */
	static final String SNAPSHOT = "rdap/dns.json";

	/** Byte cap of a downloaded bootstrap file (IANA's is about 100 KB). */
	static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

	/** Longest a downloaded file is used before the next download, whatever its headers say. */
	static final long LONGEST_LIFETIME_DAYS = 7;

	private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d+)\"?");

	private static final Logger logger = LoggerFactory.getLogger(RdapBootstrap.class);

	private final RdapProperties properties;

	private final Scheduler scheduler;

	private final HttpClient http;

	private final AtomicReference<BootstrapTable> table;

	private volatile @Nullable Disposable refreshing;

	/** A bootstrap seeded from the bundled snapshot, refreshed on {@link Schedulers#parallel()}. */
	@Autowired
	public RdapBootstrap(RdapProperties properties) {
		this(properties, Schedulers.parallel(), readSnapshot());
	}

	RdapBootstrap(RdapProperties properties, Scheduler scheduler, BootstrapTable initial) {
		this.properties = properties;
		this.scheduler = scheduler;
		this.table = new AtomicReference<>(initial);
		this.http = HttpClient.newConnection()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
					properties.connectTimeout().toMillis()))
			.responseTimeout(properties.refreshTimeout())
			.followRedirect(true)
			.compress(true)
			.headers((headers) -> headers.set(HttpHeaderNames.ACCEPT, "application/json")
				.set(HttpHeaderNames.USER_AGENT, "dragnet-server"));
		logger.info("RDAP bootstrap: {} TLDs from the bundled snapshot (published {})", initial.size(),
				initial.publication());
	}

	/**
	 * The RDAP URL of a domain, {@code <base>domain/<name>}, from the longest bootstrap entry that is a suffix of it;
	 * an {@code https} base when the registry offers one. Empty when the TLD has no RDAP service in the registry.
	 * @param normalisedDomain the domain as {@code DomainNames.normalise} gives it (A-labels, lower case)
	 */
	public Optional<String> domainUrl(String normalisedDomain) {
		return this.table.get().domainUrl(normalisedDomain);
	}

	/** The {@code publication} time of the bootstrap file in use. */
	public String publication() {
		return this.table.get().publication();
	}

	/** How many TLDs and suffixes the bootstrap file in use names. */
	public int size() {
		return this.table.get().size();
	}

	/** Downloads the bootstrap file once now and uses it if it is good; completes either way, never errors. */
	public Mono<Void> refresh() {
		return refreshOnce().then();
	}

	/** One download; completes with the wait until the next one. */
	Mono<Duration> refreshOnce() {
		// Off the event loops and timers: the first https download sets up TLS, which reads the trust store.
		return Mono.defer(() -> download()
			.map(this::replace)
			.timeout(this.properties.refreshTimeout())
			.onErrorResume((ex) -> Mono.just(failed(ex))))
			.subscribeOn(Schedulers.boundedElastic());
	}

	@Override
	public void start() {
		if (!this.properties.refreshEnabled()) {
			logger.info("RDAP bootstrap refresh is off: using the snapshot published {}", publication());
			return;
		}
		// The one detached subscription: a background loop for the server's lifetime, stopped by stop().
		this.refreshing = refreshOnce().flatMap((wait) -> Mono.delay(wait, this.scheduler))
			.repeat()
			.subscribe(null, (ex) -> logger.error("RDAP bootstrap refresh stopped: {}", ex.toString(), ex));
	}

	@Override
	public void stop() {
		Disposable running = this.refreshing;
		this.refreshing = null;
		if (running != null) {
			running.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		return this.refreshing != null;
	}

	/** How long a download with these headers may be used: its lifetime, within min-refresh and a week. */
	static Duration lifetime(HttpHeaders headers, Instant now, RdapProperties properties) {
		Duration named = maxAge(headers.get(HttpHeaderNames.CACHE_CONTROL));
		if (named == null) {
			named = expires(headers, now);
		}
		Duration lifetime = (named != null) ? named : properties.defaultMaxAge();
		Duration longest = Duration.ofDays(LONGEST_LIFETIME_DAYS);
		if (lifetime.compareTo(longest) > 0) {
			lifetime = longest;
		}
		return lifetime.compareTo(properties.minRefresh()) < 0 ? properties.minRefresh() : lifetime;
	}

	private Mono<Download> download() {
		return this.http.get()
			.uri(this.properties.bootstrapUrl())
			.response((response, body) -> {
				int status = response.status().code();
				if (status != 200) {
					return Mono.error(new BootstrapTable.InvalidBootstrapException("HTTP " + status));
				}
				return read(body).map((bytes) -> new Download(BootstrapTable.parse(bytes), response.responseHeaders()));
			})
			.single();
	}

	private static Mono<byte[]> read(Flux<ByteBuf> body) {
		CappedBytes bytes = new CappedBytes(MAX_FILE_BYTES);
		return body.<Void>handle((chunk, sink) -> {
			if (!bytes.append(chunk)) {
				sink.error(new BootstrapTable.InvalidBootstrapException("larger than " + MAX_FILE_BYTES + " bytes"));
			}
		}).then(Mono.fromCallable(bytes::toByteArray));
	}

	private Duration replace(Download download) {
		BootstrapTable previous = this.table.getAndSet(download.table());
		Duration next = lifetime(download.headers(), Instant.now(), this.properties);
		logger.info("RDAP bootstrap: {} TLDs from {} (published {}, was {}); next refresh in {}", download.table().size(),
				this.properties.bootstrapUrl(), download.table().publication(), previous.publication(), next);
		return next;
	}

	private Duration failed(Throwable error) {
		Duration next = this.properties.minRefresh();
		logger.warn("RDAP bootstrap refresh from {} failed: {}; keeping the copy published {}; next try in {}",
				this.properties.bootstrapUrl(), describe(error), publication(), next);
		return next;
	}

	private String describe(Throwable error) {
		if (error instanceof TimeoutException) {
			return "no complete answer within " + this.properties.refreshTimeout();
		}
		String message = error.getMessage();
		return (message == null || message.isBlank()) ? error.getClass().getSimpleName() : message;
	}

	private static @Nullable Duration maxAge(@Nullable String cacheControl) {
		if (cacheControl == null) {
			return null;
		}
		String lower = cacheControl.toLowerCase(Locale.ROOT);
		if (lower.contains("no-cache") || lower.contains("no-store")) {
			return Duration.ZERO;
		}
		Matcher matcher = MAX_AGE.matcher(lower);
		if (!matcher.find()) {
			return null;
		}
		String seconds = matcher.group(1);
		return seconds.length() > 9 ? Duration.ofDays(LONGEST_LIFETIME_DAYS) : Duration.ofSeconds(Long.parseLong(seconds));
	}

	private static @Nullable Duration expires(HttpHeaders headers, Instant now) {
		Instant expires = httpDate(headers.get(HttpHeaderNames.EXPIRES));
		if (expires == null) {
			return null;
		}
		Instant date = httpDate(headers.get(HttpHeaderNames.DATE));
		Duration lifetime = Duration.between(date != null ? date : now, expires);
		return lifetime.isNegative() ? Duration.ZERO : lifetime;
	}

	private static @Nullable Instant httpDate(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		// IMF-fixdate, RFC 850 and asctime: the three forms RFC 9110 section 5.6.7 asks recipients to accept
		Date date = DateFormatter.parseHttpDate(value.trim());
		return (date != null) ? date.toInstant() : null;
	}

	/** Reads the bundled snapshot, at construction time (start-up, not an event loop). */
	static BootstrapTable readSnapshot() {
		try (InputStream in = new ClassPathResource(SNAPSHOT).getInputStream()) {
			return BootstrapTable.parse(in.readAllBytes());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read the bundled RDAP bootstrap " + SNAPSHOT, ex);
		}
	}

	/** A downloaded, readable bootstrap file and the headers that say how long to use it. */
	private record Download(BootstrapTable table, HttpHeaders headers) {
	}

	/** The bytes of a body up to a cap; appends happen on one event loop at a time. */
	private static final class CappedBytes {

		private final int cap;

		private byte[] data = new byte[16 * 1024];

		private int size;

		CappedBytes(int cap) {
			this.cap = cap;
		}

		synchronized boolean append(ByteBuf chunk) {
			int readable = chunk.readableBytes();
			if (readable > this.cap - this.size) {
				return false;
			}
			if (this.size + readable > this.data.length) {
				this.data = Arrays.copyOf(this.data,
						Math.min(this.cap, Math.max(this.size + readable, this.data.length * 2)));
			}
			chunk.getBytes(chunk.readerIndex(), this.data, this.size, readable);
			this.size += readable;
			return true;
		}

		synchronized byte[] toByteArray() {
			return Arrays.copyOf(this.data, this.size);
		}
	}
}
