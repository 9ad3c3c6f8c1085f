package dev.dragnet.server.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.dragnet.protocol.Protocol;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Liveness and persistence of every probe session, in one shared sweep instead of timers per session. Each ping
 * interval is cut into {@value #SLICES} slices; every slice the sweep visits the sessions of that slice (by their id),
 * so each session is visited once per interval and a large fleet's pings and writes are spread over the interval
 * rather than sent at once. A visit closes a session that missed {@code missedPings} pings in a row with
 * {@link Protocol#CLOSE_MISSED_PINGS} (see {@link Heartbeat}), else pings it; the slice's sessions then have their
 * last-seen time and counters saved, a batch at a time. A save that cannot keep up is skipped, never queued: the
 * next one of the session carries its counters.
 */
@Component
class ProbeSweep implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ProbeSweep.class);

	/** Slices of one ping interval: a session is visited in one of them. */
	static final int SLICES = 10;

	private final ProbeRegistry registry;

	private final Duration interval;

	private final int missedPings;

	private final Function<List<ProbeSession>, Mono<Void>> save;

	private volatile @Nullable Disposable running;

	@Autowired
	ProbeSweep(ProbeRegistry registry, ProbeRepository repository, ProbeProperties properties) {
		this(registry, properties.pingInterval(), properties.missedPings(), repository::touchAll);
	}

	ProbeSweep(ProbeRegistry registry, Duration interval, int missedPings,
			Function<List<ProbeSession>, Mono<Void>> save) {
		this.registry = registry;
		this.interval = interval;
		this.missedPings = missedPings;
		this.save = save;
	}

	/**
	 * Sweeps on {@code scheduler} until cancelled, one slice per tick; emits each slice's visit once its sessions
	 * are saved (or the save failed, which is logged). Never completes on its own.
	 */
	Flux<Visit> run(Scheduler scheduler) {
		int slices = slices(this.interval);
		return Flux.interval(this.interval.dividedBy(slices), scheduler)
			.map((tick) -> visit((int) (tick % slices), slices))
			.onBackpressureDrop((visit) -> logger.debug("the database is slow: {} probe(s) not saved this round",
					visit.saved().size()))
			.concatMap(this::saved, 1);
	}

	/** Pings or closes every open session of {@code slice}; returns what it did and the sessions to save. */
	Visit visit(int slice, int slices) {
		List<ProbeSession> open = new ArrayList<>();
		List<String> closed = new ArrayList<>();
		int pinged = 0;
		for (ProbeSession session : this.registry.live()) {
			if (!session.isEffective() || Math.floorMod(session.id().hashCode(), slices) != slice) {
				continue;
			}
			long missed = session.heartbeat().missed();
			if (missed >= this.missedPings) {
				session.kick(new CloseStatus(Protocol.CLOSE_MISSED_PINGS,
						Protocol.closeReason("missed " + missed + " pings in a row")));
				closed.add(session.name());
				continue;
			}
			session.ping(session.heartbeat().next());
			pinged++;
			open.add(session);
		}
		return new Visit(slice, pinged, closed, open);
	}

	private Mono<Visit> saved(Visit visit) {
		if (visit.saved().isEmpty()) {
			return Mono.just(visit);
		}
		return this.save.apply(visit.saved()).onErrorResume((ex) -> {
			logger.error("could not save the state of {} probe(s): {}", visit.saved().size(), ex.toString());
			return Mono.empty();
		}).thenReturn(visit);
	}

	/** As many slices as the interval has milliseconds, up to {@value #SLICES}. */
	static int slices(Duration interval) {
		return (int) Math.max(1, Math.min(SLICES, interval.toMillis()));
	}

	@Override
	public void start() {
		this.running = run(Schedulers.parallel()).subscribe(null,
				(ex) -> logger.error("probe liveness checks stopped: {}", ex.toString()));
	}

	@Override
	public void stop() {
		Disposable sweeping = this.running;
		if (sweeping != null) {
			sweeping.dispose();
		}
		this.running = null;
	}

	@Override
	public boolean isRunning() {
		return this.running != null;
	}

	/**
	 * One slice's visit.
	 *
	 * @param slice which slice
	 * @param pinged sessions pinged
	 * @param closed probes whose sessions were closed for missed pings
	 * @param saved sessions whose state was saved
	 */
	record Visit(int slice, int pinged, List<String> closed, List<ProbeSession> saved) {
	}
}
