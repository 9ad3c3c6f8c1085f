package dev.dragnet.testbed.rdap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * An RDAP server (RFC 7480-7484) on {@code 127.0.0.1}, plain HTTP, that answers GETs from a script, for tests
 * and benchmarks.
 *
 * <p>The request's path (without query, lower-cased) picks an {@link RdapBehaviour}; unknown paths get a 404 RDAP
 * error. Paths follow RDAP's layout: {@code /domain/<name>} for the registry and {@code /registrar/domain/<name>}
 * for the registrar record a thin registry answer links to. The fake can also serve an IANA-style bootstrap file
 * at {@code /bootstrap/dns.json}. Scripting methods may be called at any time from any thread; they apply to the
 * next request.
 *
 * <pre>{@code
 * try (FakeRdapServer rdap = FakeRdapServer.start().registeredDomain("example.com").throttled("busy.com", 30)) {
 * 	// ask rdap.domainUrl("example.com"): registry answer linking rdap.baseUrl() + "registrar/domain/example.com"
 * }
 * }</pre>
 *
 * <p>{@link #start()} and {@link #close()} wait for the socket and so must not be called on an event loop.
 */
public final class FakeRdapServer implements AutoCloseable {

	/** Path of the bootstrap file, see {@link #bootstrap(String, Duration)}. */
	public static final String BOOTSTRAP_PATH = "/bootstrap/dns.json";

	/** How many requests {@link #requests()} keeps; later ones are answered but not recorded. */
	public static final int MAX_RECORDED_REQUESTS = 100_000;

	private static final String HOST = "127.0.0.1";

	private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(FakeRdapServer.class);

	private final Map<String, RdapBehaviour> answers = new ConcurrentHashMap<>();

	private final List<RdapRequest> requests = Collections.synchronizedList(new ArrayList<>());

	private final Set<Connection> openConnections = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final DisposableServer server;

	private final String baseUrl;

	private FakeRdapServer() {
		this.server = HttpServer.create()
			.host(HOST)
			.port(0)
			.doOnConnection(this::track)
			.handle(this::serve)
			.bindNow(BIND_TIMEOUT);
		this.baseUrl = "http://" + HOST + ":" + this.server.port() + "/";
		logger.debug("Fake RDAP server listening on {}", this.baseUrl);
	}

	/** Starts a server on {@code 127.0.0.1} and a free port; it accepts connections once this returns. */
	public static FakeRdapServer start() {
		return new FakeRdapServer();
	}

	/** Where the server answers, with a trailing slash: {@code http://127.0.0.1:<port>/}. */
	public String baseUrl() {
		return this.baseUrl;
	}

	/** The address the server listens on: always {@code "127.0.0.1"}. */
	public String host() {
		return HOST;
	}

	/** The port the server listens on. */
	public int port() {
		return this.server.port();
	}

	/** The absolute URL of {@code path} on this server ({@code "/domain/x.com"} or {@code "domain/x.com"}). */
	public String url(String path) {
		return this.baseUrl + (path.startsWith("/") ? path.substring(1) : path);
	}

	/** The registry URL of {@code name}: {@code <baseUrl>domain/<name>}. */
	public String domainUrl(String name) {
		return url("domain/" + RdapDocuments.requireLdh(name));
	}

	/** The registrar URL of {@code name}, as thin registry answers link it: {@code <baseUrl>registrar/domain/<name>}. */
	public String registrarUrl(String name) {
		return url("registrar/domain/" + RdapDocuments.requireLdh(name));
	}

	/** The URL of the bootstrap file: {@code <baseUrl>bootstrap/dns.json}. */
	public String bootstrapUrl() {
		return url(BOOTSTRAP_PATH);
	}

	/** Serves {@code json} (status 200, {@code application/rdap+json}) at {@code /domain/<name>}. */
	public FakeRdapServer domain(String name, String json) {
		return domain(name, RdapBehaviour.rdap(json));
	}

	/** Answers {@code /domain/<name>} with {@code behaviour}. */
	public FakeRdapServer domain(String name, RdapBehaviour behaviour) {
		return path("/domain/" + RdapDocuments.requireLdh(name), behaviour);
	}

	/** Answers {@code /registrar/domain/<name>} with {@code behaviour}. */
	public FakeRdapServer registrar(String name, RdapBehaviour behaviour) {
		return path("/registrar/domain/" + RdapDocuments.requireLdh(name), behaviour);
	}

	/**
	 * Serves a realistic thin-registry answer for {@code name} ({@link RdapDocuments#thinRegistryDomain}) whose
	 * {@code related} link points at this server's registrar record, and that record
	 * ({@link RdapDocuments#registrarDomain}).
	 */
	public FakeRdapServer registeredDomain(String name) {
		domain(name, RdapDocuments.thinRegistryDomain(name, this.baseUrl));
		return registrar(name, RdapBehaviour.rdap(RdapDocuments.registrarDomain(name)));
	}

	/** Answers {@code /domain/<name>} with 404 and an RDAP error object. */
	public FakeRdapServer notFound(String name) {
		return domain(name, RdapBehaviour.notFound("The domain name " + name + " is not registered."));
	}

	/** Answers {@code /domain/<name>} with 429 and {@code Retry-After: <retryAfterSeconds>}. */
	public FakeRdapServer throttled(String name, long retryAfterSeconds) {
		return domain(name, RdapBehaviour.throttled(retryAfterSeconds));
	}

	/** Answers {@code /domain/<name>} with {@code json}, {@code delay} after the request. */
	public FakeRdapServer delayed(String name, Duration delay, String json) {
		return domain(name, RdapBehaviour.delayed(delay, RdapBehaviour.rdap(json)));
	}

	/** Never answers {@code /domain/<name>}. */
	public FakeRdapServer hang(String name) {
		return domain(name, RdapBehaviour.hang());
	}

	/** Answers {@code /domain/<name>} with a body that never ends. */
	public FakeRdapServer huge(String name) {
		return domain(name, RdapBehaviour.huge());
	}

	/** Answers {@code path} (absolute, without query; matched case-insensitively) with {@code behaviour}. */
	public FakeRdapServer path(String path, RdapBehaviour behaviour) {
		Objects.requireNonNull(path, "path");
		if (!path.startsWith("/") || path.indexOf('?') >= 0) {
			throw new IllegalArgumentException("a path starts with / and has no query: " + path);
		}
		this.answers.put(path.toLowerCase(Locale.ROOT), Objects.requireNonNull(behaviour, "behaviour"));
		return this;
	}

	/**
	 * Serves {@code json} as the IANA DNS bootstrap file at {@link #BOOTSTRAP_PATH} ({@code application/json}), with
	 * {@code Cache-Control: max-age=<maxAge in seconds>}, as {@code data.iana.org} does.
	 */
	public FakeRdapServer bootstrap(String json, Duration maxAge) {
		Objects.requireNonNull(maxAge, "maxAge");
		return bootstrap(RdapBehaviour.text(200, "application/json", json)
			.withHeader("Cache-Control", "max-age=" + maxAge.toSeconds()));
	}

	/** Answers {@link #BOOTSTRAP_PATH} with {@code behaviour} (a failure, a hang, a huge file, ...). */
	public FakeRdapServer bootstrap(RdapBehaviour behaviour) {
		return path(BOOTSTRAP_PATH, behaviour);
	}

	/** Every request received so far, in order of arrival (the first {@value #MAX_RECORDED_REQUESTS}); a copy. */
	public List<RdapRequest> requests() {
		return List.copyOf(this.requests);
	}

	/** How many recorded requests asked for {@code path} (matched case-insensitively, without query). */
	public int requestCount(String path) {
		String wanted = path.toLowerCase(Locale.ROOT);
		synchronized (this.requests) {
			return (int) this.requests.stream().filter((r) -> r.path().equalsIgnoreCase(wanted)).count();
		}
	}

	/** How many connections are open now. */
	public int openConnections() {
		return this.openConnections.size();
	}

	/** Stops listening, closes every open connection and waits until they are closed. Idempotent. */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.server.dispose();
		this.server.onDispose().block(CLOSE_TIMEOUT);
		List<Connection> open = List.copyOf(this.openConnections);
		open.forEach(Connection::dispose);
		Mono.when(open.stream().map(Connection::onDispose).toList()).block(CLOSE_TIMEOUT);
		logger.debug("Fake RDAP server {} closed after {} requests", this.baseUrl, this.requests.size());
	}

	@Override
	public String toString() {
		return "FakeRdapServer[" + this.baseUrl + "]";
	}

	private void track(Connection connection) {
		this.openConnections.add(connection);
		connection.onDispose(() -> this.openConnections.remove(connection));
	}

	private Mono<Void> serve(HttpServerRequest request, HttpServerResponse response) {
		String path = pathOf(request.uri());
		record(new RdapRequest(request.method().name(), path, request.uri(), header(request, "Accept"),
				header(request, "User-Agent")));
		RdapBehaviour behaviour = this.answers.get(path.toLowerCase(Locale.ROOT));
		if (behaviour == null) {
			behaviour = RdapBehaviour.notFound("No object found at " + path + ".");
		}
		logger.debug("{} {} answered with {}", request.method(), request.uri(), behaviour);
		// The body of a GET is not expected; draining it keeps the connection usable either way.
		return request.receive().then(behaviour.respond(response));
	}

	private static @Nullable String header(HttpServerRequest request, String name) {
		return request.requestHeaders().get(name);
	}

	private static String pathOf(String uri) {
		int query = uri.indexOf('?');
		String path = query >= 0 ? uri.substring(0, query) : uri;
		return path.isEmpty() ? "/" : path;
	}

	private void record(RdapRequest request) {
		synchronized (this.requests) {
			if (this.requests.size() < MAX_RECORDED_REQUESTS) {
				this.requests.add(request);
			}
		}
	}
}
