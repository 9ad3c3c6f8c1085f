package dev.dragnet.server.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.dragnet.protocol.Task;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.TaskWork;
import dev.dragnet.server.probe.ProbeGoneException;
import dev.dragnet.server.probe.ProbeRegistry;
import dev.dragnet.server.probe.ProbeSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Sends a task to the least loaded effective probe with free credit and resolves with its result. An attempt
 * that times out, fails in a way another probe might not, or loses its probe is retried on a different probe,
 * up to {@code dragnet.dispatch.max-attempts}. When every probe is busy the task waits (bounded in time and
 * in number of waiters) for credit to come back.
 */
@Service
public class TaskDispatcher {

	private static final Logger logger = LoggerFactory.getLogger(TaskDispatcher.class);

	private static final Duration RECHECK = Duration.ofMillis(200);

	private final ProbeRegistry registry;

	private final DispatchProperties properties;

	private final Scheduler timer;

	private final AtomicLong ids = new AtomicLong();

	private final String idPrefix = Long.toString(System.currentTimeMillis(), 36) + "-";

	private final AtomicInteger waiting = new AtomicInteger();

	private final Cooldowns cooldowns;

	private final TargetStatistics statistics;

	@Autowired
	TaskDispatcher(ProbeRegistry registry, DispatchProperties properties, Cooldowns cooldowns,
			TargetStatistics statistics) {
		this(registry, properties, Schedulers.parallel(), cooldowns, statistics);
	}

	TaskDispatcher(ProbeRegistry registry, DispatchProperties properties, Scheduler timer) {
		this(registry, properties, timer, new Cooldowns(timer), new TargetStatistics());
	}

	TaskDispatcher(ProbeRegistry registry, DispatchProperties properties, Scheduler timer, Cooldowns cooldowns,
			TargetStatistics statistics) {
		this.registry = registry;
		this.properties = properties;
		this.timer = timer;
		this.cooldowns = cooldowns;
		this.statistics = statistics;
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
	 * (as long as the server asked, else {@code dragnet.dispatch.throttle-cooldown}) and the task moves on at
	 * once.
	 */
	public Mono<Dispatched> dispatch(DispatchRequest request) {
		return Mono.defer(() -> {
			Run run = new Run(request, this.timer.now(TimeUnit.MILLISECONDS));
			return attempt(run).retryWhen(Retry.max(this.properties.maxAttempts() - 1)
				.filter(RetryElsewhere.class::isInstance)
				.onRetryExhaustedThrow((spec, signal) -> new AttemptsExhaustedException(run.attempts)));
		});
	}

	private Mono<Dispatched> attempt(Run run) {
		return acquire(run).flatMap((probe) -> {
			run.tried.add(probe.name());
			long started = this.timer.now(TimeUnit.MILLISECONDS);
			Task task = new Task(this.idPrefix + this.ids.incrementAndGet(), probeDeadline().toMillis(),
					run.request.work());
			return probe.send(task)
				.timeout(this.properties.attemptTimeout(), this.timer)
				.onErrorMap((ex) -> failed(run, probe, task, started, ex))
				.flatMap((result) -> answered(run, probe, started, result));
		});
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
		String detail = (result.detail() != null) ? result.detail() : result.outcome().name();
		record(run, new Attempt(probe.name(), result.outcome().name(), detail, elapsed));
		if (result.outcome() == TaskResult.Outcome.THROTTLED) {
			Duration rest = rest(result);
			this.cooldowns.coolDown(probe.name(), run.request.target(), rest);
			logger.info("task {}: {} throttled probe {} ({}); the probe rests from that server for {}s and the task "
					+ "tries another probe", answer.taskId(), run.request.target(), probe.name(), detail, rest.toSeconds());
			return Mono.error(new RetryElsewhere());
		}
		if (result.outcome().retryElsewhere()) {
			logger.info("task {} for {} on probe {} ended {}: {}; trying another probe", answer.taskId(),
					run.request.target(), probe.name(), result.outcome(), detail);
			return Mono.error(new RetryElsewhere());
		}
		long total = this.timer.now(TimeUnit.MILLISECONDS) - run.started;
		return Mono.just(new Dispatched(result, probe.name(), List.copyOf(run.attempts), total));
	}

	private Duration rest(TaskResult result) {
		Long asked = result.retryAfterMillis();
		Duration rest = (asked != null && asked > 0) ? Duration.ofMillis(asked) : this.properties.throttleCooldown();
		return (rest.compareTo(this.properties.maxCooldown()) > 0) ? this.properties.maxCooldown() : rest;
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
			return new RetryElsewhere();
		}
		if (ex instanceof ProbeGoneException) {
			record(run, new Attempt(probe.name(), "PROBE_LOST", ex.getMessage(), elapsed));
			return new RetryElsewhere();
		}
		return ex;
	}

