package dev.dragnet.server.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.RdapQuery;
import dev.dragnet.protocol.Task;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.TaskWork;
import dev.dragnet.protocol.WhoisQuery;
import dev.dragnet.server.probe.ProbeGoneException;
import dev.dragnet.server.probe.ProbeRegistry;
import dev.dragnet.server.probe.ProbeSession;
import dev.dragnet.server.schedule.Frontier;
import dev.dragnet.server.schedule.Lane;
import dev.dragnet.server.schedule.ScheduleProperties;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * The single entry point of WHOIS and RDAP work: coalesces identical lookups in flight, waits in the
 * {@link Frontier} for a probe that may start the query now, sends it, and resolves with the result. An attempt
 * that times out or fails in a way another probe might not is retried on a different probe, up to
 * {@code dragnet.dispatch.max-attempts}; an attempt lost to a probe's death or to a throttle does not count
 * (bounded by {@code dragnet.schedule.max-requeues}). The attempt deadline starts when the task is sent, so
 * waiting for a turn never times an attempt out. See docs/SCHEDULING.md.
 *
 * <p>In a fleet of several instances, new lookups are spread over the instances in proportion to their probes, and a
 * lookup this instance's frontier cannot place (no local probe may take it,
 * every local one rests from its target, or the estimated wait is longer than the lookup may wait) is forwarded
 * to another instance through the {@link TaskForwarder}, which runs it through its own dispatcher and frontier;
 * a forwarded lookup is never forwarded again. See docs/CLUSTER.md.
 */
