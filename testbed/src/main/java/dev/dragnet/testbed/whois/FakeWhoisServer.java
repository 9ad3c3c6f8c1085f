package dev.dragnet.testbed.whois;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;
import reactor.netty.tcp.TcpServer;

/**
 * A WHOIS server (RFC 3912) on {@code 127.0.0.1} that answers from a script, for tests and benchmarks.
 *
 * <p>Each connection is read up to its first line (CRLF or a bare LF); that line, matched exactly, picks a
 * {@link WhoisBehaviour} from {@link #answer}, or the {@link #fallback} one. A client that sends nothing is held
 * until it or the server closes. A line longer than {@value #MAX_QUERY_BYTES} bytes closes the connection
 * without an answer. Scripting methods may be called at any time from any thread; they apply to the next query.
 *
 * <pre>{@code
 * try (FakeWhoisServer whois = FakeWhoisServer.start()
 * 		.answer("domain example.com", "Domain Name: EXAMPLE.COM\r\n")
 * 		.answer("domain slow.com", WhoisBehaviour.delayed(Duration.ofSeconds(2), WhoisBehaviour.text("late\r\n")))) {
 * 	// point the client at whois.host() and whois.port()
 * }
 * }</pre>
 *
 * <p>{@link #start()} and {@link #close()} wait for the socket and so must not be called on an event loop.
 */
public final class FakeWhoisServer implements AutoCloseable {

	/** The longest query line read, in bytes, without its line end. */
	public static final int MAX_QUERY_BYTES = 4096;

	/** How many query lines {@link #queries()} keeps; later ones are answered but not recorded. */
	public static final int MAX_RECORDED_QUERIES = 100_000;

	private static final String HOST = "127.0.0.1";

	private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(FakeWhoisServer.class);

	private final Map<String, WhoisBehaviour> answers = new ConcurrentHashMap<>();

	private volatile WhoisBehaviour fallback = WhoisBehaviour.noMatch();

	private final List<String> queries = Collections.synchronizedList(new ArrayList<>());

	private final AtomicInteger connectionCount = new AtomicInteger();

	private final Set<Connection> openConnections = ConcurrentHashMap.newKeySet();

	private final LongAdder bytesProduced = new LongAdder();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final DisposableServer server;

	private final int port;

	private FakeWhoisServer() {
		this.server = TcpServer.create()
			.host(HOST)
			.port(0)
			.doOnConnection(this::track)
			.handle(this::serve)
			.bindNow(BIND_TIMEOUT);
		this.port = this.server.port();
		logger.debug("Fake WHOIS server listening on {}:{}", HOST, this.port);
	}

	/** Starts a server on {@code 127.0.0.1} and a free port; it accepts connections once this returns. */
	public static FakeWhoisServer start() {
		return new FakeWhoisServer();
	}

	/** The address the server listens on: always {@code "127.0.0.1"}. */
	public String host() {
		return HOST;
	}

	/** The port the server listens on. */
	public int port() {
		return this.port;
	}

	/** Answers {@code query} (the exact line, without CRLF) with {@code text} in UTF-8, then closes. */
	public FakeWhoisServer answer(String query, String text) {
		return answer(query, WhoisBehaviour.text(text));
	}

	/** Answers {@code query} (the exact line, without CRLF) with {@code behaviour}, replacing any earlier answer. */
	public FakeWhoisServer answer(String query, WhoisBehaviour behaviour) {
		requireQueryLine(query);
		this.answers.put(query, Objects.requireNonNull(behaviour, "behaviour"));
		return this;
	}

	/** How to answer queries that have no {@link #answer}; {@link WhoisBehaviour#noMatch()} until set. */
	public FakeWhoisServer fallback(WhoisBehaviour behaviour) {
		this.fallback = Objects.requireNonNull(behaviour, "behaviour");
		return this;
	}

	/** Every query line received so far, in order of arrival (the first {@value #MAX_RECORDED_QUERIES}); a copy. */
	public List<String> queries() {
		return List.copyOf(this.queries);
	}

	/** How many times {@code query} was received, among the recorded {@link #queries()}. */
	public int queryCount(String query) {
		synchronized (this.queries) {
			return Collections.frequency(this.queries, query);
		}
	}

	/** How many connections the server has accepted since it started. */
	public int connectionCount() {
		return this.connectionCount.get();
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
		// Only now is the set final: no connection can be accepted after the listening channel is closed.
		List<Connection> open = List.copyOf(this.openConnections);
		open.forEach(Connection::dispose);
		Mono.when(open.stream().map(Connection::onDispose).toList()).block(CLOSE_TIMEOUT);
		logger.debug("Fake WHOIS server on port {} closed after {} connections", port(), connectionCount());
	}

	/** Bytes the behaviours have handed to connections so far, for tests of back-pressure. */
	long bytesProduced() {
		return this.bytesProduced.sum();
	}

	@Override
	public String toString() {
		return "FakeWhoisServer[" + HOST + ":" + port() + "]";
	}

	private void track(Connection connection) {
		this.connectionCount.incrementAndGet();
		this.openConnections.add(connection);
		connection.onDispose(() -> this.openConnections.remove(connection));
	}

	private Mono<Void> serve(NettyInbound inbound, NettyOutbound outbound) {
		// Reactor Netty passes the connection itself as both inbound and outbound.
		Connection connection = (Connection) outbound;
		return readQuery(inbound, connection)
			.flatMap((query) -> respond(query, connection))
			.then(Mono.fromRunnable(connection::dispose));
	}

	private Mono<String> readQuery(NettyInbound inbound, Connection connection) {
		QueryLineDecoder decoder = new QueryLineDecoder(MAX_QUERY_BYTES);
		return inbound.receive()
			.asByteArray()
			.<String>handle((chunk, sink) -> {
				decoder.feed(chunk).ifPresent(sink::next);
				if (decoder.overflowed()) {
					logger.debug("Query line from {} is longer than {} bytes; closing",
							connection.channel().remoteAddress(), MAX_QUERY_BYTES);
					sink.complete();
				}
			})
			.next()
			.doOnNext(this::record);
	}

	private Mono<Void> respond(String query, Connection connection) {
		WhoisBehaviour behaviour = this.answers.getOrDefault(query, this.fallback);
		WhoisExchange exchange = new WhoisExchange(query, connection, this.bytesProduced);
		logger.debug("Query {} answered with {}", exchange, behaviour);
		return behaviour.respond(exchange)
			.takeUntilOther(connection.onDispose())
			// A write that fails because the client went away is how endless and slow answers normally end.
			.onErrorResume((ex) -> connection.isDisposed(), (ex) -> clientGone(exchange, ex));
	}

	private Mono<Void> clientGone(WhoisExchange exchange, Throwable ex) {
		logger.debug("Client of query {} closed the connection first: {}", exchange, ex.toString());
		return Mono.empty();
	}

	private void record(String query) {
		synchronized (this.queries) {
			if (this.queries.size() < MAX_RECORDED_QUERIES) {
				this.queries.add(query);
			}
		}
	}

	private static void requireQueryLine(String query) {
		Objects.requireNonNull(query, "query");
		if (query.indexOf('\r') >= 0 || query.indexOf('\n') >= 0) {
			throw new IllegalArgumentException("A query is one line without its CRLF: " + query);
		}
	}

}
