package dev.dragnet.server.probe;

import java.util.Map;

import dev.dragnet.protocol.Protocol;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;

/** Maps the probe endpoint and caps the frame size the server accepts from probes. */
@Configuration(proxyBeanMethods = false)
class ProbeWebSocketConfiguration {

	@Bean
	HandlerMapping probeWebSocketMapping(ProbeWebSocketHandler handler) {
		return new SimpleUrlHandlerMapping(Map.of(Protocol.PATH, handler), Ordered.HIGHEST_PRECEDENCE);
	}

	@Bean
	WebSocketHandlerAdapter webSocketHandlerAdapter() {
		// A frame above the cap closes that probe's connection with 1009 (message too big); others are untouched.
		// Frames up to twice the cap are read whole and refused by the handler, so that the close handshake reaches
		// the probe; a larger one is cut off by the transport, which may reset the connection instead.
		ReactorNettyRequestUpgradeStrategy strategy = new ReactorNettyRequestUpgradeStrategy(
				() -> WebsocketServerSpec.builder().maxFramePayloadLength(2 * Protocol.MAX_FRAME_BYTES));
		return new WebSocketHandlerAdapter(new HandshakeWebSocketService(strategy));
	}
}
