package dev.dragnet.probe.whois;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.dragnet.net.Addresses;
import dev.dragnet.probe.net.HostResolver;
import dev.dragnet.probe.net.ProbeLoops;
import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.SocksProxy;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.TaskResult.Outcome;
import dev.dragnet.protocol.WhoisQuery;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.ProxyConnectException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;
import reactor.netty.transport.ProxyProvider;

/**
 * Asks WHOIS servers over TCP (RFC 3912): connect, send the query and CRLF, read until the server closes.
 *
 * <p>Every query has one deadline covering name resolution, connect, write and read, and a byte cap: reading
 * stops at the cap and the answer is {@link Outcome#TRUNCATED}. The returned {@code Mono} never errors; every
 * failure is a {@link TaskResult} with a readable {@code detail}.
 *
 * <p>Unless private servers are allowed, a host that resolves to any loopback, private or otherwise
 * non-public address (see {@link Addresses#isNonPublic}) is not contacted at all: the result is
 * {@link Outcome#REFUSED}. The same holds for a SOCKS5 proxy's address. This keeps a probe from poking at
 * the network of whoever hosts it. The connection goes to the exact address that was checked.
 *
 * <p>Queries are paced per WHOIS host by the task's {@link dev.dragnet.protocol.Pace} through the probe's
 * {@link HostPacer}: the whole exchange, connect to last byte, counts as one open request. The wait for a turn
 * counts against the deadline.
 */
public final class WhoisClient {

	/** Largest answer kept in memory, whatever the task asks: the result must still fit in one frame. */
	static final int MAX_ANSWER_BYTES = Protocol.MAX_FRAME_BYTES;

	private final boolean allowPrivateServers;

	private final HostResolver resolver;

	private final HostPacer pacer;

	private final @Nullable InetAddress bindAddress;

	/**
	 * A client with its own pacer.
	 * @param allowPrivateServers whether loopback and private addresses may be contacted (tests, lab setups)
	 */
	public WhoisClient(boolean allowPrivateServers) {
		this(allowPrivateServers, new HostPacer());
	}

	/**
	 * @param allowPrivateServers whether loopback and private addresses may be contacted (tests, lab setups)
	 * @param pacer the probe's pacer, shared with its other clients
	 */
	public WhoisClient(boolean allowPrivateServers, HostPacer pacer) {
		this(allowPrivateServers, pacer, null);
	}

	/**
	 * @param allowPrivateServers whether loopback and private addresses may be contacted (tests, lab setups)
	 * @param pacer the probe's pacer, shared with its other clients
	 * @param bindAddress the local address connections leave from, or {@code null} for the system's choice
	 */
	public WhoisClient(boolean allowPrivateServers, HostPacer pacer, @Nullable InetAddress bindAddress) {
		this.allowPrivateServers = allowPrivateServers;
		this.resolver = new HostResolver();
		this.pacer = pacer;
		this.bindAddress = bindAddress;
	}

	/**
	 * Runs one WHOIS query.
	 * @param taskId the id the result carries
	 * @param query what to ask, where
	 * @param deadline time allowed for everything, from subscription
	 * @return the result; never an error signal
	 */
	public Mono<TaskResult> query(String taskId, WhoisQuery query, Duration deadline) {
		return Mono.defer(() -> {
			Exchange exchange = new Exchange(taskId, query, deadline);
			return run(exchange)
				.timeout(deadline)
				.onErrorMap(TimeoutException.class, ex -> exchange.deadlinePassed())
				.onErrorResume(ex -> Mono.just(exchange.failed(ex)));
		});
	}

	private Mono<TaskResult> run(Exchange exchange) {
		WhoisQuery query = exchange.query;
		String invalid = invalidReason(query);
		if (invalid != null) {
			return Mono.error(new WhoisFailure(Outcome.REFUSED, invalid));
		}
		exchange.phase = Phase.RESOLVING;
		Mono<InetSocketAddress> target = checkedAddress(query.host(), query.port(), "WHOIS server");
		Mono<InetSocketAddress> proxy = query.proxy() == null ? Mono.just(NO_PROXY)
				: checkedAddress(query.proxy().host(), query.proxy().port(), "SOCKS proxy");
		return Mono.zip(target, proxy)
			.flatMap(addresses -> exchange(exchange, addresses.getT1(), proxyOrNull(addresses.getT2())));
	}

