package dev.dragnet.server.e2e;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.dragnet.protocol.FrameCodec;
import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.ProbeFrame;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.ServerFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * A hand-driven probe connection for tests that must misbehave: send raw text, skip pongs, send huge
 * frames. Reads what the server sends into a queue; the test thread polls it.
 */
final class RawProbe implements AutoCloseable {

	private final FrameCodec codec = new FrameCodec();

	private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();

	private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	private final Sinks.One<WebSocketCloseStatus> closed = Sinks.one();

	private final Disposable connection;

	RawProbe(int port) {
		this.connection = HttpClient.create()
			.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(8 * 1024 * 1024).build())
			.uri("ws://127.0.0.1:" + port + Protocol.PATH)
			.handle((in, out) -> {
				in.receiveCloseStatus().subscribe(this.closed::tryEmitValue);
				Mono<Void> reading = in.aggregateFrames(8 * 1024 * 1024)
					.receive()
					.asString()
					.doOnNext(this.received::add)
					.then();
				return Mono.when(reading, out.sendString(this.outbound.asFlux()).then());
			})
			.subscribe(null, (ex) -> this.closed.tryEmitValue(WebSocketCloseStatus.ABNORMAL_CLOSURE));
	}

	RawProbe hello(String name, String token, int concurrency) {
		return hello(name, token, concurrency, List.of(Protocol.CAPABILITY_WHOIS));
	}

	RawProbe hello(String name, String token, int concurrency, List<String> capabilities) {
		return send(new Hello(name, token, "raw", Protocol.VERSION, capabilities, concurrency));
	}

	RawProbe send(ProbeFrame frame) {
		return sendText(this.codec.encode(frame));
	}

	RawProbe sendText(String text) {
		this.outbound.tryEmitNext(text);
		return this;
	}

	/** The next frame from the server, waiting at most {@code timeout}; null if none came. */
	@Nullable ServerFrame next(Duration timeout) throws InterruptedException {
		String text = this.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		return (text != null) ? this.codec.decodeServerFrame(text) : null;
	}

	/** The next frame of the given type, skipping others (pings, say). */
	<T extends ServerFrame> @Nullable T next(Class<T> type, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			ServerFrame frame = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			if (type.isInstance(frame)) {
				return type.cast(frame);
			}
		}
		return null;
	}

	/** The close status the server sent, waiting at most {@code timeout}. */
	@Nullable WebSocketCloseStatus closeStatus(Duration timeout) {
		return this.closed.asMono().timeout(timeout, Mono.empty()).block();
	}

	@Override
	public void close() {
		this.connection.dispose();
	}
}
