package dev.dragnet.server.cluster;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.server.dispatch.TargetStatistics;
import dev.dragnet.server.dispatch.TrafficSeries;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Calls another instance's internal endpoints over HTTP with the cluster secret: built in small steps (a bounded
 * pool per instance, a connect timeout, the secret header); every call has a deadline and a byte cap on its
 * answer.
 */
@Component
class PeerClient implements DisposableBean {

	/**
	 * Byte cap of a forwarded lookup's answer: a probe's answer arrived in one frame of at most
	 * {@link Protocol#MAX_FRAME_BYTES}, and the same mapper escapes its text the same way, so the answer of any
	 * allowed size fits, with room for the attempts.
	 */
	static final int MAX_REPLY_BYTES = Protocol.MAX_FRAME_BYTES + 256 * 1024;

	/** Byte cap of another instance's statistics (a few hundred bytes per WHOIS server). */
	static final int MAX_STATS_BYTES = 8 * 1024 * 1024;

	private final ConnectionProvider pool;

	private final HttpClient http;

	private final ClusterCodec codec = new ClusterCodec();

	PeerClient(ClusterProperties properties, ClusterSecret secret, ClusterMembership membership) {
		this.pool = ConnectionProvider.builder("dragnet-peers")
			.maxConnections(properties.peerConnections())
			.pendingAcquireMaxCount(properties.peerConnections() * 16)
			.pendingAcquireTimeout(Duration.ofHours(1)) // each call's own deadline ends a wait first
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
		String value = secret.value();
		this.http = HttpClient.create(this.pool)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
					properties.connectTimeout().toMillis()))
			.headers((headers) -> headers.set(ClusterSecret.HEADER, (value != null) ? value : "")
				.set("Dragnet-Instance", membership.id())
				.set(HttpHeaderNames.USER_AGENT, "dragnet-server"));
	}

	/** Asks the instance at {@code base} to run {@code task}; its reply within {@code deadline}. */
	Mono<ForwardReply> forward(URI base, ForwardedTask task, Duration deadline) {
		byte[] body = this.codec.write(task);
		return this.http.headers((headers) -> headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
				.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length))
			.post()
			.uri(resolve(base, "/internal/cluster/tasks"))
			.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
			.response((response, content) -> read(content, MAX_REPLY_BYTES)
				.map((bytes) -> new Reply(response.status().code(), bytes)))
			.next()
			.timeout(deadline)
			.map((reply) -> this.codec.reply(reply.ok()));
	}

	/** The statistics of the instance at {@code base}, within {@code deadline}. */
	Mono<List<TargetStatistics.TargetStats>> stats(URI base, Duration deadline) {
		return this.http.get()
			.uri(resolve(base, "/internal/cluster/stats"))
			.response((response, content) -> read(content, MAX_STATS_BYTES)
				.map((bytes) -> new Reply(response.status().code(), bytes)))
			.next()
			.timeout(deadline)
			.map((reply) -> this.codec.stats(reply.ok()));
	}

	/** The last minute of attempts of the instance at {@code base}, within {@code deadline}. */
	Mono<TrafficSeries.Traffic> traffic(URI base, Duration deadline) {
		return this.http.get()
			.uri(resolve(base, "/internal/cluster/traffic"))
			.response((response, content) -> read(content, MAX_STATS_BYTES)
				.map((bytes) -> new Reply(response.status().code(), bytes)))
			.next()
			.timeout(deadline)
			.map((reply) -> this.codec.traffic(reply.ok()));
	}

	private static Mono<byte[]> read(ByteBufFlux content, int cap) {
		return content.asByteArray().reduceWith(ByteArrayOutputStream::new, (out, chunk) -> {
			if (out.size() + chunk.length > cap) {
				throw new PeerCallException("the answer is larger than " + cap + " bytes", 0);
			}
			out.writeBytes(chunk);
			return out;
		}).map(ByteArrayOutputStream::toByteArray).defaultIfEmpty(new byte[0]);
	}

	private static String resolve(URI base, String path) {
		String text = base.toString();
		return (text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path;
	}

	@Override
	public void destroy() {
		this.pool.dispose();
	}

	/** An HTTP answer: its status and body. */
	private record Reply(int status, byte[] body) {

		/** The body of a 200, else the failure. */
		byte[] ok() {
			if (this.status != 200) {
				String text = new String(this.body, 0, Math.min(this.body.length, 300), StandardCharsets.UTF_8);
				throw new PeerCallException("answered HTTP " + this.status + ": " + text.replaceAll("\\p{Cntrl}", " "),
						this.status);
			}
			return this.body;
		}
	}

	/** A call another instance answered with something other than its reply. */
	static final class PeerCallException extends RuntimeException {

		private final int status;

		PeerCallException(String message, int status) {
			super(message, null, false, false);
			this.status = status;
		}

		/** The HTTP status it answered, 0 when the failure was not a status. */
		int status() {
			return this.status;
		}
	}
}