	/** Placeholder for "no proxy": {@code zip} does not take nulls. */
	private static final InetSocketAddress NO_PROXY = InetSocketAddress.createUnresolved("no-proxy", 1);

	private static @Nullable InetSocketAddress proxyOrNull(InetSocketAddress address) {
		return address == NO_PROXY ? null : address;
	}

	private static @Nullable String invalidReason(WhoisQuery query) {
		if (query.query().indexOf('\r') >= 0 || query.query().indexOf('\n') >= 0) {
			return "refusing a query that contains a line break";
		}
		if (query.port() < 1 || query.port() > 65535) {
			return "invalid port " + query.port();
		}
		if (query.maxBytes() < 1) {
			return "invalid byte cap " + query.maxBytes();
		}
		return null;
	}

	/** Resolves {@code host}, applies the address policy, and picks the address to connect to. */
	private Mono<InetSocketAddress> checkedAddress(String host, int port, String role) {
		return this.resolver.resolve(host, port)
			.onErrorMap(UnknownHostException.class,
					ex -> new WhoisFailure(Outcome.CONNECT_FAILED, "cannot resolve " + role + " " + host, ex))
			.map(addresses -> new InetSocketAddress(allowedAddress(host, role, addresses), port));
	}

	private InetAddress allowedAddress(String host, String role, List<InetAddress> addresses) {
		if (addresses.isEmpty()) {
			throw new WhoisFailure(Outcome.CONNECT_FAILED, "cannot resolve " + role + " " + host + ": no address");
		}
		if (!this.allowPrivateServers) {
			for (InetAddress address : addresses) {
				if (Addresses.isNonPublic(address)) {
					throw new WhoisFailure(Outcome.REFUSED, "refusing to contact a private or loopback address: "
							+ role + " " + host + " is " + address.getHostAddress());
				}
			}
		}
		return addresses.get(0);
	}

	private Mono<TaskResult> exchange(Exchange exchange, InetSocketAddress target, @Nullable InetSocketAddress proxy) {
		exchange.phase = Phase.PACING;
		Mono<TaskResult> connected = Mono.defer(() -> {
			exchange.phase = Phase.CONNECTING;
			return Mono.usingWhen(client(exchange, target, proxy).connect(),
					connection -> sendAndRead(exchange, connection),
					connection -> Mono.fromRunnable(connection::dispose));
		});
		return this.pacer.paced(exchange.query.host(), exchange.query.pace(), connected);
	}

