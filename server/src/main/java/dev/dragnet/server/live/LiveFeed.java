package dev.dragnet.server.live;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.dragnet.server.web.ServerStopping;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The live feed behind the status page and {@code GET /api/events}.
 *
 * <p>While at least one client watches, the state (the fleet summary, WHOIS traffic, campaigns, the database) is
 * sampled every {@link LiveProperties#sampleInterval()}, once for all clients; a part that differs from the previous
 * sample gets a new version. The probes that changed within a sample make one {@code probes-changed} event, and the
 * latest {@value #CHANGES_KEPT} of those are kept. Alerts are published as they happen and the latest
 * {@value #ALERTS_KEPT} are kept. The probe list itself is never sent: clients page through
 * {@code GET /api/probes}, and read it again when probes change.
 *
 * <p>Each client reads the samples at its own pace, holding at most one unread sample (the latest), and is sent
 * only what is newer than what it has seen: a slow browser skips intermediate states and never makes the server
 * hold more for it. Streams end when the server stops ({@link ServerStopping}).
 *
 * <p>Event ids are {@code <run>-<version>}; a browser that reconnects with {@code Last-Event-ID} from this server
 * run gets only the changes it missed, one from another run (the server restarted) gets everything. A client that
 * missed probe changes no longer kept gets a {@code probes-resync} event instead of them: it reads the table again.
 */
@Component
public class LiveFeed {

	private static final Logger logger = LoggerFactory.getLogger(LiveFeed.class);

	static final int ALERTS_KEPT = 50;

	/** {@code probes-changed} events kept for clients that are behind: 10 s of samples at the default interval. */
	static final int CHANGES_KEPT = 20;

	private final String run = Long.toString(System.currentTimeMillis(), 36) + "x"
			+ Integer.toString(new SecureRandom().nextInt(1 << 20), 36);

	private final Instant startedAt = Instant.now();

	private final AtomicLong versions = new AtomicLong();

	private final Map<String, LiveState.Part> parts = new LinkedHashMap<>();

	private final Deque<LiveState.Part> alerts = new ArrayDeque<>();

	private final Deque<LiveState.Part> changes = new ArrayDeque<>();

	/** The version of the newest probe change dropped from {@link #changes}. */
	private long changesLost;

	private final LiveProperties properties;

	private final Flux<LiveState> states;

	private final AtomicReference<LiveState> latest = new AtomicReference<>(new LiveState(List.of(), List.of()));

	private final Mono<Void> stopping;

	private final Scheduler clock;

	@Autowired
	LiveFeed(LiveSampler sampler, LiveProperties properties, ServerStopping stopping) {
		this(sampler::sample, properties, stopping.signal(), Schedulers.parallel());
	}

	/**
	 * @param sampler the current state, part by part (event name to data), in the order the parts are sent, and the
	 * probe changes since the previous sample
	 * @param stopping completes when the server stops; every stream ends then
	 * @param clock times the samples and heartbeats
	 */
	LiveFeed(Supplier<Mono<LiveSample>> sampler, LiveProperties properties, Mono<Void> stopping,
			Scheduler clock) {
		this.properties = properties;
		this.stopping = stopping;
		this.clock = clock;
		this.states = Flux.interval(properties.sampleInterval(), clock)
			.startWith(0L)
			.onBackpressureDrop()
			.concatMap((tick) -> Mono.defer(sampler).map(this::state).onErrorResume((ex) -> {
				logger.warn("could not sample the live state: {}", ex.toString());
				return Mono.empty();
			}), 1)
			.replay(1)
			.refCount();
	}

	/** Publishes an alert to every watching client, and to those that connect while it is among the latest. */
	public void alert(Object alert) {
		synchronized (this.parts) {
			this.alerts.addLast(new LiveState.Part("alert", this.versions.incrementAndGet(), alert));
			while (this.alerts.size() > ALERTS_KEPT) {
				this.alerts.removeFirst();
			}
		}
	}

	/**
	 * The event stream of one client: a {@code hello} event (server run, and the version it resumes from), then
	 * {@code fleet}, {@code whois}, {@code campaigns}, {@code database} and {@code alert} events as they change,
	 * {@code probes-changed} events once it has a state to change (not before its first sample), a
	 * {@code probes-resync} when it missed changes no longer kept, and a comment line every
	 * {@link LiveProperties#heartbeat()}. Never completes on its own.
	 * @param lastEventId the {@code Last-Event-ID} the browser sent on reconnecting, if any
	 */
	public Flux<ServerSentEvent<Object>> events(@Nullable String lastEventId) {
		long seen = seen(lastEventId);
		AtomicLong cursor = new AtomicLong(seen);
		ServerSentEvent<Object> hello = ServerSentEvent.<Object>builder(new Hello(this.run, this.startedAt, seen))
			.event("hello")
			.retry(this.properties.retry())
			.build();
		// The samples and the heartbeat are only ticks; a client holds at most one unread tick (the latest), and what a
		// tick sends is read from the latest state. A part that a newer sample replaced while the client was slow is
		// skipped when its turn comes, and the newer one follows with the next tick.
		Flux<Boolean> ticks = Flux.merge(this.states.map((state) -> Boolean.TRUE),
				Flux.interval(this.properties.heartbeat(), this.clock).map((tick) -> Boolean.FALSE))
			.onBackpressureLatest();
		Flux<ServerSentEvent<Object>> events = ticks.concatMap((sample) -> {
			if (!sample) {
				return Mono.just(ServerSentEvent.<Object>builder().comment("heartbeat").build());
			}
			LiveState state = this.latest.get();
			long from = cursor.get();
			List<LiveState.Part> news = state.since(from);
			cursor.accumulateAndGet(state.version(), Math::max);
			Flux<ServerSentEvent<Object>> sent = Flux.fromIterable(news).filter(this::current).map(this::event);
			return state.missedChanges(from) ? Flux.concat(Mono.just(resync()), sent) : sent;
		}, 1);
		return Flux.concat(Mono.just(hello), events).takeUntilOther(this.stopping);
	}

	/** Whether {@code part} is still the latest of its kind; alerts always are. */
	private boolean current(LiveState.Part part) {
		return this.latest.get().current(part);
	}

	private long seen(@Nullable String lastEventId) {
		if (lastEventId == null) {
			return 0;
		}
		int dash = lastEventId.lastIndexOf('-');
		if (dash < 0 || !lastEventId.substring(0, dash).equals(this.run)) {
			return 0;
		}
		try {
			long version = Long.parseLong(lastEventId.substring(dash + 1));
			return (version >= 0 && version <= this.versions.get()) ? version : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static ServerSentEvent<Object> resync() {
		return ServerSentEvent.<Object>builder(new Resync("more probes changed than are kept while you were behind"))
			.event("probes-resync")
			.build();
	}

	private ServerSentEvent<Object> event(LiveState.Part part) {
		return ServerSentEvent.builder(part.data()).event(part.event()).id(this.run + "-" + part.version()).build();
	}

	private LiveState state(LiveSample sample) {
		synchronized (this.parts) {
			sample.parts().forEach(this::update);
			if (sample.changes() != null) {
				this.changes.addLast(new LiveState.Part("probes-changed", this.versions.incrementAndGet(), sample.changes()));
				while (this.changes.size() > CHANGES_KEPT) {
					this.changesLost = this.changes.removeFirst().version();
				}
			}
			LiveState state = new LiveState(List.copyOf(this.parts.values()), List.copyOf(this.alerts),
					List.copyOf(this.changes), this.changesLost);
			this.latest.set(state);
			return state;
		}
	}

	private void update(String event, Object data) {
		LiveState.Part previous = this.parts.get(event);
		if (previous == null || !previous.data().equals(data)) {
			this.parts.put(event, new LiveState.Part(event, this.versions.incrementAndGet(), data));
		}
	}

	/**
	 * The first event of every stream.
	 *
	 * @param run identifies this server run; ids from another run mean the server restarted
	 * @param startedAt when this server run started
	 * @param resumedFrom the version the stream resumes after (0: everything is sent)
	 */
	public record Hello(String run, Instant startedAt, long resumedFrom) {
	}

	/**
	 * The {@code probes-resync} event: the client missed probe changes that are no longer kept, and reads the probe
	 * table again.
	 *
	 * @param reason why
	 */
	public record Resync(String reason) {
	}
}
