package dev.dragnet.server.whois.port43;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * The WHOIS front door: a Reactor Netty {@link TcpServer} on {@code dragnet.whois.port43.address} and
 * {@code .port}, started and stopped with the application context. It stops before the web server and the
 * probe sessions, and starts after them.
 */
public final class Port43Server implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(Port43Server.class);

	private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private final Port43Properties properties;

	private final Port43Handler handler;

	private volatile @Nullable DisposableServer server;

	Port43Server(Port43Properties properties, Port43Handler handler) {
		this.properties = properties;
		this.handler = handler;
	}

	@Override
	public void start() {
		try {
			DisposableServer bound = TcpServer.create()
				.host(this.properties.address())
				.port(this.properties.port())
				.handle(this.handler)
				.bindNow(BIND_TIMEOUT);
			this.server = bound;
			logger.info("WHOIS front door listening on {}:{}", this.properties.address(), bound.port());
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("cannot listen for WHOIS on " + this.properties.address() + ":"
					+ this.properties.port() + " (ports below 1024 need root or CAP_NET_BIND_SERVICE; see"
					+ " dragnet.whois.port43.port): " + ex.getMessage(), ex);
		}
	}

	@Override
	public void stop() {
		DisposableServer bound = this.server;
		if (bound != null) {
			this.server = null;
			bound.disposeNow(STOP_TIMEOUT);
			logger.info("WHOIS front door on port {} stopped", bound.port());
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

	/** The port the front door listens on: the configured one, or the one picked for port 0. */
	public int port() {
		DisposableServer bound = this.server;
		if (bound == null) {
			throw new IllegalStateException("the WHOIS front door is not running");
		}
		return bound.port();
	}
}