	/** Reserves a credit on an untried probe, waiting for one to free up if all are busy. */
	private Mono<ProbeSession> acquire(Run run) {
		return Mono.defer(() -> {
			Set<String> excluded = run.excluded(this.cooldowns);
			ProbeSession probe = this.registry.reserve(run.capability(), excluded).orElse(null);
			if (probe != null) {
				return Mono.just(probe);
			}
			if (!this.registry.hasCandidate(run.capability(), excluded)) {
				return Mono.error(nobodyLeft(run));
			}
			return awaitCredit(run);
		});
	}

	private Mono<ProbeSession> awaitCredit(Run run) {
		if (this.waiting.incrementAndGet() > this.properties.maxWaiting()) {
			this.waiting.decrementAndGet();
			return Mono.error(new NoProbeAvailableException("all probes are busy and " + this.properties.maxWaiting()
					+ " requests are already waiting for one", this.properties.acquireTimeout()));
		}
		return Mono.defer(() -> {
			Set<String> excluded = run.excluded(this.cooldowns);
			if (!this.registry.hasCandidate(run.capability(), excluded)) {
				return Mono.error(nobodyLeft(run));
			}
			return Mono.justOrEmpty(this.registry.reserve(run.capability(), excluded));
		})
			// A capacity signal, or a periodic recheck in case the signal came before we listened.
			.repeatWhenEmpty((empties) -> empties
				.concatMap((n) -> this.registry.capacitySignals().next().or(Mono.delay(RECHECK, this.timer).thenReturn(Boolean.TRUE))))
			.timeout(this.properties.acquireTimeout(), this.timer)
			.onErrorMap(TimeoutException.class, (ex) -> new NoProbeAvailableException("every probe stayed busy for "
					+ this.properties.acquireTimeout().toSeconds() + "s", this.properties.acquireTimeout()))
			.doFinally((signal) -> this.waiting.decrementAndGet());
	}

	private RuntimeException nobodyLeft(Run run) {
		// Resting probes will be able to ask again: tell the caller when, rather than that the lookup failed.
		Set<String> cooling = this.cooldowns.cooling(run.request.target());
		if (!cooling.isEmpty()) {
			Duration wait = this.cooldowns.earliestEnd(run.request.target(), cooling).orElse(Duration.ofSeconds(1));
			return new NoProbeAvailableException("every probe that could ask " + run.request.target()
					+ " was throttled by it and is resting; the first may ask again in " + Math.max(1, wait.toSeconds())
					+ "s", wait);
		}
		if (run.attempts.isEmpty()) {
			return new NoProbeAvailableException("no effective probe that can run '" + run.capability()
					+ "' tasks is connected", Duration.ofSeconds(10));
		}
		return new AttemptsExhaustedException(run.attempts);
	}

	/** Tasks waiting for a probe with free credit right now. */
	public int waiting() {
		return this.waiting.get();
	}

	/** The state of one dispatch across its attempts. */
	private static final class Run {

		final DispatchRequest request;

		final long started;

		final Set<String> tried = ConcurrentHashMap.newKeySet();

		final List<Attempt> attempts = new CopyOnWriteArrayList<>();

		Run(DispatchRequest request, long started) {
			this.request = request;
			this.started = started;
		}

		String capability() {
			return this.request.capability();
		}

		/** Probes this run must not use: tried already, or resting from the target. */
		Set<String> excluded(Cooldowns cooldowns) {
			Set<String> excluded = cooldowns.cooling(this.request.target());
			excluded.addAll(this.tried);
			excluded.addAll(this.request.avoid());
			return excluded;
		}
	}

	/** Marks an attempt worth repeating on another probe. */
	private static final class RetryElsewhere extends RuntimeException {

		RetryElsewhere() {
			super(null, null, false, false);
		}
	}
}
