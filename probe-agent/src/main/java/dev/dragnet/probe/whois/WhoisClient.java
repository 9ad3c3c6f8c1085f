package dev.dragnet.probe.whois;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.dragnet.net.Addresses;
import dev.dragnet.probe.net.HostResolver;
import dev.dragnet.probe.net.NativeErrors;
import dev.dragnet.probe.net.ProbeLoops;
import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.SocksProxy;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.TaskResult.Outcome;
import dev.dragnet.protocol.WhoisQuery;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.ThreadExecutorMap;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.netty.resources.LoopResources;

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
 *
 * <p>The exchange runs on plain Netty, on the probe's event loops (the caller's loop when it is one of them, so a
 * task's frame, connection and result stay on one thread): one handler per connection, the deadline one timer on
 * that loop. Reactor Netty's TCP client cost about a fifth of a probe's CPU per lookup in configuration, connection
 * operations and a timer on another thread (issue 12).
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
		return Mono.create(sink -> new Exchange(taskId, query, deadline, sink).start());
	}

	/** Placeholder for "no proxy": {@code zip} does not take nulls. */
	private static final InetSocketAddress NO_PROXY = InetSocketAddress.createUnresolved("no-proxy", 1);

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

	/**
	 * The checked address of a host given as an address literal, without a {@code Mono}: the common case (the
	 * server sends the WHOIS server's address), remembered per host and port. {@code null} for a name.
	 * @throws WhoisFailure when the policy refuses the address
	 */
	private @Nullable InetSocketAddress literalAddress(String host, int port, String role) {
		Literal last = this.lastLiteral;
		if (last != null && last.port == port && last.host.equals(host)) {
			return last.address;
		}
		InetAddress literal = Addresses.parseLiteral(host);
		if (literal == null) {
			return null;
		}
		InetSocketAddress address = new InetSocketAddress(allowedAddress(host, role, List.of(literal)), port);
		this.lastLiteral = new Literal(host, port, address);
		return address;
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

	/** The loop the exchange runs on: the caller's when it is one of the probe's loops, so a task stays on one thread. */
	private static EventLoop loop() {
		EventExecutor current = ThreadExecutorMap.currentExecutor();
		if (current instanceof EventLoop loop && current.parent() == Netty.GROUP) {
			return loop;
		}
		return Netty.GROUP.next();
	}

	/** The probe's event loops and the channel type that goes with them, looked up once. */
	private static final class Netty {

		static final EventLoopGroup GROUP = ProbeLoops.get().onClient(LoopResources.DEFAULT_NATIVE);

		static final Class<? extends SocketChannel> CHANNEL = ProbeLoops.get().onChannelClass(SocketChannel.class, GROUP);
	}

	/** The last literal host asked for, checked against the policy: most tasks go to the same server. */
	private record Literal(String host, int port, InetSocketAddress address) {
	}

	private volatile @Nullable Literal lastLiteral;

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

	/**
	 * One query in progress, from the task to its result, on plain Netty: its clock, phase and answer so far, the
	 * deadline (one timer on the exchange's event loop), and the connection's only handler. It ends once, with the
	 * first of: the answer read to the server's close or to the byte cap, a failure, the deadline, or a cancel.
	 */
	private final class Exchange extends ChannelInboundHandlerAdapter {

		private final String taskId;

		private final WhoisQuery query;

		private final Duration deadline;

		private final MonoSink<TaskResult> sink;

		private final long startNanos = System.nanoTime();

		private final AnswerBuffer answer;

		private final EventLoop loop = loop();

		private final AtomicBoolean ended = new AtomicBoolean();

		private volatile Phase phase = Phase.RESOLVING;

		private volatile @Nullable ScheduledFuture<?> timer;

		/** What waits before the connection: name resolution and the turn at the host. */
		private volatile @Nullable Disposable waiting;

		private volatile @Nullable Channel channel;

		/** The admitted turn at the host, ended with the exchange to give the host's slot back. */
		private volatile @Nullable MonoSink<TaskResult> turn;

		Exchange(String taskId, WhoisQuery query, Duration deadline, MonoSink<TaskResult> sink) {
			this.taskId = taskId;
			this.query = query;
			this.deadline = deadline;
			this.sink = sink;
			this.answer = new AnswerBuffer(Math.max(1, Math.min(query.maxBytes(), MAX_ANSWER_BYTES)));
		}

		void start() {
			this.sink.onCancel(this::cancelled);
			String invalid = invalidReason(this.query);
			if (invalid != null) {
				end(failed(new WhoisFailure(Outcome.REFUSED, invalid)));
				return;
			}
			this.timer = this.loop.schedule(this::deadlinePassed, Math.max(1, this.deadline.toNanos()),
					TimeUnit.NANOSECONDS);
			try {
				InetSocketAddress target = literalAddress(this.query.host(), this.query.port(), "WHOIS server");
				SocksProxy socks = this.query.proxy();
				InetSocketAddress proxy = (socks == null) ? NO_PROXY
						: literalAddress(socks.host(), socks.port(), "SOCKS proxy");
				if (target != null && proxy != null) {
					paced(target, proxyOrNull(proxy));
					return;
				}
			}
			catch (WhoisFailure failure) {
				end(failed(failure));
				return;
			}
			SocksProxy socks = this.query.proxy();
			Mono<InetSocketAddress> target = checkedAddress(this.query.host(), this.query.port(), "WHOIS server");
			Mono<InetSocketAddress> proxy = (socks == null) ? Mono.just(NO_PROXY)
					: checkedAddress(socks.host(), socks.port(), "SOCKS proxy");
			waitFor(Mono.zip(target, proxy)
				.subscribe(addresses -> paced(addresses.getT1(), proxyOrNull(addresses.getT2())),
						error -> end(failed(error))));
		}

		/** Keeps what the exchange waits on, to cancel it when the exchange ends first (also meanwhile). */
		private void waitFor(Disposable wait) {
			this.waiting = wait;
			if (this.ended.get()) {
				wait.dispose();
			}
		}

		private @Nullable InetSocketAddress proxyOrNull(InetSocketAddress address) {
			return (address == NO_PROXY) ? null : address;
		}

		/** Waits for the turn at the host, then connects; the turn is held until the exchange ends. */
		private void paced(InetSocketAddress target, @Nullable InetSocketAddress proxy) {
			if (this.ended.get()) {
				return;
			}
			this.phase = Phase.PACING;
			Mono<TaskResult> exchange = Mono.create(turn -> {
				this.phase = Phase.CONNECTING;
				turn.onCancel(this::closeChannel);
				connect(target, proxy, turn);
			});
			waitFor(WhoisClient.this.pacer.paced(this.query.host(), this.query.pace(), exchange)
				.subscribe(this::end, error -> end(failed(error))));
		}

		/** Connects on the exchange's loop; {@code turn} ends when the exchange does, giving the host's slot back. */
		private void connect(InetSocketAddress target, @Nullable InetSocketAddress proxy, MonoSink<TaskResult> turn) {
			this.turn = turn;
			if (this.ended.get()) {
				turn.success(); // ended while admitted: the slot goes back at once
				return;
			}
			int connectMillis = connectTimeoutMillis();
			Bootstrap bootstrap = new Bootstrap().group(this.loop)
				.channel(Netty.CHANNEL)
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
				.handler(this);
			SocksProxy socks = this.query.proxy();
			if (proxy != null && socks != null) {
				bootstrap.handler(new ChannelInitializer<Channel>() {
					@Override
					protected void initChannel(Channel channel) {
						Socks5ProxyHandler handler = (socks.username() != null)
								? new Socks5ProxyHandler(proxy, socks.username(),
										(socks.password() != null) ? socks.password() : "")
								: new Socks5ProxyHandler(proxy);
						handler.setConnectTimeoutMillis(connectMillis);
						channel.pipeline().addLast(handler, Exchange.this);
					}
				});
			}
			ChannelFuture connecting = (WhoisClient.this.bindAddress != null)
					? bootstrap.connect(target, new InetSocketAddress(WhoisClient.this.bindAddress, 0))
					: bootstrap.connect(target);
			this.channel = connecting.channel();
			if (this.ended.get()) {
				closeChannel(); // the deadline passed meanwhile
			}
			connecting.addListener((ChannelFutureListener) this::connected);
		}

		/** Connected (through the proxy, if any): send the query line; the answer is read until the server closes. */
		private void connected(ChannelFuture future) {
			if (!future.isSuccess()) {
				end(failed(future.cause()));
				return;
			}
			this.phase = Phase.SENDING;
			// The charset names the answer's encoding; the query line goes out as UTF-8 (ASCII in practice).
			ByteBuf line = ByteBufUtil.writeUtf8(future.channel().alloc(), this.query.query() + "\r\n");
			future.channel().writeAndFlush(line).addListener((ChannelFutureListener) (written) -> {
				if (written.isSuccess()) {
					if (this.phase == Phase.SENDING) {
						this.phase = Phase.READING;
					}
				}
				else {
					end(failed(written.cause()));
				}
			});
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				if (msg instanceof ByteBuf chunk && !this.ended.get() && !this.answer.append(chunk)) {
					end(answered()); // over the cap: closing the connection stops the reading
				}
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (this.phase == Phase.SENDING) {
				this.phase = Phase.READING; // closed before the write was confirmed: still an answer (an empty one)
			}
			end(answered());
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			end(failed(cause));
		}

		private void deadlinePassed() {
			end(failed(new WhoisFailure(Outcome.TIMEOUT, "deadline of " + this.deadline.toMillis()
					+ " ms passed while " + this.phase.words + describeReceived())));
		}

		private void cancelled() {
			if (this.ended.compareAndSet(false, true)) {
				release();
			}
		}

		/** Ends the exchange once: the result out, the timer, the wait and the connection gone, the slot back. */
		private void end(TaskResult result) {
			if (this.ended.compareAndSet(false, true)) {
				release();
				this.sink.success(result);
			}
		}

		private void release() {
			ScheduledFuture<?> deadlineTimer = this.timer;
			if (deadlineTimer != null) {
				deadlineTimer.cancel(false);
			}
			closeChannel();
			MonoSink<TaskResult> heldTurn = this.turn;
			if (heldTurn != null) {
				heldTurn.success(); // the host's slot goes back
			}
			Disposable wait = this.waiting;
			if (wait != null) {
				wait.dispose();
			}
		}

		private void closeChannel() {
			Channel open = this.channel;
			if (open != null) {
				open.close();
			}
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
				return new WhoisFailure(Outcome.CONNECT_FAILED, "SOCKS proxy failed: " + NativeErrors.describe(error),
						error);
			}
			if (error instanceof ConnectException || error instanceof NoRouteToHostException
					|| error instanceof UnknownHostException) {
				return new WhoisFailure(Outcome.CONNECT_FAILED,
						"cannot connect to " + target + ": " + NativeErrors.describe(error), error);
			}
			if (error instanceof IOException && this.phase == Phase.CONNECTING) {
				return new WhoisFailure(Outcome.CONNECT_FAILED,
						"cannot connect to " + target + ": " + NativeErrors.describe(error), error);
			}
			return new WhoisFailure(Outcome.ERROR,
					"failed while " + this.phase.words + describeReceived() + ": " + NativeErrors.describe(error), error);
		}

		private TaskResult result(Outcome outcome, @Nullable String text, long bytes, @Nullable String detail) {
			return new TaskResult(this.taskId, outcome, text, bytes, elapsedMillis(), detail);
		}
	}
}
