package dev.dragnet.testbed.whois;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.Unpooled;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * One query on one connection, as a {@link WhoisBehaviour} sees it: the query line and a way to write bytes.
 *
 * <p>Writes go through Reactor Netty's outbound, which asks the source for more only while the channel is
 * writable, so a client that stops reading stops the source too.
 */
final class WhoisExchange {

	private final String query;

	private final Connection connection;

	private final LongAdder bytesProduced;

	WhoisExchange(String query, Connection connection, LongAdder bytesProduced) {
		this.query = query;
		this.connection = connection;
		this.bytesProduced = bytesProduced;
	}

	/** The query line as received, without its line end. */
	String query() {
		return this.query;
	}

	/** The client's IP address, as text ({@code 127.0.0.1}). */
	String clientAddress() {
		if (this.connection.channel().remoteAddress() instanceof InetSocketAddress remote) {
			return remote.getAddress().getHostAddress();
		}
		return String.valueOf(this.connection.channel().remoteAddress());
	}

	/** Writes all of {@code bytes} and completes once they are handed to the socket. */
	Mono<Void> send(byte[] bytes) {
		return send(Mono.just(bytes));
	}

	/** Writes each chunk as it comes, flushing each one, and completes when the chunks end and are written. */
	Mono<Void> send(Publisher<byte[]> chunks) {
		Flux<byte[]> counted = Flux.from(chunks).doOnNext((chunk) -> this.bytesProduced.add(chunk.length));
		return this.connection.outbound().send(counted.map(Unpooled::wrappedBuffer), (buffer) -> true).then();
	}

	@Override
	public String toString() {
		return "'" + this.query + "' from " + this.connection.channel().remoteAddress();
	}

}
