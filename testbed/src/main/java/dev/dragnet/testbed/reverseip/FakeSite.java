package dev.dragnet.testbed.reverseip;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * What the fake reverse-IP sites share: a Reactor Netty {@link HttpServer} on {@code 127.0.0.1} and a free port,
 * plain HTTP, answering lookups from a {@link ReverseIpWorld} in its family's format, with per-client blocking.
 *
 * <p>Every lookup is counted per client address, the remote address of its connection, so a test that binds its
 * client to {@code 127.0.0.2}, {@code 127.0.0.3}, ... is many clients. A lookup is handled in this order:
 * <ol>
 * <li>B8 transport faults ({@link Blocking#stall}, {@link Blocking#connectionReset}, {@link Blocking#serverErrors},
 * {@link Blocking#redirectHome}, {@link Blocking#cutShort}) by their site-wide pattern; a lookup hit by a reset, a 5xx
 * or a redirect is not counted for its client;</li>
 * <li>the client's count goes up by one;</li>
 * <li>B3 {@link Blocking#firewall} and {@link Blocking#challenge}, B2 {@link Blocking#tooManyRequests}, B4
 * {@link Blocking#captcha} and {@link Blocking#pageVisitLimit}, then B6 {@link Blocking#headerGate};</li>
 * <li>B1: past the daily {@link #quota}, the family's quota answer, or zero rows under B5 {@link Blocking#silentBan}
 * (and always for the ip138 family, whose bans are silent);</li>
 * <li>otherwise the answer, dressed by B9 {@link Blocking#dataQuirks}, capped by B7 {@link Blocking#truncate} and
 * rendered in {@link #layoutVersion} (B10).</li>
 * </ol>
 * Requests for {@code /} get a home page and other paths a 404; neither is counted. Configuration methods may be called
 * at any time from any thread and apply to the next request.
 *
 * <p>{@code start} and {@link #close()} wait for the socket and so must not be called on an event loop.
 *
 * @param <S> the site's own type, which the configuration methods return
 */
public abstract class FakeSite<S extends FakeSite<S>> implements AutoCloseable {

	/** How many requests {@link #requests()} keeps; later ones are answered but not recorded. */
	public static final int MAX_RECORDED_REQUESTS = 100_000;

	/** How many client addresses are counted apart; beyond that, new addresses share one count. */
	public static final int MAX_CLIENTS = 65_536;

	/** The largest request body read; a larger one gets 413. */
	public static final int MAX_BODY_BYTES = 16 * 1024;

	/** The version {@link #layoutVersion(int)} starts at: the layout the notes describe. */
	public static final int ORIGINAL_LAYOUT = 1;

	/** The changed layout (B10): renamed ids and classes, different keys or line format. */
	public static final int CHANGED_LAYOUT = 2;

	static final String HOST = "127.0.0.1";

	private static final String OVERFLOW_CLIENT = "*";

	private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private static final int[] SERVER_ERROR_STATUSES = { 500, 502, 504 };

	private static final Logger logger = LoggerFactory.getLogger(FakeSite.class);

	private final ReverseIpWorld world;

	private final String title;

	private final Map<Blocking.Kind, Blocking> behaviours = new ConcurrentHashMap<>();

	private final Map<Blocking.Kind, AtomicLong> faultCounts = new ConcurrentHashMap<>();

	private final Map<String, ClientCount> clients = new ConcurrentHashMap<>();

	private final Map<String, ReverseIpWorld> clientWorlds = new ConcurrentHashMap<>();

	private final AtomicLong rayIds = new AtomicLong();

	private final List<SiteRequest> requests = Collections.synchronizedList(new ArrayList<>());

	private final Set<Connection> openConnections = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile int quota = Integer.MAX_VALUE;

	private volatile int layoutVersion = ORIGINAL_LAYOUT;

	private volatile @Nullable DisposableServer server;

	/**
	 * The site's own event loop: a test that stops and starts the Dragnet server in the same JVM must not take the
	 * site down with it (Spring disposes Reactor Netty's JVM-wide loops when an application stops).
	 */
	private final LoopResources loops = LoopResources.create("fake-site", 1, true);

	private volatile String baseUrl = "";

	FakeSite(ReverseIpWorld world, String title) {
		this.world = Objects.requireNonNull(world, "world");
		this.title = title;
	}

	/** Binds the server; the static {@code start} factories call it once. */
	final S bind() {
		DisposableServer bound = HttpServer.create()
			.runOn(this.loops)
			.host(HOST)
			.port(0)
			.doOnConnection(this::track)
			.handle(this::serve)
			.bindNow(BIND_TIMEOUT);
		this.baseUrl = "http://" + HOST + ":" + bound.port() + "/";
		this.server = bound;
		logger.debug("{} listening on {}", getClass().getSimpleName(), this.baseUrl);
		return self();
	}

	/** The world the site answers from. */
	public ReverseIpWorld world() {
		return this.world;
	}

	/** Where the site answers, with a trailing slash: {@code http://127.0.0.1:<port>/}. */
	public String baseUrl() {
		return this.baseUrl;
	}

	/** The address the site listens on: always {@code "127.0.0.1"}. */
	public String host() {
		return HOST;
	}

	/** The port the site listens on. */
	public int port() {
		return Objects.requireNonNull(this.server, "not started").port();
	}

	/** The absolute URL of {@code path} on this site ({@code "/x"} or {@code "x"}). */
	public String url(String path) {
		return this.baseUrl + (path.startsWith("/") ? path.substring(1) : path);
	}

	/**
	 * The built-in definition of this site's family ({@link SourceCatalogue}) pointed at this site, with
	 * {@link ReverseIpWorld#CANARY}, which hosts names in every world, as its canary.
	 */
	public final SourceDefinition sourceDefinition() {
		return catalogueDefinition(this.baseUrl).withCanary(ReverseIpWorld.CANARY);
	}

	/** The URL of the first (or only) page of the lookup of {@code ip}; a POST site gives the URL to post to. */
	public abstract String lookupUrl(String ip);

	/**
	 * B1: each client address may make {@code perClientPerDay} lookups until {@link #resetQuotas()}; later ones get the
	 * family's quota answer. Unlimited until set.
	 */
	public S quota(int perClientPerDay) {
		if (perClientPerDay < 0) {
			throw new IllegalArgumentException("perClientPerDay must not be negative");
		}
		this.quota = perClientPerDay;
		return self();
	}

	/**
	 * Answers lookups from {@code client} (an address such as {@code "127.0.0.3"}) from {@code lies} instead of the
	 * site's world: a tampering network on that client's path, or a PC whose probe reports made-up names. Everything
	 * else (quotas, blocking, quirks) stays as for any client.
	 */
	public S answerFrom(String client, ReverseIpWorld lies) {
		this.clientWorlds.put(Objects.requireNonNull(client, "client"), Objects.requireNonNull(lies, "lies"));
		return self();
	}

	/** Removes the daily quota. */
	public S unlimited() {
		this.quota = Integer.MAX_VALUE;
		return self();
	}

	/** A new day: forgets every client's counts (daily quota, windows, sessions, thresholds). */
	public S resetQuotas() {
		this.clients.clear();
		return self();
	}

	/** Switches on each behaviour, replacing any earlier one of the same kind; its fault pattern starts afresh. */
	public S behaviour(Blocking... switches) {
		for (Blocking blocking : switches) {
			Objects.requireNonNull(blocking, "blocking");
			this.faultCounts.put(blocking.kind(), new AtomicLong());
			this.behaviours.put(blocking.kind(), blocking);
		}
		return self();
	}

	/** Switches off behaviours of the given kinds (default ones too, such as a family's header gate). */
	public S withoutBehaviour(Blocking.Kind... kinds) {
		for (Blocking.Kind kind : kinds) {
			this.behaviours.remove(kind);
		}
		return self();
	}

	/** Switches off every behaviour, default ones included. */
	public S clearBehaviours() {
		this.behaviours.clear();
		return self();
	}

	/** The behaviours switched on now. */
	public List<Blocking> behaviours() {
		return List.copyOf(this.behaviours.values());
	}

	/** B10: which template to render: {@link #ORIGINAL_LAYOUT} or {@link #CHANGED_LAYOUT}. */
	public S layoutVersion(int version) {
		if (version != ORIGINAL_LAYOUT && version != CHANGED_LAYOUT) {
			throw new IllegalArgumentException("layout version is 1 or 2, not " + version);
		}
		this.layoutVersion = version;
		return self();
	}

	/** The template rendered now. */
	public int layoutVersion() {
		return this.layoutVersion;
	}

	/** How many lookups {@code client} (an address such as {@code "127.0.0.2"}) made since the last reset. */
	public long lookupCount(String client) {
		ClientCount count = this.clients.get(client);
		return (count != null) ? count.lookups.get() : 0;
	}

	/** Every request received so far, in order of arrival (the first {@value #MAX_RECORDED_REQUESTS}); a copy. */
	public List<SiteRequest> requests() {
		synchronized (this.requests) {
			return List.copyOf(this.requests);
		}
	}

	/** The recorded requests that came from {@code client}. */
	public List<SiteRequest> requestsFrom(String client) {
		return requests().stream().filter((request) -> request.client().equals(client)).toList();
	}

	/** How many connections are open now. */
	public int openConnections() {
		return this.openConnections.size();
	}

	/** Stops listening, closes every open connection and waits until they are closed. Idempotent. */
	@Override
	public void close() {
		DisposableServer bound = this.server;
		if (bound == null || !this.closed.compareAndSet(false, true)) {
			return;
		}
		bound.dispose();
		bound.onDispose().block(CLOSE_TIMEOUT);
		List<Connection> open = List.copyOf(this.openConnections);
		open.forEach(Connection::dispose);
		Mono.when(open.stream().map(Connection::onDispose).toList()).block(CLOSE_TIMEOUT);
		this.loops.disposeLater(Duration.ZERO, CLOSE_TIMEOUT).block(CLOSE_TIMEOUT);
		logger.debug("{} on {} closed after {} requests", getClass().getSimpleName(), this.baseUrl,
				this.requests.size());
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + this.baseUrl + "]";
	}

	// The family's part.

	/** The family's built-in definition pointed at {@code base}. */
	abstract SourceDefinition catalogueDefinition(String base);

	/** The lookup {@code request} asks for, or {@code null} when its path is not a lookup path (a 404). */
	abstract @Nullable Lookup parse(SiteRequest request);

	/** Whether {@code request} carries the headers the family's gate wants (B6). */
	abstract boolean passesGate(SiteRequest request);

	/** The answer to a request that fails the gate (B6). */
	abstract SiteAnswer refuseAtGate(SiteRequest request, Lookup lookup);

	/** The answer to a lookup whose query is not an address. */
	abstract SiteAnswer invalid(Lookup lookup);

	/** The answer past the daily quota (B1). */
	abstract SiteAnswer quotaExceeded(Lookup lookup);

	/** The normal answer listing {@code names} (already dressed when B9 is on; empty under a silent ban). */
	abstract SiteAnswer result(Lookup lookup, List<String> names);

	/** B9 applied to clean names; by default {@link DomainQuirks#dress}. */
	List<String> dress(String ip, List<String> names) {
		return DomainQuirks.dress(names);
	}

	/** Whether this family answers lookups past the quota with zero rows even without {@link Blocking#silentBan()}. */
	boolean overQuotaIsSilent() {
		return false;
	}

	/** B7's cap, or {@link Integer#MAX_VALUE} when results are not truncated. */
	final int resultCap() {
		Blocking truncation = this.behaviours.get(Blocking.Kind.TRUNCATION);
		return (truncation != null) ? truncation.count() : Integer.MAX_VALUE;
	}

	final boolean isOn(Blocking.Kind kind) {
		return this.behaviours.containsKey(kind);
	}

	final String title() {
		return this.title;
	}

	// Serving.

	@SuppressWarnings("unchecked")
	private S self() {
		return (S) this;
	}

	private void track(Connection connection) {
		this.openConnections.add(connection);
		connection.onDispose(() -> this.openConnections.remove(connection));
	}

	private Mono<Void> serve(HttpServerRequest request, HttpServerResponse response) {
		return readBody(request)
			.map((body) -> decide(record(request, body)))
			.onErrorResume(BodyTooLargeException.class,
					(ex) -> Mono.just(SiteAnswer.text(413, "Request Entity Too Large")))
			.flatMap((answer) -> send(answer, response));
	}

	private static Mono<String> readBody(HttpServerRequest request) {
		return request.receive()
			.asByteArray()
			.reduceWith(ByteArrayOutputStream::new, (body, chunk) -> {
				if (body.size() + chunk.length > MAX_BODY_BYTES) {
					throw new BodyTooLargeException();
				}
				body.writeBytes(chunk);
				return body;
			})
			.map((body) -> body.toString(StandardCharsets.UTF_8));
	}

	private SiteRequest record(HttpServerRequest request, String body) {
		Map<String, String> headers = new LinkedHashMap<>();
		request.requestHeaders()
			.forEach((header) -> headers.merge(header.getKey().toLowerCase(Locale.ROOT), header.getValue(),
					(first, more) -> first + ", " + more));
		String path = new QueryStringDecoder(request.uri()).path();
		SiteRequest received = new SiteRequest(clientOf(request), request.method().name(), request.uri(), path,
				headers, body);
		synchronized (this.requests) {
			if (this.requests.size() < MAX_RECORDED_REQUESTS) {
				this.requests.add(received);
			}
		}
		return received;
	}

	private static String clientOf(HttpServerRequest request) {
		InetSocketAddress remote = request.remoteAddress();
		return (remote != null && remote.getAddress() != null) ? remote.getAddress().getHostAddress() : "unknown";
	}

	private SiteAnswer decide(SiteRequest request) {
		if (request.path().equals("/")) {
			return SitePages.home(this.title);
		}
		Lookup lookup = parse(request);
		if (lookup == null) {
			return SitePages.notFound();
		}
		Duration stall = faultHits(Blocking.Kind.STALL) ? behaviourDuration(Blocking.Kind.STALL) : Duration.ZERO;
		boolean reset = faultHits(Blocking.Kind.CONNECTION_RESET);
		boolean serverError = faultHits(Blocking.Kind.SERVER_ERRORS);
		boolean redirect = faultHits(Blocking.Kind.REDIRECT_HOME);
		boolean cut = faultHits(Blocking.Kind.CUT_SHORT);
		SiteAnswer answer;
		if (reset) {
			answer = SiteAnswer.connectionReset();
		}
		else if (serverError) {
			answer = SitePages.serverError(SERVER_ERROR_STATUSES[(int) (this.rayIds.incrementAndGet() % 3)]);
		}
		else if (redirect) {
			answer = SiteAnswer.redirect(this.baseUrl);
		}
		else {
			answer = answerLookup(request, lookup);
		}
		answer = cut ? answer.cutShortAnswer() : answer;
		return stall.isZero() ? answer : answer.delayedBy(stall);
	}

	private SiteAnswer answerLookup(SiteRequest request, Lookup lookup) {
		ClientCount client = clientCount(request.client());
		long lookups = client.lookups.incrementAndGet();
		SiteAnswer blocked = blockedAnswer(request, lookup, client, lookups);
		if (blocked != null) {
			return blocked;
		}
		String ip = lookup.ip();
		if (ip == null) {
			return invalid(lookup);
		}
		if (lookups > this.quota) {
			return (isOn(Blocking.Kind.SILENT_BAN) || overQuotaIsSilent()) ? result(lookup, List.of())
					: quotaExceeded(lookup);
		}
		ReverseIpWorld answering = this.clientWorlds.getOrDefault(request.client(), this.world);
		List<String> names = List.copyOf(answering.domainsOf(ip));
		return result(lookup, isOn(Blocking.Kind.DATA_QUIRKS) ? dress(ip, names) : names);
	}

	private @Nullable SiteAnswer blockedAnswer(SiteRequest request, Lookup lookup, ClientCount client, long lookups) {
		if (over(Blocking.Kind.FIREWALL, lookups)) {
			return SitePages.firewall(HOST, rayId());
		}
		if (over(Blocking.Kind.CHALLENGE, lookups)) {
			return SitePages.challenge(rayId());
		}
		Blocking rate = this.behaviours.get(Blocking.Kind.TOO_MANY_REQUESTS);
		if (rate != null) {
			long waitNanos = client.throttle(rate.count(), rate.duration().toNanos(), System.nanoTime());
			if (waitNanos >= 0) {
				SiteAnswer tooMany = SitePages.tooManyRequests();
				long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
				return rate.retryAfter() ? tooMany.withHeader("Retry-After", Long.toString(seconds)) : tooMany;
			}
		}
		Blocking periodic = this.behaviours.get(Blocking.Kind.PERIODIC_THROTTLE);
		if (periodic != null && lookups % periodic.count() == 0) {
			long seconds = Math.max(1, (periodic.duration().toMillis() + 999) / 1000);
			return SitePages.tooManyRequests().withHeader("Retry-After", Long.toString(seconds));
		}
		if (over(Blocking.Kind.CAPTCHA, lookups)) {
			return SitePages.captcha(rayId());
		}
		if (over(Blocking.Kind.PAGE_VISIT_LIMIT, lookups)) {
			return SitePages.pageVisitLimit();
		}
		if (isOn(Blocking.Kind.HEADER_GATE) && !passesGate(request)) {
			return refuseAtGate(request, lookup);
		}
		return null;
	}

	private boolean over(Blocking.Kind kind, long lookups) {
		Blocking blocking = this.behaviours.get(kind);
		return blocking != null && lookups > blocking.count();
	}

	private boolean faultHits(Blocking.Kind kind) {
		Blocking fault = this.behaviours.get(kind);
		if (fault == null) {
			return false;
		}
		long n = this.faultCounts.computeIfAbsent(kind, (k) -> new AtomicLong()).incrementAndGet();
		return fault.hits(n);
	}

	private Duration behaviourDuration(Blocking.Kind kind) {
		Blocking blocking = this.behaviours.get(kind);
		return (blocking != null) ? blocking.duration() : Duration.ZERO;
	}

	private ClientCount clientCount(String client) {
		ClientCount count = this.clients.get(client);
		if (count != null) {
			return count;
		}
		String key = (this.clients.size() < MAX_CLIENTS) ? client : OVERFLOW_CLIENT;
		return this.clients.computeIfAbsent(key, (k) -> new ClientCount());
	}

	private String rayId() {
		long id = this.rayIds.incrementAndGet() * 0x9E37_79B9_7F4A_7C15L;
		String hex = Long.toHexString(id ^ (id >>> 29));
		return "0".repeat(16 - hex.length()) + hex;
	}

	private Mono<Void> send(SiteAnswer answer, HttpServerResponse response) {
		Mono<Void> write = Mono.defer(() -> write(answer, response));
		return answer.delay().isZero() ? write : Mono.delay(answer.delay()).then(write);
	}

	private static Mono<Void> write(SiteAnswer answer, HttpServerResponse response) {
		if (answer.reset()) {
			response.withConnection((connection) -> reset(connection.channel()));
			return Mono.empty();
		}
		response.status(answer.status());
		answer.headers().forEach(response::header);
		response.header("Content-Length", Integer.toString(answer.body().length));
		if (!answer.cutShort()) {
			return response.sendByteArray(Mono.just(answer.body())).then();
		}
		byte[] half = Arrays.copyOf(answer.body(), answer.body().length / 2);
		// Taken now: once the body is sent, the operations stand in a disposed placeholder for the channel.
		AtomicReference<Channel> channel = new AtomicReference<>();
		response.withConnection((connection) -> channel.set(connection.channel()));
		return response.sendByteArray(Mono.just(half))
			.then()
			.then(Mono.fromRunnable(() -> channel.get().close()));
	}

	/** Closes with SO_LINGER 0, so the peer gets a TCP RST instead of a FIN. */
	private static void reset(Channel channel) {
		channel.config().setOption(ChannelOption.SO_LINGER, 0);
		channel.close();
	}

	/** One client address's counts since the last {@link #resetQuotas()}. */
	private static final class ClientCount {

		private final AtomicLong lookups = new AtomicLong();

		private long windowStart;

		private int windowLookups;

		private boolean windowOpen;

		/** Counts a lookup in a fixed window; the nanoseconds left in the window when over {@code limit}, else -1. */
		synchronized long throttle(int limit, long windowNanos, long now) {
			if (!this.windowOpen || now - this.windowStart >= windowNanos) {
				this.windowOpen = true;
				this.windowStart = now;
				this.windowLookups = 0;
			}
			this.windowLookups++;
			return (this.windowLookups > limit) ? windowNanos - (now - this.windowStart) : -1;
		}

	}

	/** A request body over {@link #MAX_BODY_BYTES}. */
	private static final class BodyTooLargeException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		BodyTooLargeException() {
			super("request body over " + MAX_BODY_BYTES + " bytes", null, false, false);
		}

	}

}