@Service
public class TaskDispatcher implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(TaskDispatcher.class);

	/** Context key marking a lookup another instance forwarded here: it runs on this instance's probes only. */
	private static final String FORWARDED = "dragnet.dispatch.forwarded";

	private final DispatchProperties properties;

	private final ScheduleProperties schedule;

	private final Scheduler timer;

	private final AtomicLong ids = new AtomicLong();

	private final String idPrefix = Long.toString(System.currentTimeMillis(), 36) + "-";

	private final Cooldowns cooldowns;

	private final TargetStatistics statistics;

	private final Frontier frontier;

	private final Map<FlightKey, Flight> flights = new ConcurrentHashMap<>();

	private final LongAdder coalesced = new LongAdder();

	/** Unnamed throttles per (probe, target), for their doubling rests; one small entry per pair ever throttled. */
	private final Map<String, Strike> strikes = new ConcurrentHashMap<>();

	private final ProbeRegistry registry;

	/** Other instances to forward to; null on a single instance (and in most unit tests). */
	private volatile @Nullable TaskForwarder forwarder;

	@Autowired
	TaskDispatcher(ProbeRegistry registry, DispatchProperties properties, ScheduleProperties schedule,
			Cooldowns cooldowns, TargetStatistics statistics, ObjectProvider<MeterRegistry> meters,
			ObjectProvider<TaskForwarder> forwarder) {
		this(registry, properties, schedule, Schedulers.parallel(), cooldowns, statistics, meters.getIfAvailable());
		this.forwarder = forwarder.getIfAvailable();
	}

	TaskDispatcher(ProbeRegistry registry, DispatchProperties properties, Scheduler timer) {
		this(registry, properties, ScheduleProperties.defaults(), timer, new Cooldowns(timer), new TargetStatistics(),
				null);
	}

	TaskDispatcher(ProbeRegistry registry, DispatchProperties properties, Scheduler timer, Cooldowns cooldowns,
			TargetStatistics statistics) {
		this(registry, properties, ScheduleProperties.defaults(), timer, cooldowns, statistics, null);
	}

	TaskDispatcher(ProbeRegistry registry, DispatchProperties properties, ScheduleProperties schedule, Scheduler timer,
			Cooldowns cooldowns, TargetStatistics statistics, @Nullable MeterRegistry meters) {
		this.properties = properties;
		this.schedule = schedule;
		this.timer = timer;
		this.cooldowns = cooldowns;
		this.statistics = statistics;
		this.registry = registry;
		this.frontier = new Frontier(registry, schedule, timer, cooldowns, properties.maxWaiting(), meters);
		statistics.loads(this.frontier::loads);
		if (meters != null) {
			FunctionCounter.builder("dragnet.schedule.coalesced", this.coalesced, LongAdder::sum)
				.description("Lookups that shared a query already in flight instead of sending their own")
				.register(meters);
		}
	}

	/**
	 * Runs {@code work} on a probe that has {@code capability}. Errors with {@link NoProbeAvailableException}
	 * when no probe could take it, and {@link AttemptsExhaustedException} when every attempt failed.
	 */
	public Mono<Dispatched> dispatch(String capability, TaskWork work) {
		return dispatch(DispatchRequest.of(capability, work, capability));
	}

	/**
	 * Runs the request's work on a probe that has its capability and is not resting from its target. Each
	 * answer passes the request's classifier first; a THROTTLED answer rests that probe for that target
	 * (as long as the server asked, else {@code dragnet.dispatch.throttle-cooldown}), slows its pace there, and
	 * the task moves on at once. The caller's {@link Lane} comes from the Reactor context.
	 */
	public Mono<Dispatched> dispatch(DispatchRequest request) {
		return Mono.deferContextual((context) -> {
			Lane lane = Lane.of(context);
			boolean forwarded = context.getOrDefault(FORWARDED, Boolean.FALSE);
			long arrived = this.timer.now(TimeUnit.MILLISECONDS);
			if (!request.avoid().isEmpty()) {
				// A spot check must be answered by another probe: it never joins a flight in the air.
				Flight own = new Flight();
				Run run = new Run(request, lane, arrived, own, forwarded);
				own.run = run;
				return attempt(run);
			}
			FlightKey key = new FlightKey(request.capability(), request.target(), request.work(), forwarded);
			Flight[] created = new Flight[1];
			Flight flight = this.flights.compute(key, (k, current) -> {
				if (current != null && current.joinable(lane.fresh(), arrived)) {
					return current;
				}
				created[0] = new Flight();
				return created[0];
			});
			if (flight != created[0]) {
				this.coalesced.increment();
				if (lane.interactive()) {
					flight.promote(this.frontier);
				}
				return flight.shared;
			}
			Run run = new Run(request, lane, arrived, flight, forwarded);
			flight.run = run;
			Mono<Dispatched> source = Mono.defer(() -> attempt(run))
				.doOnNext((done) -> this.flights.remove(key, flight))
				.doOnError((ex) -> this.flights.remove(key, flight))
				.doOnCancel(() -> this.flights.remove(key, flight));
			flight.shared = Mono.from(source.flux().publish().refCount(1));
			return flight.shared;
		});
	}

	/**
	 * Runs a lookup another instance forwarded here, on this instance's probes only: it is never forwarded again,
	 * and it shares a query in flight only with other forwarded lookups (so that two instances never wait on each
	 * other's flights).
	 */
	public Mono<Dispatched> dispatchForwarded(DispatchRequest request) {
		return dispatch(request).contextWrite(forwarded());
	}

	private static Function<Context, Context> forwarded() {
		return (context) -> context.put(FORWARDED, Boolean.TRUE);
	}

	/** Uses {@code forwarder} for lookups this instance cannot place (tests; Spring injects it). */
	void forwarder(TaskForwarder forwarder) {
		this.forwarder = forwarder;
	}

	@Override
	public void destroy() {
		this.frontier.close();
	}

	/** Lookups that shared a query in flight, since start. */
	public long coalesced() {
		return this.coalesced.sum();
	}

	private Mono<Dispatched> attempt(Run run) {
		Mono<Dispatched> placed = spreadFirst(run)
				? elsewhere(run, SpreadDeclined.INSTANCE).onErrorResume(SpreadDeclined.class, (declined) -> here(run))
				: here(run);
		return placed
			.onErrorResume(RetryElsewhere.class, (retry) -> {
				if (retry.counted) {
					run.counted++;
				}
				else {
					run.requeues++;
				}
				if (run.counted >= this.properties.maxAttempts() || run.requeues > this.schedule.maxRequeues()) {
					return Mono.error(new AttemptsExhaustedException(run.attempts));
				}
				run.retry = true;
				return attempt(run);
			});
	}

	/** Runs the lookup on this instance's probes, or elsewhere when this instance cannot place it. */
	private Mono<Dispatched> here(Run run) {
		return turn(run).flatMap((grant) -> send(run, grant))
			.onErrorResume(Refused.class, (refused) -> elsewhere(run, refused.error));
	}

	/**
	 * Whether a new lookup goes to another instance first: the fleet's lookups are spread over the instances in
	 * proportion to the effective probes each has for the capability, so that a lookup runs on any probe of the
	 * fleet, whichever instance it reached; each instance then paces its own probes. Never for a lookup forwarded
	 * here, a retry, or on a single instance. An instance that declines sends it back here.
	 */
	private boolean spreadFirst(Run run) {
		TaskForwarder peers = this.forwarder;
		if (peers == null || run.forwarded || run.retry || !run.instancesTried.isEmpty()) {
			return false;
		}
		Set<String> excluded = excluded(run);
		int elsewhere = peers.probesFor(run.capability(), excluded);
		if (elsewhere == 0) {
			return false;
		}
		int here = 0;
		for (ProbeSession session : this.registry.sessions()) {
			if (session.acceptsWork() && session.can(run.capability()) && !excluded.contains(session.name())) {
				here++;
			}
		}
		return ThreadLocalRandom.current().nextInt(here + elsewhere) >= here;
	}

	private Mono<Dispatched> send(Run run, Frontier.Grant grant) {
		return Mono.defer(() -> {
			if (!grant.claim()) {
				return Mono.error(new RetryElsewhere(false));
			}
			ProbeSession probe = grant.probe();
			if (!probe.tryReserve()) {
				// Another target took the probe's last credit in between: the turn goes back, nothing is lost.
				grant.abandon();
				return Mono.error(new RetryElsewhere(false));
			}
			long started = this.timer.now(TimeUnit.MILLISECONDS);
			run.flight.sentAt = started;
			Task task = new Task(this.idPrefix + this.ids.incrementAndGet(), probeDeadline().toMillis(),
					withPace(run.request.work(), grant.pace()));
			return probe.send(task)
				.timeout(this.properties.attemptTimeout(), this.timer)
				.doFinally((signal) -> grant.release())
				.onErrorMap((ex) -> failed(run, probe, task, started, ex))
				.flatMap((result) -> answered(run, probe, started, result));
		});
	}

	/**
	 * This instance could not place the lookup: another instance with a probe that may take it runs it, the most
	 * promising first. An instance that refuses is skipped; one lost on the way costs an attempt and the lookup
	 * is retried (here or on yet another instance). With no instance left, the local refusal stands, with what the
	 * others said.
	 */
	private Mono<Dispatched> elsewhere(Run run, RuntimeException local) {
		TaskForwarder peers = this.forwarder;
		Set<String> excluded = excluded(run);
		String peer = (peers == null) ? null : peers.peersFor(run.capability(), excluded)
			.stream()
			.filter((id) -> !run.instancesTried.contains(id))
			.findFirst()
			.orElse(null);
		if (peers == null || peer == null) {
			return Mono.error(refusedEverywhere(run, local));
		}
		run.instancesTried.add(peer);
		long started = this.timer.now(TimeUnit.MILLISECONDS);
		if (run.flight.sentAt < 0) {
			run.flight.sentAt = started;
		}
		return peers.forward(peer, run.request.avoiding(excluded), run.lane, maxWait(run))
			.map((done) -> {
				run.attempts.addAll(done.attempts());
				restSilentlyBanned(run, done.probe(), done.result());
				long total = this.timer.now(TimeUnit.MILLISECONDS) - run.started;
				return new Dispatched(done.result(), done.probe(), List.copyOf(run.attempts), total);
			})
			.onErrorResume(ForwardException.class, (ex) -> forwardFailed(run, local, started, ex));
	}

	private Mono<Dispatched> forwardFailed(Run run, RuntimeException local, long started, ForwardException ex) {
		switch (ex.kind()) {
			case REFUSED -> {
				run.refusals.add(ex);
				return elsewhere(run, local);
			}
			case EXHAUSTED -> {
				run.attempts.addAll(ex.attempts());
				return Mono.error(new AttemptsExhaustedException(run.attempts));
			}
			default -> {
				// The instance's death, not the lookup's failure: shown and counted, and the lookup goes on elsewhere.
				long elapsed = this.timer.now(TimeUnit.MILLISECONDS) - started;
				run.attempts.add(new Attempt("instance " + ex.instance(), "INSTANCE_LOST", ex.getMessage(), elapsed));
				logger.info("task for {} forwarded to instance {} was lost ({}); trying elsewhere", run.request.target(),
						ex.instance(), ex.getMessage());
				return Mono.error(new RetryElsewhere(true));
			}
		}
	}

	/** The local refusal, with what the other instances said when they refused too. */
	private static RuntimeException refusedEverywhere(Run run, RuntimeException local) {
		if (run.refusals.isEmpty() || !(local instanceof NoProbeAvailableException noProbe)) {
			return local;
		}
		Duration retryAfter = noProbe.retryAfter();
		List<String> details = new ArrayList<>();
		for (ForwardException refusal : run.refusals) {
			details.add("instance " + refusal.instance() + ": " + refusal.getMessage());
			if (refusal.retryAfter().compareTo(retryAfter) < 0 && !refusal.retryAfter().isZero()) {
				retryAfter = refusal.retryAfter();
			}
		}
		return new NoProbeAvailableException(noProbe.getMessage() + "; on the other instances: "
				+ String.join("; ", details), retryAfter);
	}

	/** The longest estimated wait for a turn the run's lane accepts. */
	private Duration maxWait(Run run) {
		if (!run.lane.interactive()) {
			return this.schedule.bulkMaxWait();
		}
		return (run.lane.maxWait() != null) ? run.lane.maxWait() : this.schedule.defaultMaxWait();
	}

	/** A refusal another instance may still take over: only for lookups not forwarded here, and with a forwarder. */
	private RuntimeException refusal(Run run, RuntimeException error) {
		return (this.forwarder != null && !run.forwarded) ? new Refused(error) : error;
	}

	/** Probes this run must not use: tried already, or avoided by the request (a spot check). */
	private static Set<String> excluded(Run run) {
		if (run.request.avoid().isEmpty()) {
			return Set.copyOf(run.tried);
		}
		Set<String> excluded = new HashSet<>(run.tried);
		excluded.addAll(run.request.avoid());
		return Set.copyOf(excluded);
	}

	private Mono<Frontier.Grant> turn(Run run) {
		Duration maxWait = maxWait(run);
		// A promoted bulk query keeps its bulk lane for retries: it must not be refused like a single lookup.
		Frontier.Ask ask = new Frontier.Ask(run.request.target(), run.capability(), pace(run.request.work()), run.lane,
				maxWait, excluded(run), run.retry);
		run.ask = ask;
		Mono<Frontier.Grant> turn = this.frontier.turn(ask);
		if (run.lane.interactive()) {
			Duration bound = this.properties.acquireTimeout();
			turn = turn.timeout(bound, this.timer)
				.onErrorMap(TimeoutException.class, (ex) -> new NoProbeAvailableException("no probe could start the "
						+ "lookup at " + run.request.target() + " within " + bound.toSeconds() + "s: every probe that "
						+ "may ask it stayed busy", bound));
		}
		return turn.onErrorMap(Frontier.NoCandidate.class, (ex) -> refusal(run, nobodyLeft(run)))
			.onErrorMap(Frontier.WaitTooLong.class,
					(ex) -> refusal(run, new NoProbeAvailableException(ex.getMessage(), ex.estimate())));
	}

	private static @Nullable Pace pace(TaskWork work) {
		if (work instanceof WhoisQuery whois) {
			return whois.pace();
		}
		return ((RdapQuery) work).pace();
	}

	/** The work as sent: with the pace the probe's own pacer should keep, a little looser than the ledger's. */
	private static TaskWork withPace(TaskWork work, @Nullable Pace pace) {
		if (work instanceof WhoisQuery q) {
			return new WhoisQuery(q.host(), q.port(), q.query(), q.charset(), q.maxBytes(), q.connectTimeoutMillis(),
					q.proxy(), pace);
		}
		RdapQuery q = (RdapQuery) work;
		return new RdapQuery(q.url(), q.maxBytes(), q.connectTimeoutMillis(), q.followRelated(), pace);
	}

	/** The probe's own deadline is a little shorter, so it reports its TIMEOUT before the server gives up. */
	private Duration probeDeadline() {
		Duration attempt = this.properties.attemptTimeout();
		Duration margin = attempt.dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0 ? attempt.dividedBy(10)
				: Duration.ofSeconds(1);
		return attempt.minus(margin);
	}

	private Mono<Dispatched> answered(Run run, ProbeSession probe, long started, TaskResult answer) {
		long elapsed = this.timer.now(TimeUnit.MILLISECONDS) - started;
		TaskResult result = run.request.classifier().apply(answer);
		Attempt attempt = new Attempt(probe.name(), result.outcome().name(),
				(result.detail() != null) ? result.detail() : result.outcome().name(), elapsed);
		record(run, attempt);
		String detail = attempt.detail(); // printable and cut: it came from the probe
		if (result.outcome() == TaskResult.Outcome.THROTTLED) {
			Duration rest = rest(result, probe.name(), run.request.target());
			this.frontier.throttled(probe.name(), run.request.target(), rest);
			logger.info("task {}: {} throttled probe {} ({}); the probe rests from that server for {}s, its pace there "
					+ "slows down, and the task tries another probe", answer.taskId(), run.request.target(), probe.name(),
					detail, rest.toSeconds());
			return Mono.error(new RetryElsewhere(false));
		}
		if (result.outcome().retryElsewhere()) {
			logger.info("task {} for {} on probe {} ended {}: {}; trying another probe", answer.taskId(),
					run.request.target(), probe.name(), result.outcome(), detail);
			run.tried.add(probe.name());
			if (answer.outcome().answered()) {
				// An answer the classifier refused: an answer of nothing, for WHOIS.
				List<String> refused = new ArrayList<>((run.refusedAnswers != null) ? run.refusedAnswers : List.of());
				refused.add(probe.name());
				run.refusedAnswers = refused;
			}
			return Mono.error(new RetryElsewhere(true));
		}
		restSilentlyBanned(run, probe.name(), result);
		long total = this.timer.now(TimeUnit.MILLISECONDS) - run.started;
		return Mono.just(new Dispatched(result, probe.name(), List.copyOf(run.attempts), total));
	}

	/**
	 * Probes whose answer was refused (nothing, for WHOIS) when {@code answeredBy} (here, or on the instance the
	 * lookup went on to) got {@code result}, an answer to the same query from the same server: a server that answers
	 * one source and closes on another has banned that one, silently, as registries do. Each rests from that server
	 * as after a throttle that named no wait, and its pace there slows. When every probe gets nothing (a broken
	 * server, a query it never answers), nobody rests: the lookup fails as before.
	 */
	private void restSilentlyBanned(Run run, String answeredBy, TaskResult result) {
		List<String> refused = run.refusedAnswers;
		if (refused == null || !result.outcome().answered()) {
			return;
		}
		for (String probe : refused) {
			if (probe.equals(answeredBy)) {
				continue;
			}
			Duration rest = unnamedRest(probe, run.request.target());
			this.frontier.throttled(probe, run.request.target(), rest);
			logger.info("probe {} got nothing from {} where probe {} got an answer to the same query, which looks like a "
					+ "silent ban of its address; it rests from that server for {}s and its pace there slows down",
					probe, run.request.target(), answeredBy, Math.max(1, rest.toSeconds()));
		}
	}

	/** The wait the server named, else an unnamed rest that doubles while the pair keeps being throttled. */
	private Duration rest(TaskResult result, String probe, String target) {
		Long asked = result.retryAfterMillis();
		Duration rest = (asked != null && asked > 0) ? Duration.ofMillis(asked) : unnamedRest(probe, target);
		return (rest.compareTo(this.properties.maxCooldown()) > 0) ? this.properties.maxCooldown() : rest;
	}

	private Duration unnamedRest(String probe, String target) {
		long now = this.timer.now(TimeUnit.MILLISECONDS);
		Duration longest = this.properties.throttleCooldown();
		Duration first = (this.properties.firstThrottleRest().compareTo(longest) < 0) ? this.properties.firstThrottleRest()
				: longest;
		// The rest doubles only when it did not help: throttled again as it ended (the first queries after it).
		// A throttle after a while of answers is a pace a little too fast, which the slower pace answers.
		Strike strike = this.strikes.compute(probe + " " + target, (key, previous) -> {
			long grace = Math.max(previous == null ? 0 : previous.rest().toMillis() / 2, 1000);
			if (previous == null || now - previous.at() > previous.rest().toMillis() + grace) {
				return new Strike(now, first);
			}
			Duration doubled = previous.rest().multipliedBy(2);
			return new Strike(now, (doubled.compareTo(longest) < 0) ? doubled : longest);
		});
		return strike.rest();
	}

	/** The last unnamed throttle of a (probe, target) pair and the rest it got. */
	private record Strike(long at, Duration rest) {
	}

	private void record(Run run, Attempt attempt) {
		run.attempts.add(attempt);
		this.statistics.record(run.request.target(), attempt);
	}

	private Throwable failed(Run run, ProbeSession probe, Task task, long started, Throwable ex) {
		long elapsed = this.timer.now(TimeUnit.MILLISECONDS) - started;
		if (ex instanceof TimeoutException) {
			record(run, new Attempt(probe.name(), "NO_ANSWER",
					"no answer within " + this.properties.attemptTimeout().toMillis() + " ms", elapsed));
			logger.info("task {} for {}: probe {} did not answer within {} ms; trying another probe", task.id(),
					run.request.target(), probe.name(), this.properties.attemptTimeout().toMillis());
			run.tried.add(probe.name());
			return new RetryElsewhere(true);
		}
		if (ex instanceof ProbeGoneException) {
			// The probe's death, not the lookup's failure: shown, not counted.
			record(run, new Attempt(probe.name(), "PROBE_LOST", ex.getMessage(), elapsed));
			return new RetryElsewhere(false);
		}
		return ex;
	}

	private RuntimeException nobodyLeft(Run run) {
		// Resting probes will be able to ask again: tell the caller when, rather than that the lookup failed.
		String target = run.request.target();
		Set<String> cooling = this.cooldowns.cooling(target);
		if (!cooling.isEmpty()) {
			Duration wait = this.cooldowns.earliestEnd(target, cooling).orElse(Duration.ofSeconds(1));
			return new NoProbeAvailableException(Frontier.allResting(target, Math.max(1, wait.toSeconds())), wait);
		}
		if (run.attempts.isEmpty()) {
			return new NoProbeAvailableException("no effective probe that can run '" + run.capability()
					+ "' tasks is connected", Duration.ofSeconds(10));
		}
		return new AttemptsExhaustedException(run.attempts);
	}

	/** Lookups waiting for their turn at a target right now. */
	public int waiting() {
		return this.frontier.queued();
	}

	/** The scheduler's view of every target (queues, paces learned). */
	public Map<String, Frontier.Load> loads() {
		return this.frontier.loads();
	}

	/** Identical work to one target: the lookups that may share one outward query. */
	/** The local "refusal" of a lookup spread to other instances first: when they all decline, it runs here. */
	private static final class SpreadDeclined extends RuntimeException {

		static final SpreadDeclined INSTANCE = new SpreadDeclined();

		private SpreadDeclined() {
			super("spread to the other instances first", null, false, false);
		}
	}

	private record FlightKey(String capability, String target, TaskWork work, boolean forwarded) {
	}

	/** A query in flight that identical lookups join. */
	private static final class Flight {

		/** When the first attempt was sent to a probe; -1 while it waits for its turn. */
		volatile long sentAt = -1;

		volatile Mono<Dispatched> shared = Mono.empty();

		volatile @Nullable Run run;

		/** A single lookup joined: the query's queued turn moves ahead of the bulk lines. */
		void promote(Frontier frontier) {
			Run current = this.run;
			if (current == null || current.promoted || current.lane.interactive()) {
				return;
			}
			current.promoted = true;
			Frontier.Ask ask = current.ask;
			if (ask != null) {
				frontier.promote(ask);
			}
		}

		/** A fresh lookup shares only a query whose answer will be newer than its own arrival. */
		boolean joinable(boolean fresh, long arrived) {
			long sent = this.sentAt;
			return !fresh || sent < 0 || sent >= arrived;
		}
	}

	/** The state of one dispatch across its attempts. */
	private static final class Run {

		final DispatchRequest request;

		final Lane lane;

		final long started;

		final Flight flight;

		final Set<String> tried = ConcurrentHashMap.newKeySet();

		final List<Attempt> attempts = new CopyOnWriteArrayList<>();

		/**
		 * Probes whose answer the request's classifier refused (for WHOIS, an answer of nothing); made at the first, as
		 * most runs have none. One attempt runs at a time.
		 */
		volatile @Nullable List<String> refusedAnswers;

		/** Whether another instance forwarded it here: it must not be forwarded again. */
		final boolean forwarded;

		/** Other instances asked to run it, whatever came of it. */
		final Set<String> instancesTried = ConcurrentHashMap.newKeySet();

		/** What the other instances that could not place it said. */
		final List<ForwardException> refusals = new CopyOnWriteArrayList<>();

		volatile int counted;

		volatile int requeues;

		volatile boolean retry;

		volatile boolean promoted;

		volatile Frontier.@Nullable Ask ask;

		Run(DispatchRequest request, Lane lane, long started, Flight flight, boolean forwarded) {
			this.forwarded = forwarded;
			this.request = request;
			this.lane = lane;
			this.started = started;
			this.flight = flight;
		}

		String capability() {
			return this.request.capability();
		}
	}

	/** This instance could not place the lookup: {@code error} unless another instance takes it. */
	private static final class Refused extends RuntimeException {

		final RuntimeException error;

		Refused(RuntimeException error) {
			super(null, null, false, false);
			this.error = error;
		}
	}

	/** Marks an attempt worth repeating on another probe; {@code counted} when it used up one of the attempts. */
	private static final class RetryElsewhere extends RuntimeException {

		final boolean counted;

		RetryElsewhere(boolean counted) {
			super(null, null, false, false);
			this.counted = counted;
		}
	}
}
