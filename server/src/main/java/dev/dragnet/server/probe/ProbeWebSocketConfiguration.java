package dev.dragnet.server.probe;

import java.util.Map;

import dev.dragnet.protocol.Protocol;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import reactor.netty.http.server.WebsocketServerSpec;

/** Maps the probe endpoint and caps the frame size the server accepts from probes. */
@Configuration(proxyBeanMethods = false)
class ProbeWebSocketConfiguration {

	@Bean
	HandlerMapping probeWebSocketMapping(ProbeWebSocketHandler handler) {
		return new SimpleUrlHandlerMapping(Map.of(Protocol.PATH, handler), Ordered.HIGHEST_PRECEDENCE);
	}

	/**
	 * The upgrade of a probe connection is not observed as an HTTP request: the observation, with the exchange it
	 * describes, would stay in the session's Reactor context for the session's whole life, kilobytes per probe.
	 */
	@Bean
	ObservationPredicate probeSessionsNotObservedAsRequests() {
		return (name, context) -> !(context instanceof ServerRequestObservationContext request
				&& Protocol.PATH.equals(request.getCarrier().getURI().getRawPath()));
	}

	@Bean
	WebSocketHandlerAdapter webSocketHandlerAdapter() {
		// A frame above the cap closes that probe's connection with 1009 (message too big); others are untouched.
		// Frames up to twice the cap are read whole and refused by the handler, so that the close handshake reaches
		// the probe; a larger one is cut off by the transport, which may reset the connection instead.
		// No permessage-deflate (Reactor Netty's default, kept on purpose): probe frames are small JSON, and every
		// connection that negotiated it would keep zlib state of its own. The upgrade keeps nothing of the request for the session's life (ProbeUpgradeStrategy).
		ProbeUpgradeStrategy strategy = new ProbeUpgradeStrategy(() -> WebsocketServerSpec.builder()
			.maxFramePayloadLength(2 * Protocol.MAX_FRAME_BYTES)
			.compress(false));
		return new WebSocketHandlerAdapter(new HandshakeWebSocketService(strategy));
	}
}
