package dev.dragnet.server.web;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Signals that the server is stopping, before the web server's graceful shutdown starts waiting for open
 * requests. Endless responses (event streams) end on it; otherwise each would hold the shutdown for its whole
 * timeout. Browsers reconnect to the next server run on their own.
 */
@Component
public class ServerStopping implements SmartLifecycle {

	private final Sinks.Empty<Void> stopping = Sinks.empty();

	private volatile boolean running;

	/** Completes when the server starts to stop. */
	public Mono<Void> signal() {
		return this.stopping.asMono();
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.stopping.tryEmitEmpty();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}
}
