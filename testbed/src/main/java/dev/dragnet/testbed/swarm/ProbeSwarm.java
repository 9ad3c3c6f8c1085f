package dev.dragnet.testbed.swarm;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.dragnet.protocol.FrameCodec;
import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Ping;
import dev.dragnet.protocol.Pong;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.ServerFrame;
import dev.dragnet.protocol.Welcome;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.util.concurrent.Queues;

/**
 * Simulated probes: each one WebSocket session to the server's {@code /ws/probe} that says hello with a shared
 * token, answers every ping and takes no work (it grants no credit). The server sees as many effective probes as
 * there are sessions, each with its own row, pings and state changes, at a fraction of a real agent's cost: ten
 * thousand fit in one JVM. Probes are named {@code <prefix>-00000} on; {@link #disconnect(int)} and
 * {@link #reconnect(int)} make churn.
 *
 * <p>One source address has about 28,000 ephemeral ports: a swarm larger than that binds its connections to several
 * local addresses (on Linux every {@code 127.0.0.x} is the loopback), {@code perAddress} sessions each.
 */
public final class ProbeSwarm implements AutoCloseable {

	/** Largest frame read from the server; pings and welcomes are tiny, sources lists are not. */
	private static final int MAX_FRAME = 1024 * 1024;

	private final FrameCodec codec = new FrameCodec();

	/** One client per local address; session {@code i} uses {@code clients[i / perAddress]}. */
	private final List<HttpClient.WebsocketSender> clients;

	private final int perAddress;

	private final String token;

	private final String prefix;

	private final List<Session> sessions = new ArrayList<>();

	private final AtomicInteger welcomed = new AtomicInteger();

	private final AtomicInteger closedByServer = new AtomicInteger();

