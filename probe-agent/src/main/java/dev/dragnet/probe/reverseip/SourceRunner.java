package dev.dragnet.probe.reverseip;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import dev.dragnet.net.Addresses;
import dev.dragnet.net.DomainNames;
import dev.dragnet.probe.http.CappedBuffer;
import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.reverseip.PageReader.Reading;
import dev.dragnet.probe.reverseip.SourceAnswer.Status;
import dev.dragnet.probe.whois.HostResolver;
import dev.dragnet.protocol.source.Pagination;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.protocol.source.SourceRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufFlux;
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

	private final boolean allowPrivateServers;

	private final HostPacer pacer;

	private final int maxBodyBytes;

	private final HostResolver resolver = new HostResolver();

	private final HttpClient http;

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
		if (maxBodyBytes < 1) {
			throw new IllegalArgumentException("maxBodyBytes must be at least 1");
		}
		DomainNames.preload(); // names are normalised on event loops; ICU's data is read here, not there
		this.allowPrivateServers = allowPrivateServers;
		this.pacer = pacer;
		this.maxBodyBytes = maxBodyBytes;
		this.http = HttpClient.newConnection()
			.followRedirect(false)
			.compress(true)
			.headers((headers) -> headers.set(HttpHeaderNames.USER_AGENT, userAgent).set(HttpHeaderNames.ACCEPT,
					"text/html,application/json,text/plain;q=0.9,*/*;q=0.8"));
	}

	/**
	 * Looks {@code ip} up at {@code source}.
	 * @param source the source's definition, its base filled in
	 * @param ip an IPv4 or IPv6 address literal
	 * @param deadline time allowed for everything, from subscription
	 * @return the answer; never an error signal
	 */
	public Mono<SourceAnswer> lookup(SourceDefinition source, String ip, Duration deadline) {
		return Mono.defer(() -> {
			Walk walk = new Walk(source, deadline);
			return start(walk, ip)
				.timeout(deadline)
				.onErrorResume((error) -> Mono.just(walk.failed(classify(walk, error))));
		});
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
		URI url = parse(fill(request.urlTemplate(), ip, walk.source.pagination(), index, true));
		if (url == null) {
			return Mono.error(new SourceFailure(Status.ERROR, "source " + walk.source.name()
					+ " does not make an http(s) URL with a host: " + request.urlTemplate()));
		}
		String body = (request.formBody() != null)
				? fill(request.formBody(), ip, walk.source.pagination(), index, true) : null;
		walk.home = home(url);
		walk.sourceHost = url.getHost();
		return fetch(walk, url, request.method(), body, MAX_REDIRECTS)
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

	private Mono<Answer> fetch(Walk walk, URI url, String method, @Nullable String body, int redirectsLeft) {
		String scheme = url.getScheme().toLowerCase(Locale.ROOT);
		if (!scheme.equals("https") && !(scheme.equals("http") && this.allowPrivateServers)) {
			return Mono.error(new SourceFailure(Status.ERROR, "refusing a plain " + scheme + ":// URL (only https): "
					+ url));
		}
		walk.at("resolving " + url.getHost(), url);
		return checkedAddress(url)
			.flatMap((address) -> {
				walk.at("waiting for its turn at " + url.getHost(), url);
				boolean own = url.getHost().equalsIgnoreCase(walk.sourceHost);
				return this.pacer.paced(url.getHost(), own ? walk.source.pace() : null,
						request(walk, url, address, method, body));
			})
			.flatMap((answer) -> answer.isRedirect() ? redirect(walk, answer, method, body, redirectsLeft)
					: Mono.just(answer));
	}

	private Mono<InetSocketAddress> checkedAddress(URI url) {
		String host = url.getHost();
		int port = port(url);
		return this.resolver.resolve(host, port)
			.onErrorMap(UnknownHostException.class,
					(ex) -> new SourceFailure(Status.ERROR, "cannot resolve " + host, ex))
			.map((addresses) -> pinned(host, port, allowedAddress(host, addresses)));
	}

	private InetAddress allowedAddress(String host, List<InetAddress> addresses) {
		if (addresses.isEmpty()) {
			throw new SourceFailure(Status.ERROR, "cannot resolve " + host + ": no address");
		}
		if (!this.allowPrivateServers) {
			for (InetAddress address : addresses) {
				if (Addresses.isNonPublic(address)) {
					throw new SourceFailure(Status.ERROR, "refusing to contact a private or loopback address: " + host
							+ " is " + address.getHostAddress());
				}
			}
		}
		return addresses.get(0);
	}

	/** The checked address carrying the host name without a lookup, so TLS checks the name while we connect here. */
	private static InetSocketAddress pinned(String host, int port, InetAddress address) {
		if (Addresses.parseLiteral(host) != null) {
			return new InetSocketAddress(address, port);
		}
		try {
			return new InetSocketAddress(InetAddress.getByAddress(host, address.getAddress()), port);
		}
		catch (UnknownHostException ex) {
			throw new SourceFailure(Status.ERROR, "unusable address for " + host, ex);
		}
	}

	private Mono<Answer> request(Walk walk, URI url, InetSocketAddress address, String method, @Nullable String body) {
		return Mono.defer(() -> {
			walk.at("connecting to " + target(url), url);
			walk.requested();
			HttpClient.RequestSender sender = client(walk, url, address, body != null).request(HttpMethod.valueOf(method))
				.uri(pathAndQuery(url));
			HttpClient.ResponseReceiver<?> receiver = (body != null)
					? sender.send(ByteBufFlux.fromString(Mono.just(body), StandardCharsets.UTF_8,
							io.netty.buffer.ByteBufAllocator.DEFAULT))
					: sender;
			return receiver.response((response, content) -> {
				walk.at("reading the answer from " + target(url), url);
				int status = response.status().code();
				HttpHeaders headers = response.responseHeaders();
				if (Answer.isRedirect(status)) {
					return Mono.just(new Answer(url, status, headers, ""));
				}
				return read(content, this.maxBodyBytes, url)
					.map((bytes) -> new Answer(url, status, headers,
							PageReader.decode(bytes, headers.get(HttpHeaderNames.CONTENT_TYPE))));
			}).single();
		});
	}

	private HttpClient client(Walk walk, URI url, InetSocketAddress address, boolean form) {
		Duration left = walk.remaining();
		Duration response = (left.compareTo(Duration.ofMillis(1)) < 0) ? Duration.ofMillis(1) : left;
		int connect = (int) Math.max(1, Math.min(response.toMillis(), MAX_CONNECT.toMillis()));
		HttpClient client = this.http.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connect)
			.responseTimeout(response)
			.remoteAddress(() -> address)
			.headers((headers) -> {
				headers.set(HttpHeaderNames.HOST, hostHeader(url));
				if (form) {
					headers.set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded; charset=UTF-8");
				}
				for (Map.Entry<String, String> header : walk.source.request().headers().entrySet()) {
					if (header.getValue().isEmpty()) {
						headers.remove(header.getKey());
					}
					else {
						headers.set(header.getKey(), header.getValue());
					}
				}
			})
			.doOnConnected((connection) -> walk.at("waiting for the answer from " + target(url), url));
		return "https".equalsIgnoreCase(url.getScheme()) ? client.secure() : client.noSSL();
	}

	private static Mono<byte[]> read(Flux<ByteBuf> body, int cap, URI url) {
		CappedBuffer buffer = new CappedBuffer(cap);
		return body.<Void>handle((chunk, sink) -> {
			if (!buffer.append(chunk)) {
				// Cancelling the body closes the connection: the rest is never read.
				sink.error(new SourceFailure(Status.ERROR, "answer from " + url.getHost() + " larger than " + cap
						+ " bytes"));
			}
		}).then(Mono.fromCallable(buffer::bytes));
	}

	private Mono<Answer> redirect(Walk walk, Answer answer, String method, @Nullable String body, int redirectsLeft) {
		String location = answer.headers().get(HttpHeaderNames.LOCATION);
		if (location == null || location.isBlank()) {
			return Mono.error(new SourceFailure(Status.ERROR, "HTTP " + answer.status() + " from " + answer.url().getHost()
					+ " without a Location"));
		}
		URI next = resolve(answer.url(), location.trim());
		if (next == null) {
			return Mono.error(new SourceFailure(Status.ERROR, "HTTP " + answer.status() + " to an unusable Location: "
					+ location));
		}
		if (next.equals(walk.home) || (sameOrigin(next, answer.url()) && isRoot(next))) {
			return Mono.error(new SourceFailure(Status.ERROR, "redirected to the home page (" + next
					+ "): the site turned the lookup away"));
		}
		if (redirectsLeft <= 0) {
			return Mono.error(new SourceFailure(Status.ERROR, "more than " + MAX_REDIRECTS + " redirects, the last to "
					+ next));
		}
		boolean keepsMethod = answer.status() == 307 || answer.status() == 308;
		return fetch(walk, next, keepsMethod ? method : "GET", keepsMethod ? body : null, redirectsLeft - 1);
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
			return new SourceFailure(Status.ERROR, "TLS failed while " + where + ": " + message(error), error);
		}
		if (error instanceof ConnectException || error instanceof NoRouteToHostException) {
			return new SourceFailure(Status.ERROR, "cannot connect while " + where + ": " + message(error), error);
		}
		if (error instanceof IOException) {
			return new SourceFailure(Status.ERROR, "connection failed while " + where + ": " + message(error), error);
		}
		return new SourceFailure(Status.ERROR, "failed while " + where + ": " + message(error), error);
	}

	private static String message(Throwable error) {
		String message = error.getMessage();
		return (message == null || message.isBlank()) ? error.getClass().getSimpleName() : message;
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

	private static @Nullable URI parse(String text) {
		try {
			URI url = new URI(text);
			String scheme = (url.getScheme() == null) ? "" : url.getScheme().toLowerCase(Locale.ROOT);
			boolean web = scheme.equals("http") || scheme.equals("https");
			return (web && url.getHost() != null && url.getRawUserInfo() == null) ? url : null;
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	private static @Nullable URI resolve(URI base, String reference) {
		try {
			return parse(base.resolve(new URI(reference)).normalize().toString());
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			return null;
		}
	}

	private static URI home(URI url) {
		return URI.create(url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getRawAuthority() + "/");
	}

	private static boolean sameOrigin(URI a, URI b) {
		return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
				&& port(a) == port(b);
	}

	private static boolean isRoot(URI url) {
		String path = url.getRawPath();
		return (path == null || path.isEmpty() || path.equals("/")) && url.getRawQuery() == null;
	}

	private static int port(URI url) {
		if (url.getPort() > 0) {
			return url.getPort();
		}
		return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
	}

	private static String hostHeader(URI url) {
		return (url.getPort() > 0) ? url.getHost() + ":" + url.getPort() : url.getHost();
	}

	private static String pathAndQuery(URI url) {
		String path = (url.getRawPath() == null || url.getRawPath().isEmpty()) ? "/" : url.getRawPath();
		return (url.getRawQuery() == null) ? path : path + "?" + url.getRawQuery();
	}

	private static String target(URI url) {
		return url.getHost() + ":" + port(url);
	}

	/** One HTTP answer, its body decoded (empty for a redirect). */
	private record Answer(URI url, int status, HttpHeaders headers, String text) {

		static boolean isRedirect(int status) {
			return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
		}

		boolean isRedirect() {
			return isRedirect(this.status);
		}

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
