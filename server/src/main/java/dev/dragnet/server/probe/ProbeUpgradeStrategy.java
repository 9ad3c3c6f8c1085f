package dev.dragnet.server.probe;

import java.net.URI;
import java.util.Map;
import java.util.function.Supplier;

import dev.dragnet.protocol.Protocol;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Upgrades a probe's connection to a WebSocket on Reactor Netty, like Spring's {@code ReactorNettyRequestUpgradeStrategy},
 * but keeps none of the upgrade request for the session's life: a probe session lasts days and a server holds tens of
 * thousands, and nothing after the hello reads the request. Its handshake info has the remote address and
 * sub-protocol only (no copy of the headers, no cookies, no exchange attributes, a shared URI, no principal, which
 * would hold the exchange); the transport's request and response headers are cleared once the upgrade is done;
 * and the handler's publisher gets no per-session checkpoint description.
 */
final class ProbeUpgradeStrategy implements RequestUpgradeStrategy {

	private static final URI PROBE_URI = URI.create(Protocol.PATH);

	private static final MultiValueMap<String, HttpCookie> NO_COOKIES = CollectionUtils
		.unmodifiableMultiValueMap(new LinkedMultiValueMap<>(0));

	private final Supplier<WebsocketServerSpec.Builder> spec;

	ProbeUpgradeStrategy(Supplier<WebsocketServerSpec.Builder> spec) {
		this.spec = spec;
	}

	@Override
	public Mono<Void> upgrade(ServerWebExchange exchange, WebSocketHandler handler, @Nullable String subProtocol,
			Supplier<HandshakeInfo> handshakeInfoFactory) {
		ServerHttpResponse response = exchange.getResponse();
		HttpServerResponse reactorResponse = ServerHttpResponseDecorator.getNativeResponse(response);
		HandshakeInfo info = slim(handshakeInfoFactory.get());
		NettyDataBufferFactory bufferFactory = (NettyDataBufferFactory) response.bufferFactory();
		WebsocketServerSpec.Builder builder = this.spec.get();
		if (subProtocol != null) {
			builder.protocols(subProtocol);
		}
		WebsocketServerSpec spec = builder.build();
		// setComplete runs WebFlux's pre-commit actions before the upgrade, as Spring's strategy does.
		return response.setComplete()
			.then(Mono.defer(() -> reactorResponse.sendWebsocket((in, out) -> {
				// The upgrade is done: the request's headers and the 101 response's were read and written by the
				// handshake, and nothing reads them again.
				in.headers().clear();
				if (out instanceof HttpServerResponse upgraded) {
					upgraded.responseHeaders().clear();
				}
				return handler.handle(new ReactorNettyWebSocketSession(in, out, info, bufferFactory,
						spec.maxFramePayloadLength()));
			}, spec)));
	}

	/** What a probe session needs of its handshake: the remote address (and a sub-protocol, were one asked for). */
	static HandshakeInfo slim(HandshakeInfo info) {
		return new HandshakeInfo(PROBE_URI, HttpHeaders.EMPTY, NO_COOKIES, Mono.empty(), info.getSubProtocol(),
				info.getRemoteAddress(), Map.of(), info.getLogPrefix());
	}
}