	private ProbeSwarm(URI server, String token, String prefix, int count, List<InetAddress> localAddresses,
			int perAddress) {
		if (!localAddresses.isEmpty() && (long) localAddresses.size() * perAddress < count) {
			throw new IllegalArgumentException(count + " sessions do not fit on " + localAddresses.size()
					+ " local address(es) of " + perAddress + " sessions each");
		}
		// One connection per probe, never pooled: a pool would cap the sessions at its size.
		HttpClient base = HttpClient.newConnection();
		List<HttpClient> bound = localAddresses.isEmpty() ? List.of(base)
				: localAddresses.stream().map((address) -> base.bindAddress(() -> new InetSocketAddress(address, 0))).toList();
		this.clients = bound.stream()
			.map((client) -> client.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(MAX_FRAME).build())
				.uri(server.resolve(Protocol.PATH)))
			.toList();
		this.perAddress = localAddresses.isEmpty() ? Integer.MAX_VALUE : perAddress;
		this.token = token;
		this.prefix = prefix;
		for (int i = 0; i < count; i++) {
			this.sessions.add(new Session(name(i), this.clients.get(i / this.perAddress)));
		}
	}

	/**
	 * Connects {@code count} probes to the server at {@code server} ({@code ws://host:port}), at most
	 * {@code parallel} hellos in flight at once, and waits until each is welcomed or {@code within} passed.
	 */
	public static ProbeSwarm connect(URI server, String token, String prefix, int count, int parallel,
			Duration within) {
		return connect(server, token, prefix, count, parallel, within, List.of(), Integer.MAX_VALUE);
	}

	/**
	 * Like {@link #connect(URI, String, String, int, int, Duration)}, each session bound to one of
	 * {@code localAddresses} in turn, {@code perAddress} sessions to each (every address is used up before the
	 * next); none given: the system chooses.
	 */
	public static ProbeSwarm connect(URI server, String token, String prefix, int count, int parallel,
			Duration within, List<InetAddress> localAddresses, int perAddress) {
		ProbeSwarm swarm = new ProbeSwarm(server, token, prefix, count, localAddresses, perAddress);
		Flux.range(0, count)
			.flatMap((i) -> swarm.sessions.get(i).open(), parallel)
			.then()
			.block(within);
		return swarm;
	}

	/** The name of probe {@code index}. */
	public String name(int index) {
		return String.format("%s-%05d", this.prefix, index);
	}

	public int size() {
		return this.sessions.size();
	}

	/** Sessions welcomed and still open. */
	public int welcomed() {
		return this.welcomed.get();
	}

	/** Sessions the server closed (or that failed) rather than this swarm. */
	public int closedByServer() {
		return this.closedByServer.get();
	}

	/** Closes probe {@code index}'s connection, as a PC switched off would; the server makes it INEFFECTIVE. */
	public void disconnect(int index) {
		this.sessions.get(index).close();
	}

	/** Opens probe {@code index}'s session again; completes when it is welcomed. */
	public Mono<Void> reconnect(int index) {
		return this.sessions.get(index).open();
	}

	@Override
	public void close() {
		this.sessions.forEach(Session::close);
	}

	/** One probe, and its current connection if open. */
	private final class Session {

		private final String name;

		private final HttpClient.WebsocketSender client;

		private final AtomicReference<@Nullable Link> link = new AtomicReference<>();

		Session(String name, HttpClient.WebsocketSender client) {
			this.name = name;
			this.client = client;
		}

		/** Connects and says hello; completes at the welcome, or with an error if the session ends before. */
		Mono<Void> open() {
			Link link = new Link();
			Link previous = this.link.getAndSet(link);
			if (previous != null) {
				previous.close();
			}
			link.connection = this.client.handle((in, out) -> {
				// Only pongs go out, one per ping: a few at most ever wait.
				Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer(Queues.<String>get(16).get());
				outbound.tryEmitNext(ProbeSwarm.this.codec.encode(new Hello(this.name, ProbeSwarm.this.token, "swarm",
						Protocol.VERSION, List.of(Protocol.CAPABILITY_WHOIS), 1)));
				Mono<Void> reading = in.aggregateFrames(MAX_FRAME)
					.receive()
					.asString()
					.doOnNext((text) -> link.receive(text, outbound))
					.then();
				return Mono.when(reading, out.sendString(outbound.asFlux()).then());
			}).doFinally((signal) -> link.ended()).subscribe(null, (ex) -> {
				// the session ended: counted in ended()
			});
			return link.welcome.asMono();
		}

		void close() {
			Link current = this.link.getAndSet(null);
			if (current != null) {
				current.close();
			}
		}

		/** One connection of the probe. */
		private final class Link {

			private final Sinks.Empty<Void> welcome = Sinks.empty();

			private volatile @Nullable Disposable connection;

			private volatile boolean welcomed;

			private volatile boolean closing;

			void receive(String text, Sinks.Many<String> outbound) {
				ServerFrame frame;
				try {
					frame = ProbeSwarm.this.codec.decodeServerFrame(text);
				}
				catch (RuntimeException ex) {
					return; // a frame this swarm has no use for
				}
				if (frame instanceof Ping ping) {
					outbound.tryEmitNext(ProbeSwarm.this.codec.encode(new Pong(ping.seq())));
				}
				else if (frame instanceof Welcome && !this.welcomed) {
					this.welcomed = true;
					ProbeSwarm.this.welcomed.incrementAndGet();
					this.welcome.tryEmitEmpty();
				}
			}

			void ended() {
				if (this.welcomed) {
					this.welcomed = false;
					ProbeSwarm.this.welcomed.decrementAndGet();
				}
				if (!this.closing) {
					ProbeSwarm.this.closedByServer.incrementAndGet();
				}
				this.welcome.tryEmitError(new IllegalStateException("probe " + Session.this.name
						+ "'s session ended before its welcome"));
			}

			void close() {
				this.closing = true;
				Disposable current = this.connection;
				if (current != null) {
					current.dispose();
				}
			}
		}
	}
}
