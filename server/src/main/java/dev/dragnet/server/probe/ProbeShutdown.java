package dev.dragnet.server.probe;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import dev.dragnet.protocol.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Hands the probes on when the server stops gracefully: each session may finish the tasks it holds for up to
 * {@code dragnet.probes.shutdown-drain}, then is closed with 1001 and a {@link Protocol#RETRY_AFTER} advice of a
 * random wait up to {@code dragnet.probes.reconnect-spread}, so the fleet moves to the other instances spread out
 * rather than all at once. Hellos that arrive meanwhile are refused the same way. It stops before the web server's
 * graceful shutdown, which would otherwise wait its whole timeout for the open probe sessions.
 */
@Component
class ProbeShutdown implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ProbeShutdown.class);

	private static final Duration DRAIN_POLL = Duration.ofMillis(50);

	/** How long a closed session may take to record its end before the shutdown goes on without it. */
	private static final Duration RECORD_END = Duration.ofSeconds(2);

	static final String SHUTTING_DOWN = "the server is shutting down";

	private final ProbeRegistry registry;

	private final ProbeProperties properties;

	private volatile boolean running;

	private volatile boolean stopping;

	ProbeShutdown(ProbeRegistry registry, ProbeProperties properties) {
		this.registry = registry;
		this.properties = properties;
	}

	/** Whether the server is stopping: new probe sessions are refused. */
	boolean stopping() {
		return this.stopping;
	}

	/** How a session is closed because the server stops: 1001 with a random wait up to the spread. */
	CloseStatus goingAway() {
		return new CloseStatus(Protocol.CLOSE_GOING_AWAY, Protocol.closeReason(SHUTTING_DOWN, shutdownWait()));
	}

	/** The wait advised to a probe sent away because the server stops: random, up to the whole spread. */
	Duration shutdownWait() {
		return spreadWait(0);
	}

	/** The wait advised to a probe refused for load: random, at least half of the spread, at most all of it. */
	Duration loadWait() {
		return spreadWait(0.5);
	}

	/** A random wait from {@code least} of the spread up to the whole spread. */
	private Duration spreadWait(double least) {
		long spread = this.properties.reconnectSpread().toMillis();
		long from = (long) (spread * least);
		return Duration.ofMillis((spread > from) ? ThreadLocalRandom.current().nextLong(from, spread + 1) : spread);
	}

	@Override
	public void start() {
		this.running = true;
		this.stopping = false;
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	@Override
	public void stop(Runnable callback) {
		this.stopping = true;
		int sessions = this.registry.sessions().size();
		if (sessions > 0) {
			logger.info("server stopping: {} probe session(s) finish their tasks for up to {}, then are closed and told to"
					+ " come back within {}", sessions, this.properties.shutdownDrain(), this.properties.reconnectSpread());
		}
		Flux.fromIterable(this.registry.sessions())
			.flatMap(this::drainAndClose)
			.then()
			.doFinally((signal) -> {
				this.running = false;
				callback.run();
			})
			.subscribe(null, (ex) -> logger.warn("handing the probes on failed: {}", ex.toString()));
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private Mono<Void> drainAndClose(ProbeSession session) {
		return Flux.interval(Duration.ZERO, DRAIN_POLL, Schedulers.parallel())
			.filter((tick) -> session.inFlight() == 0 || !session.isEffective())
			.next()
			.timeout(this.properties.shutdownDrain(), Mono.just(-1L), Schedulers.parallel())
			.doOnNext((tick) -> session.kick(goingAway()))
			// The web server and the database go next: let the session record its end first.
			.then(session.ended().timeout(RECORD_END, Mono.empty(), Schedulers.parallel()));
	}
}
