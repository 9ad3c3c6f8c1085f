package dev.dragnet.probe.pace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.Protocol;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Paces this probe's requests per remote host, so one source address stays under a server's limits: at most
 * {@link Pace#maxConnections()} requests open at once, and at least {@link Pace#minIntervalMillis()} between the
 * starts of two requests. One pacer serves every client of the probe (WHOIS and RDAP alike), so a host reached by
 * both protocols is paced as one.
 *
 * <p><b>Which pace applies.</b> Each request is admitted by the pace sent with its own task: the server decides the
 * pace per host and sends the same one with every task for that host, so "the pace of the task wins" is both the
 * simplest rule and, in practice, the latest one. A request without a pace ({@code null}) is never delayed for its
 * own sake but still counts as open and as a start, so that paced requests to the same host see it. Requests to one
 * host are admitted in arrival order (a request never overtakes an earlier one to the same host).
 *
 * <p><b>Bounds.</b> Nothing blocks: waiting is a {@code Mono} that completes when the request's turn comes, timed by
 * {@code Scheduler#schedule} on a scheduler tests can replace with virtual time. At most
 * {@code maxWaitingPerHost} requests wait per host; beyond that a request fails at once with
 * {@link PaceQueueFullException}. The probe's concurrency bounds the waiting anyway (each task has at most one
 * request waiting), so the default bound, {@link Protocol#MAX_CONCURRENCY}, is never reached by a well-behaved
 * probe. A host's entry lives only while requests are open or waiting, and until the longest interval any of its
 * requests asked for has passed since its last start; then it is forgotten, so memory follows the hosts in use,
 * not every host ever contacted. (A later request asking for a longer interval than any seen before may therefore
 * start sooner than it would have: the server sends one pace per host, so this does not happen in practice.)
 *
 * <p><b>Cancellation.</b> Cancelling a waiting request takes it out of the queue; cancelling, completing or failing
 * an admitted one frees its slot at once.
 */
public final class HostPacer {

	/** Default bound of the requests waiting for one host. */
	public static final int DEFAULT_MAX_WAITING_PER_HOST = Protocol.MAX_CONCURRENCY;

	/** Pace of a request sent without one: never delayed, never limited. */
	private static final Pace UNPACED = new Pace(0, Integer.MAX_VALUE);

	private final Scheduler scheduler;

	private final int maxWaitingPerHost;

	private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();

	/** A pacer timed on {@link Schedulers#parallel()}, with the default bound of waiting requests per host. */
	public HostPacer() {
		this(Schedulers.parallel(), DEFAULT_MAX_WAITING_PER_HOST);
	}

	/**
	 * @param scheduler times the waits (a {@code VirtualTimeScheduler} in tests)
	 * @param maxWaitingPerHost most requests that may wait for one host at once
	 */
	public HostPacer(Scheduler scheduler, int maxWaitingPerHost) {
		this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
		if (maxWaitingPerHost < 1) {
			throw new IllegalArgumentException("maxWaitingPerHost must be at least 1");
		}
		this.maxWaitingPerHost = maxWaitingPerHost;
	}

	/**
	 * Runs {@code request} when {@code host}'s pace allows: the request is subscribed only then, and holds its slot
	 * until it terminates or is cancelled.
	 * @param host the remote host (matched case-insensitively)
	 * @param pace the pace the task asks for, or {@code null} for none
	 * @param request the whole exchange with the host (connect to last byte)
	 * @return the request's signals, once admitted; a {@link PaceQueueFullException} when too many wait already
	 */
	public <T> Mono<T> paced(String host, @Nullable Pace pace, Mono<T> request) {
		String key = host.toLowerCase(Locale.ROOT);
		Pace effective = (pace != null) ? pace : UNPACED;
		return Mono.usingWhen(admission(key, effective), (permit) -> request, Permit::release,
				(permit, error) -> permit.release(), Permit::release);
	}

	/** Hosts with an entry now (open, waiting, or within their interval). */
	int trackedHosts() {
		return this.lanes.size();
	}

	/** Requests waiting for {@code host} now. */
	int waiting(String host) {
		Lane lane = this.lanes.get(host.toLowerCase(Locale.ROOT));
		if (lane == null) {
			return 0;
		}
		synchronized (lane) {
			return lane.waiting.size();
		}
	}

	/** Requests open to {@code host} now. */
	int open(String host) {
		Lane lane = this.lanes.get(host.toLowerCase(Locale.ROOT));
		if (lane == null) {
			return 0;
		}
		synchronized (lane) {
			return lane.open;
		}
	}

	private Mono<Permit> admission(String key, Pace pace) {
		return Mono.create((sink) -> {
			Waiter waiter = new Waiter(pace, sink);
			Lane lane;
			try {
				lane = enqueue(key, waiter);
			}
			catch (PaceQueueFullException ex) {
				sink.error(ex);
				return;
			}
			sink.onCancel(() -> cancel(lane, waiter));
			drain(lane);
		});
	}

	private Lane enqueue(String key, Waiter waiter) {
		while (true) {
			Lane lane = this.lanes.computeIfAbsent(key, Lane::new);
			synchronized (lane) {
				if (lane.retired) {
					continue; // evicted between lookup and lock: take the fresh one
				}
				if (lane.waiting.size() >= this.maxWaitingPerHost) {
					throw new PaceQueueFullException(key, lane.waiting.size());
				}
				lane.waiting.addLast(waiter);
				return lane;
			}
		}
	}

	/** Admits whoever may start now, arms a timer for the next start, or forgets an idle host. */
	private void drain(Lane lane) {
		List<Waiter> admitted = new ArrayList<>(1);
		synchronized (lane) {
			long now = now();
			while (!lane.waiting.isEmpty()) {
				Waiter head = lane.waiting.peekFirst();
				if (lane.open >= head.pace.maxConnections()) {
					break; // a release drains again
				}
				long earliest = lane.started ? lane.lastStart + head.pace.minIntervalMillis() : now;
				if (now < earliest) {
					armTimer(lane, earliest, now);
					break;
				}
				lane.waiting.pollFirst();
				admit(lane, head, now);
				admitted.add(head);
			}
			if (lane.open == 0 && lane.waiting.isEmpty()) {
				retireOrWait(lane, now);
			}
		}
		// Outside the lock: admission subscribes the request, which may run far.
		for (Waiter waiter : admitted) {
			waiter.sink.success(waiter.permit);
		}
	}

	private void admit(Lane lane, Waiter waiter, long now) {
		lane.open++;
		lane.started = true;
		lane.lastStart = now;
		lane.longestInterval = Math.max(lane.longestInterval, waiter.pace.minIntervalMillis());
		waiter.permit = new Permit(lane);
	}

	/** An idle lane goes once its last start is older than the longest interval it enforced. */
	private void retireOrWait(Lane lane, long now) {
		long forgetAt = lane.lastStart + lane.longestInterval;
		if (!lane.started || now >= forgetAt) {
			lane.retired = true;
			this.lanes.remove(lane.host, lane);
		}
		else {
			armTimer(lane, forgetAt, now);
		}
	}

	private void armTimer(Lane lane, long due, long now) {
		if (lane.timerDue <= due) {
			return; // an earlier (or the same) timer drains in time
		}
		lane.timerDue = due;
		this.scheduler.schedule(() -> timerFired(lane, due), due - now, TimeUnit.MILLISECONDS);
	}

	private void timerFired(Lane lane, long due) {
		synchronized (lane) {
			if (lane.timerDue == due) {
				lane.timerDue = Long.MAX_VALUE;
			}
		}
		drain(lane);
	}

	private void cancel(Lane lane, Waiter waiter) {
		Permit admittedMeanwhile;
		synchronized (lane) {
			admittedMeanwhile = lane.waiting.remove(waiter) ? null : waiter.permit;
		}
		if (admittedMeanwhile != null) {
			// Admitted, but the admission may not have reached the subscriber: release it here (idempotent).
			admittedMeanwhile.releaseNow();
		}
		else {
			drain(lane);
		}
	}

	private long now() {
		return this.scheduler.now(TimeUnit.MILLISECONDS);
	}

	/** One host's state; guarded by its own monitor. */
	private static final class Lane {

		private final String host;

		private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

		private int open;

		private boolean started;

		private long lastStart;

		private long longestInterval;

		private long timerDue = Long.MAX_VALUE;

		private boolean retired;

		Lane(String host) {
			this.host = host;
		}
	}

	/** A request waiting for its turn. */
	private static final class Waiter {

		private final Pace pace;

		private final MonoSink<Permit> sink;

		private @Nullable Permit permit;

		Waiter(Pace pace, MonoSink<Permit> sink) {
			this.pace = pace;
			this.sink = sink;
		}
	}

	/** An admitted request's slot; released once, whoever releases first. */
	private final class Permit {

		private final Lane lane;

		private final AtomicBoolean released = new AtomicBoolean();

		Permit(Lane lane) {
			this.lane = lane;
		}

		Mono<Void> release() {
			return Mono.fromRunnable(this::releaseNow);
		}

		void releaseNow() {
			if (this.released.compareAndSet(false, true)) {
				synchronized (this.lane) {
					this.lane.open--;
				}
				drain(this.lane);
			}
		}
	}
}
