package dev.dragnet.probe.reverseip;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import dev.dragnet.net.Addresses;
import dev.dragnet.probe.http.GuardedHttp;
import dev.dragnet.probe.net.NativeErrors;
import dev.dragnet.probe.net.ProbeLoops;
import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.reverseip.PageReader.Reading;
import dev.dragnet.probe.reverseip.SourceAnswer.Status;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.source.Pagination;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.protocol.source.SourceRequest;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Asks one declarative reverse-IP source which domains are hosted on one address, from this probe's own address, and
 * says precisely why when it cannot.
 *
 * <p><b>One lookup.</b> The request is built from the definition's template ({@code {ip}}, {@code {page}},
 * {@code {first}}; a template still holding {@code {base}} is refused), paced per host by the shared
 * {@link HostPacer} with the definition's pace, and sent with Reactor Netty. Each answer is decoded (a UTF-8 BOM
 * dropped, the charset of {@code Content-Type}, UTF-8 by default) and read by {@link PageReader}: block markers
 * first, whatever the status (B1-B4, B6: {@link Status#BLOCKED} with the verdict and any {@code Retry-After}); then
 * HTTP 429 ({@link dev.dragnet.protocol.source.Verdict#THROTTLED}), 404/410 ({@link Status#PAGE_CHANGED}: the lookup
 * URL moved) and other non-2xx ({@link Status#ERROR}, 5xx being B8's retryable server errors); then the empty markers
 * ({@link Status#NONE}); then the layout check (B10: {@link Status#PAGE_CHANGED}, never a silent zero); then the rows.
 * Rows that exist but of which none is a domain name are also {@link Status#PAGE_CHANGED}. An NDJSON stream that
 * ends before its final {@code cond} line, or says it failed, is {@link Status#ERROR}: incomplete, never empty; one
 * that a result limit cut is truncated. Names are normalised by
 * {@link DomainNormaliser} (B9).
 *
 * <p><b>Pages and caps (B7).</b> With pagination, pages are fetched one after another until a short page, a page with
 * nothing new (sites that repeat the last page), the site's total, {@code maxPages} or {@code maxResults}. The answer
 * is truncated when the site's total is larger than the rows fetched, when a cap stopped the walk with more to come,
 * or when names were left out for {@code maxResults}. A failure on a later page keeps the earlier pages' names, marked
 * truncated, under the failure's status.
 *
 * <p><b>Transport (B8).</b> The whole lookup (pacing, every page, every redirect) has one deadline; passing it, a
 * connect timeout or a silent server are {@link Status#TIMEOUT}. Resets, bodies cut short, connection failures and a
 * body over the byte cap are {@link Status#ERROR}. Redirects are followed, at most {@value #MAX_REDIRECTS}, each hop
 * under the same policy; a redirect to the site's home page is {@link Status#ERROR} "redirected to the home page".
 * Unless private servers are allowed, plain {@code http://} and hosts with any non-public address are refused
 * ({@link Status#ERROR}) before anything is sent, and the connection goes to the exact address checked.
 *
 * <p>The returned {@code Mono} never errors. Thread-safe; one runner serves the whole probe.
 */
public final class SourceRunner {

	/** Default cap of one answer's body. */
	public static final int DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

	/** Redirects followed per request. */
	static final int MAX_REDIRECTS = 3;

	/** Longest connect, whatever is left of the deadline. */
	static final Duration MAX_CONNECT = Duration.ofSeconds(10);

	private final int maxBodyBytes;

	private final GuardedHttp transport;

	/**
	 * @param allowPrivateServers whether loopback and private addresses, and plain HTTP, may be used (tests, labs)
	 * @param pacer the probe's pacer, shared with its other clients
	 * @param userAgent the {@code User-Agent} sent unless a definition names its own
	 */
	public SourceRunner(boolean allowPrivateServers, HostPacer pacer, String userAgent) {
		this(allowPrivateServers, pacer, userAgent, DEFAULT_MAX_BODY_BYTES);
	}

	/**
	 * @param allowPrivateServers whether loopback and private addresses, and plain HTTP, may be used (tests, labs)
	 * @param pacer the probe's pacer, shared with its other clients
	 * @param userAgent the {@code User-Agent} sent unless a definition names its own
	 * @param maxBodyBytes cap of each answer's body; a larger answer is an error
	 */
	public SourceRunner(boolean allowPrivateServers, HostPacer pacer, String userAgent, int maxBodyBytes) {
		this(allowPrivateServers, pacer, userAgent, maxBodyBytes, null);
	}

	/**
	 * @param allowPrivateServers whether loopback and private addresses, and plain HTTP, may be used (tests, labs)
	 * @param pacer the probe's pacer, shared with its other clients
	 * @param userAgent the {@code User-Agent} sent unless a definition names its own
	 * @param maxBodyBytes cap of each answer's body; a larger answer is an error
	 * @param bindAddress the local address connections to the sites leave from, or {@code null} for the system's
	 * choice
	 */
	public SourceRunner(boolean allowPrivateServers, HostPacer pacer, String userAgent, int maxBodyBytes,
			@Nullable InetAddress bindAddress) {
		if (maxBodyBytes < 1) {
			throw new IllegalArgumentException("maxBodyBytes must be at least 1");
		}
		this.maxBodyBytes = maxBodyBytes;
		HttpClient http = HttpClient.newConnection().runOn(ProbeLoops.get());
		if (bindAddress != null) {
			InetSocketAddress local = new InetSocketAddress(bindAddress, 0);
			http = http.bindAddress(() -> local);
		}
		this.transport = new GuardedHttp(allowPrivateServers, pacer, http
			.compress(true)
			.headers((headers) -> headers.set(HttpHeaderNames.USER_AGENT, userAgent).set(HttpHeaderNames.ACCEPT,
					"text/html,application/json,text/plain;q=0.9,*/*;q=0.8")), MAX_REDIRECTS);
	}

	/**
	 * Looks {@code ip} up at {@code source}.
	 * @param source the source's definition, its base filled in
	 * @param ip an IPv4 or IPv6 address literal
	 * @param deadline time allowed for everything, from subscription
	 * @return the answer; never an error signal
	 */
	public Mono<SourceAnswer> lookup(SourceDefinition source, String ip, Duration deadline) {
		return DomainNormaliser.ready().then(Mono.defer(() -> {
			Walk walk = new Walk(source, deadline);
			return start(walk, ip)
				.timeout(deadline)
				.onErrorResume((error) -> Mono.just(walk.failed(classify(walk, error))));
		}));
	}

	private Mono<SourceAnswer> start(Walk walk, String ip) {
		InetAddress address = Addresses.parseLiteral(ip.trim());
		if (address == null) {
			return Mono.error(new SourceFailure(Status.ERROR, "not an IP address: " + ip));
		}
		String template = walk.source.request().urlTemplate();
		if (template.contains("{base}") || template.contains("{origin}")) {
			return Mono.error(new SourceFailure(Status.ERROR, "source " + walk.source.name()
					+ " has no base URL filled in: " + template));
		}
		if (walk.source.needsKey()) {
			return Mono.error(new SourceFailure(Status.ERROR, "source " + walk.source.name()
					+ " needs an API key and none is filled in"));
		}
		return page(walk, address.getHostAddress(), 0);
	}

	// ---- pages ------------------------------------------------------------------------------------------

	private Mono<SourceAnswer> page(Walk walk, String ip, int index) {
		SourceRequest request = walk.source.request();
		URI url = GuardedHttp.parse(fill(request.urlTemplate(), ip, walk.source.pagination(), index, true));
		if (url == null) {
			return Mono.error(new SourceFailure(Status.ERROR, "source " + walk.source.name()
					+ " does not make an http(s) URL with a host: " + request.urlTemplate()));
		}
		String body = (request.formBody() != null)
				? fill(request.formBody(), ip, walk.source.pagination(), index, true) : null;
		walk.home = home(url);
		walk.sourceHost = url.getHost();
		return fetch(walk, url, request.method(), body)
			.publishOn(Schedulers.parallel())
			.map((answer) -> PageReader.read(walk.source, answer.status(), answer.headers(), answer.text()))
			.flatMap((reading) -> next(walk, ip, index, reading));
	}

	/** Takes in what page {@code index} said and either ends the walk or fetches the next page. */
	private Mono<SourceAnswer> next(Walk walk, String ip, int index, Reading reading) {
		if (reading instanceof Reading.Blocked blocked) {
			return Mono.just(walk.blocked(blocked));
		}
		if (reading instanceof Reading.Failed failed) {
			return Mono.error(httpFailure(walk, failed.status()));
		}
		if (reading instanceof Reading.Changed changed) {
			return Mono.just(walk.changed(index, changed.why()));
		}
		if (reading instanceof Reading.Incomplete incomplete) {
			return Mono.error(new SourceFailure(Status.ERROR, walk.sourceHost + ": " + incomplete.why()));
		}
		if (reading instanceof Reading.Empty) {
			return Mono.just(walk.finished(false));
		}
		Reading.Rows rows = (Reading.Rows) reading;
		boolean more = walk.take(rows);
		Pagination pagination = walk.source.pagination();
		if (!more || pagination == null) {
			return Mono.just(walk.finished(false));
		}
		if (index + 1 >= pagination.maxPages()) {
			return Mono.just(walk.finished(true));
		}
		return page(walk, ip, index + 1);
	}

	private static SourceFailure httpFailure(Walk walk, int status) {
		String where = "HTTP " + status + " from " + walk.sourceHost;
		if (status == 404 || status == 410) {
			return new SourceFailure(Status.PAGE_CHANGED, where + ": the lookup URL is gone; the definition needs updating");
		}
		return new SourceFailure(Status.ERROR, where + ((status >= 500) ? " (server error, retryable)" : ""));
	}

	// ---- one request, its redirects, and the policy ------------------------------------------------------

	private Mono<Answer> fetch(Walk walk, URI url, String method, @Nullable String body) {
		return this.transport.fetch(new WalkExchange(walk), url, method, body, this.maxBodyBytes)
			.map((response) -> new Answer(response.url(), response.status(), response.headers(),
					PageReader.decode(response.body(), response.headers().get(HttpHeaderNames.CONTENT_TYPE))));
	}

	/** A walk as the transport sees it: its failures, pace, timeouts, headers, steps and home-page rule. */
	private static final class WalkExchange implements GuardedHttp.Exchange {

		private final Walk walk;

		WalkExchange(Walk walk) {
			this.walk = walk;
		}

		@Override
		public RuntimeException failure(GuardedHttp.Failure failure, String detail, @Nullable Throwable cause) {
			return (cause != null) ? new SourceFailure(Status.ERROR, detail, cause) : new SourceFailure(Status.ERROR, detail);
		}

		@Override
		public @Nullable Pace pace(URI url) {
			return url.getHost().equalsIgnoreCase(this.walk.sourceHost) ? this.walk.source.pace() : null;
		}

		@Override
		public int connectTimeoutMillis() {
			return (int) Math.max(1, Math.min(responseTimeout().toMillis(), MAX_CONNECT.toMillis()));
		}

		@Override
		public Duration responseTimeout() {
			Duration left = this.walk.remaining();
			return (left.compareTo(Duration.ofMillis(1)) < 0) ? Duration.ofMillis(1) : left;
		}

		@Override
		public void headers(HttpHeaders headers) {
			for (Map.Entry<String, String> header : this.walk.source.request().headers().entrySet()) {
				if (header.getValue().isEmpty()) {
					headers.remove(header.getKey());
				}
				else {
					headers.set(header.getKey(), header.getValue());
				}
			}
		}

		@Override
		public void at(GuardedHttp.Step step, URI url) {
			switch (step) {
				case RESOLVING -> this.walk.at("resolving " + url.getHost(), url);
				case PACING -> this.walk.at("waiting for its turn at " + url.getHost(), url);
				case CONNECTING -> {
					this.walk.at("connecting to " + GuardedHttp.target(url), url);
					this.walk.requested();
				}
				case WAITING -> this.walk.at("waiting for the answer from " + GuardedHttp.target(url), url);
				case READING -> this.walk.at("reading the answer from " + GuardedHttp.target(url), url);
			}
		}

		@Override
		public @Nullable String redirectRefusal(URI from, URI to) {
			if (to.equals(this.walk.home) || (sameOrigin(to, from) && isRoot(to))) {
				return "redirected to the home page (" + to + "): the site turned the lookup away";
			}
			return null;
		}
	}

	// ---- errors -------------------------------------------------------------------------------------------

	private static SourceFailure classify(Walk walk, Throwable error) {
		if (error instanceof SourceFailure failure) {
			return failure;
		}
		String where = walk.phase;
		if (error instanceof TimeoutException) {
			return new SourceFailure(Status.TIMEOUT, "deadline of " + walk.deadline.toMillis() + " ms passed while "
					+ where, error);
		}
		if (error instanceof ConnectTimeoutException || error instanceof ReadTimeoutException) {
			return new SourceFailure(Status.TIMEOUT, "timed out while " + where, error);
		}
		if (error instanceof PrematureCloseException) {
			return new SourceFailure(Status.ERROR, "connection closed before the answer was complete (reset or cut "
					+ "short) while " + where, error);
		}
		if (error instanceof SSLException) {
			return new SourceFailure(Status.ERROR,
					"TLS failed while " + where + ": " + NativeErrors.describe(error), error);
		}
		if (error instanceof ConnectException || error instanceof NoRouteToHostException) {
			return new SourceFailure(Status.ERROR,
					"cannot connect while " + where + ": " + NativeErrors.describe(error), error);
		}
		if (error instanceof IOException) {
			return new SourceFailure(Status.ERROR,
					"connection failed while " + where + ": " + NativeErrors.describe(error), error);
		}
		return new SourceFailure(Status.ERROR, "failed while " + where + ": " + NativeErrors.describe(error), error);
	}

	// ---- small pieces -------------------------------------------------------------------------------------

	/** {@code template} with {@code {ip}}, {@code {page}} and {@code {first}} filled in for page {@code index}. */
	static String fill(String template, String ip, @Nullable Pagination pagination, int index, boolean encode) {
		long page = (pagination != null) ? pagination.first() + (long) index * pagination.step() : 1;
		long first = (pagination != null) ? (long) index * pagination.perPage() : 0;
		String address = encode ? URLEncoder.encode(ip, StandardCharsets.UTF_8) : ip;
		return template.replace("{ip}", address).replace("{page}", Long.toString(page))
			.replace("{first}", Long.toString(first));
	}

	private static URI home(URI url) {
		return URI.create(url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getRawAuthority() + "/");
	}

	private static boolean sameOrigin(URI a, URI b) {
		return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
				&& GuardedHttp.port(a) == GuardedHttp.port(b);
	}

	private static boolean isRoot(URI url) {
		String path = url.getRawPath();
		return (path == null || path.isEmpty() || path.equals("/")) && url.getRawQuery() == null;
	}

	/** The final HTTP answer, its body decoded. */
	private record Answer(URI url, int status, HttpHeaders headers, String text) {
	}

	/**
	 * One lookup in progress: its clock, where it stands, and what the pages gave so far. The pages of one lookup
	 * are read one after another, but the deadline may fire on another thread, so the monitor guards the tally.
	 */
	private static final class Walk {

		private final SourceDefinition source;

		private final Duration deadline;

		private final long startNanos = System.nanoTime();

		private final NameTally tally;

		private volatile String phase = "starting";

		private volatile @Nullable URI home;

		private volatile String sourceHost = "";

		private int requests;

		Walk(SourceDefinition source, Duration deadline) {
			this.source = source;
			this.deadline = deadline;
			Pagination pagination = source.pagination();
			this.tally = new NameTally(source.maxResults(), (pagination != null) ? pagination.perPage() : Integer.MAX_VALUE);
		}

		void at(String phase, URI url) {
			this.phase = phase + " (" + url + ")";
		}

		synchronized void requested() {
			this.requests++;
		}

		Duration remaining() {
			return this.deadline.minusNanos(System.nanoTime() - this.startNanos);
		}

		/** Takes a page's rows; whether another page may hold more. */
		synchronized boolean take(Reading.Rows rows) {
			boolean more = this.tally.take(rows.rows(), rows.total());
			if (rows.limit() != null) {
				this.tally.limited(rows.limit());
				return false;
			}
			return more;
		}

		synchronized SourceAnswer finished(boolean pageCapReached) {
			NameTally.Result result = this.tally.result(pageCapReached);
			if (result.names().isEmpty() && result.shownRows() > 0) {
				return answer(Status.PAGE_CHANGED, result, result.shownRows() + " rows, none of them a domain name: "
						+ "the layout may have changed");
			}
			Status status = result.names().isEmpty() ? Status.NONE : Status.FOUND;
			String detail = result.truncated() ? result.truncation() : null;
			return answer(status, result, detail);
		}

		synchronized SourceAnswer blocked(Reading.Blocked blocked) {
			return new SourceAnswer(Status.BLOCKED, this.tally.names(), blocked.verdict(), blocked.retryAfter(),
					this.tally.pages() > 0, this.requests, this.sourceHost + " refused: " + blocked.verdict() + " ("
							+ blocked.why() + ")" + partial());
		}

		synchronized SourceAnswer changed(int index, String why) {
			return new SourceAnswer(Status.PAGE_CHANGED, this.tally.names(), null, null, this.tally.pages() > 0,
					this.requests, "page " + (index + 1) + " of " + this.sourceHost
							+ " no longer has the expected layout: " + why + partial());
		}

		synchronized SourceAnswer failed(SourceFailure failure) {
			return new SourceAnswer(failure.status(), this.tally.names(), null, null, this.tally.pages() > 0,
					this.requests, failure.getMessage() + partial());
		}

		private SourceAnswer answer(Status status, NameTally.Result result, @Nullable String detail) {
			return new SourceAnswer(status, (status == Status.FOUND) ? result.names() : java.util.Set.of(), null, null,
					result.truncated(), this.requests, detail);
		}

		private String partial() {
			int pages = this.tally.pages();
			return (pages > 0) ? "; the names of the " + pages + " page(s) before are kept" : "";
		}

	}

}
