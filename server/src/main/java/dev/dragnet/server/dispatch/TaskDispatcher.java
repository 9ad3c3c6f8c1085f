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

	@Autowired
	TaskDispatcher(ProbeRegistry registry, DispatchProperties properties) {
		this(registry, properties, Schedulers.parallel());
	}

	TaskDispatcher(ProbeRegistry registry, DispatchProperties properties, Scheduler timer) {
		this.registry = registry;
		this.properties = properties;
		this.timer = timer;
	}

	/**
	 * Runs {@code work} on a probe that has {@code capability}. Errors with {@link NoProbeAvailableException}
	 * when no probe could take it, and {@link AttemptsExhaustedException} when every attempt failed.
	 */
	public Mono<Dispatched> dispatch(String capability, TaskWork work) {
		return Mono.defer(() -> {
			Run run = new Run(capability, work, this.timer.now(TimeUnit.MILLISECONDS));
			return attempt(run).retryWhen(Retry.max(this.properties.maxAttempts() - 1)
				.filter(RetryElsewhere.class::isInstance)
				.onRetryExhaustedThrow((spec, signal) -> new AttemptsExhaustedException(run.attempts)));
		});
	}

	private Mono<Dispatched> attempt(Run run) {
		return acquire(run).flatMap((probe) -> {
			run.tried.add(probe.name());
			long started = this.timer.now(TimeUnit.MILLISECONDS);
			Task task = new Task(this.idPrefix + this.ids.incrementAndGet(), probeDeadline().toMillis(), run.work);
			return probe.send(task)
				.timeout(this.properties.attemptTimeout(), this.timer)
				.onErrorMap((ex) -> failed(run, probe, started, ex))
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

	private Mono<Dispatched> answered(Run run, ProbeSession probe, long started, TaskResult result) {
		long elapsed = this.timer.now(TimeUnit.MILLISECONDS) - started;
		String detail = (result.detail() != null) ? result.detail() : result.outcome().name();
		run.attempts.add(new Attempt(probe.name(), result.outcome().name(), detail, elapsed));
		if (result.outcome().retryElsewhere()) {
			logger.info("task on probe {} ended {}: {}; trying another probe", probe.name(), result.outcome(), detail);
			return Mono.error(new RetryElsewhere());
		}
		long total = this.timer.now(TimeUnit.MILLISECONDS) - run.started;
		return Mono.just(new Dispatched(result, probe.name(), List.copyOf(run.attempts), total));
	}

	private Throwable failed(Run run, ProbeSession probe, long started, Throwable ex) {
		long elapsed = this.timer.now(TimeUnit.MILLISECONDS) - started;
		if (ex instanceof TimeoutException) {
			run.attempts.add(new Attempt(probe.name(), "NO_ANSWER",
					"no answer within " + this.properties.attemptTimeout().toMillis() + " ms", elapsed));
			logger.info("probe {} did not answer within {}; trying another probe", probe.name(),
					this.properties.attemptTimeout());
			return new RetryElsewhere();
		}
		if (ex instanceof ProbeGoneException) {
			run.attempts.add(new Attempt(probe.name(), "PROBE_LOST", ex.getMessage(), elapsed));
			return new RetryElsewhere();
		}
		return ex;
	}

	/** Reserves a credit on an untried probe, waiting for one to free up if all are busy. */
	private Mono<ProbeSession> acquire(Run run) {
		return Mono.defer(() -> {
			ProbeSession probe = this.registry.reserve(run.capability, run.tried).orElse(null);
			if (probe != null) {
				return Mono.just(probe);
			}
			if (!this.registry.hasCandidate(run.capability, run.tried)) {
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
			if (!this.registry.hasCandidate(run.capability, run.tried)) {
				return Mono.error(nobodyLeft(run));
			}
			return Mono.justOrEmpty(this.registry.reserve(run.capability, run.tried));
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
		if (run.attempts.isEmpty()) {
			return new NoProbeAvailableException("no effective probe that can run '" + run.capability
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

		final String capability;

		final TaskWork work;

		final long started;

		final Set<String> tried = ConcurrentHashMap.newKeySet();

		final List<Attempt> attempts = new CopyOnWriteArrayList<>();

		Run(String capability, TaskWork work, long started) {
			this.capability = capability;
			this.work = work;
			this.started = started;
		}
	}

	/** Marks an attempt worth repeating on another probe. */
	private static final class RetryElsewhere extends RuntimeException {

		RetryElsewhere() {
			super(null, null, false, false);
		}
	}
}
