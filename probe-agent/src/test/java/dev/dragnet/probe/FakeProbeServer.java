package dev.dragnet.probe;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.dragnet.protocol.ErrorFrame;
import dev.dragnet.protocol.FrameCodec;
import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.ProbeFrame;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.ServerFrame;
import dev.dragnet.protocol.Welcome;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * A probe endpoint on loopback that plays the server's side of a session from a script: how to answer a
 * hello, then whatever frames the test sends. Records every frame probes send, across sessions.
 */
final class FakeProbeServer implements AutoCloseable {

	/** What the fake does with a hello. */
	enum OnHello {

		WELCOME, CLOSE_UNAUTHORIZED, ERROR_UNAUTHORIZED, CLOSE_UNSUPPORTED_VERSION,

		/** No answer at all: the connection stays open and silent. */
		IGNORE
	}

	private static final String REFUSED = "refused by the fake";

	private final FrameCodec codec = new FrameCodec();

	private final DisposableServer server;

	private final Sinks.Many<ProbeFrame> received = Sinks.many().replay().limit(1000);

	private final AtomicReference<@Nullable Session> current = new AtomicReference<>();

	private final AtomicInteger sessions = new AtomicInteger();

	private final Sinks.Many<Integer> ended = Sinks.many().replay().limit(100);

	private volatile OnHello onHello = OnHello.WELCOME;

	private volatile long pingIntervalMillis = 30_000;

	/** Whether the welcome says this server takes credit in results; by default it does not, as older servers. */
	private volatile @Nullable Boolean creditInResult;

	FakeProbeServer() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route(routes -> routes.ws(Protocol.PATH, this::handle))
			.bindNow(Duration.ofSeconds(10));
	}

	URI uri() {
		return URI.create("ws://127.0.0.1:" + this.server.port() + Protocol.PATH);
	}

	FakeProbeServer onHello(OnHello behaviour) {
		this.onHello = behaviour;
		return this;
	}

	FakeProbeServer creditInResult(boolean taken) {
		this.creditInResult = taken;
		return this;
	}

	FakeProbeServer pingInterval(Duration interval) {
		this.pingIntervalMillis = interval.toMillis();
		return this;
	}

	/** Every frame any probe sent, in order. */
	Flux<ProbeFrame> received() {
		return this.received.asFlux();
	}

	/** Numbers of the sessions that ended (1 for the first), in order. */
	Flux<Integer> ended() {
		return this.ended.asFlux();
	}

	int sessionCount() {
		return this.sessions.get();
	}

	/** Sends a frame to the probe of the latest session. */
	void send(ServerFrame frame) {
		sendText(this.codec.encode(frame));
	}

	/** Sends raw text to the probe of the latest session, e.g. a frame the codec would not write. */
	void sendText(String text) {
		Session session = requireSession();
		synchronized (session) {
			session.toProbe.tryEmitNext(text);
		}
	}

	/** Closes the latest session with a close frame of this code and reason, as a server does. */
	void closeSession(int code, String reason) {
		requireSession().closeRequest.tryEmitValue(new Close(code, reason));
	}

	/** Drops the latest session's TCP connection without a close frame. */
	void dropConnection() {
		Connection connection = requireSession().connection.get();
		if (connection != null) {
			connection.channel().close();
		}
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(10));
	}

	private Session requireSession() {
		Session session = this.current.get();
		if (session == null) {
			throw new IllegalStateException("no probe connected");
		}
		return session;
	}

	private Mono<Void> handle(WebsocketInbound in, WebsocketOutbound out) {
		Session session = new Session(this.sessions.incrementAndGet());
		this.current.set(session);
		in.withConnection(session.connection::set);
		Mono<Void> inbound = in.aggregateFrames(Protocol.MAX_FRAME_BYTES)
			.receiveFrames()
			.ofType(TextWebSocketFrame.class)
			.map(frame -> this.codec.decodeProbeFrame(frame.text()))
			.doOnNext(frame -> record(frame, session))
			.then();
		Mono<Void> outbound = out.sendString(session.toProbe.asFlux()).then();
		Mono<Void> close = session.closeRequest.asMono().flatMap(request -> out.sendClose(request.code(), request.reason()));
		return Mono.firstWithSignal(Mono.when(inbound, outbound), close)
			.doFinally(signal -> this.ended.tryEmitNext(session.number));
	}

	private void record(ProbeFrame frame, Session session) {
		synchronized (this.received) {
			this.received.tryEmitNext(frame);
		}
		if (frame instanceof Hello hello) {
			answerHello(hello, session);
		}
	}

	private void answerHello(Hello hello, Session session) {
		switch (this.onHello) {
			case WELCOME -> send(new Welcome(hello.name(), "fake", Protocol.VERSION, this.pingIntervalMillis,
					this.creditInResult));
			case CLOSE_UNAUTHORIZED -> session.closeRequest.tryEmitValue(new Close(Protocol.CLOSE_UNAUTHORIZED, REFUSED));
			case CLOSE_UNSUPPORTED_VERSION ->
				session.closeRequest.tryEmitValue(new Close(Protocol.CLOSE_UNSUPPORTED_VERSION, REFUSED));
			case ERROR_UNAUTHORIZED -> send(new ErrorFrame(ErrorFrame.UNAUTHORIZED, "unknown token", null));
			case IGNORE -> {
				// say nothing
			}
		}
	}

	/** A close frame to send. */
	private record Close(int code, String reason) {
	}

	/** One probe connection. */
	private static final class Session {

		final int number;

		final Sinks.Many<String> toProbe = Sinks.many().unicast().onBackpressureBuffer();

		final Sinks.One<Close> closeRequest = Sinks.one();

		final AtomicReference<@Nullable Connection> connection = new AtomicReference<>();

		Session(int number) {
			this.number = number;
		}
	}
}