	private TcpClient client(Exchange exchange, InetSocketAddress target, @Nullable InetSocketAddress proxy) {
		int connectMillis = exchange.connectTimeoutMillis();
		TcpClient client = TcpClient.newConnection()
			.runOn(ProbeLoops.get())
			.remoteAddress(() -> target)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis);
		if (this.bindAddress != null) {
			InetSocketAddress local = new InetSocketAddress(this.bindAddress, 0);
			client = client.bindAddress(() -> local);
		}
		SocksProxy socks = exchange.query.proxy();
		if (proxy == null || socks == null) {
			return client;
		}
		return client.proxy(spec -> {
			ProxyProvider.Builder builder = spec.type(ProxyProvider.Proxy.SOCKS5)
				.address(proxy)
				.connectTimeoutMillis(connectMillis);
			if (socks.username() != null) {
				String password = socks.password();
				builder.username(socks.username()).password(user -> password);
			}
		});
	}

	private Mono<TaskResult> sendAndRead(Exchange exchange, Connection connection) {
		exchange.phase = Phase.SENDING;
		// The charset names the answer's encoding; the query line goes out as UTF-8 (ASCII in practice).
		Mono<Void> send = connection.outbound()
			.sendString(Mono.just(exchange.query.query() + "\r\n"), StandardCharsets.UTF_8)
			.then();
		return send.then(Mono.defer(() -> {
			exchange.phase = Phase.READING;
			return read(exchange, connection.inbound().receive());
		}));
	}

	private static Mono<TaskResult> read(Exchange exchange, Flux<io.netty.buffer.ByteBuf> chunks) {
		AnswerBuffer answer = exchange.answer;
		return chunks.handle((chunk, sink) -> {
			if (!answer.append(chunk)) {
				sink.complete(); // over the cap: cancelling closes the connection
			}
		}).then(Mono.fromCallable(exchange::answered));
	}

	/** Where an exchange stands, for a timeout's detail. */
	private enum Phase {

		RESOLVING("resolving the host name"), PACING("waiting for its turn at the host"), CONNECTING("connecting"),
		SENDING("sending the query"),
		READING("reading the answer");

		private final String words;

		Phase(String words) {
			this.words = words;
		}
	}

	/** One query in progress: its clock, phase and answer so far. */
	private static final class Exchange {

		private final String taskId;

		private final WhoisQuery query;

		private final Duration deadline;

		private final long startNanos = System.nanoTime();

		private final AnswerBuffer answer;

		private volatile Phase phase = Phase.RESOLVING;

		Exchange(String taskId, WhoisQuery query, Duration deadline) {
			this.taskId = taskId;
			this.query = query;
			this.deadline = deadline;
			this.answer = new AnswerBuffer(Math.max(1, Math.min(query.maxBytes(), MAX_ANSWER_BYTES)));
		}

		int connectTimeoutMillis() {
			long deadlineMillis = Math.max(1, this.deadline.toMillis());
			long connect = this.query.connectTimeoutMillis() > 0 ? this.query.connectTimeoutMillis() : deadlineMillis;
			return (int) Math.min(Math.min(connect, deadlineMillis), Integer.MAX_VALUE);
		}

		long elapsedMillis() {
			return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.startNanos);
		}

		TaskResult answered() {
			byte[] bytes = this.answer.bytes();
			boolean truncated = this.answer.truncated();
			String text = AnswerDecoder.decode(bytes, this.query.charset(), truncated);
			if (truncated) {
				return result(Outcome.TRUNCATED, text, bytes.length,
						"answer cut at the byte cap of " + bytes.length + " bytes");
			}
			String detail = bytes.length == 0 ? "the server closed the connection without answering" : null;
			return result(Outcome.OK, text, bytes.length, detail);
		}

		WhoisFailure deadlinePassed() {
			return new WhoisFailure(Outcome.TIMEOUT, "deadline of " + this.deadline.toMillis() + " ms passed while "
					+ this.phase.words + describeReceived());
		}

		TaskResult failed(Throwable error) {
			WhoisFailure failure = classify(error);
			int received = this.answer.size();
			String partial = received > 0 && failure.outcome() == Outcome.TIMEOUT
					? AnswerDecoder.decode(this.answer.bytes(), this.query.charset(), true) : null;
			return result(failure.outcome(), partial, received, failure.getMessage());
		}

		private String describeReceived() {
			int received = this.answer.size();
			return received > 0 ? " (" + received + " bytes received)" : "";
		}

		private WhoisFailure classify(Throwable error) {
			if (error instanceof WhoisFailure failure) {
				return failure;
			}
			String target = this.query.host() + ":" + this.query.port();
			if (error instanceof ConnectTimeoutException) {
				return new WhoisFailure(Outcome.TIMEOUT,
						"connect to " + target + " timed out after " + connectTimeoutMillis() + " ms", error);
			}
			if (error instanceof ProxyConnectException) {
				return new WhoisFailure(Outcome.CONNECT_FAILED, "SOCKS proxy failed: " + message(error), error);
			}
			if (error instanceof ConnectException || error instanceof NoRouteToHostException
					|| error instanceof UnknownHostException) {
				return new WhoisFailure(Outcome.CONNECT_FAILED, "cannot connect to " + target + ": " + message(error),
						error);
			}
			if (error instanceof IOException && this.phase == Phase.CONNECTING) {
				return new WhoisFailure(Outcome.CONNECT_FAILED, "cannot connect to " + target + ": " + message(error),
						error);
			}
			return new WhoisFailure(Outcome.ERROR,
					"failed while " + this.phase.words + describeReceived() + ": " + message(error), error);
		}

		private TaskResult result(Outcome outcome, @Nullable String text, long bytes, @Nullable String detail) {
			return new TaskResult(this.taskId, outcome, text, bytes, elapsedMillis(), detail);
		}

		private static String message(Throwable error) {
			String message = error.getMessage();
			if (message == null || message.isBlank()) {
				return error.getClass().getSimpleName();
			}
			// Netty's native transport prefixes the OS error with the syscall: noise in a result's detail.
			return message.replaceFirst("^finishConnect\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ", "");
		}
	}
}
