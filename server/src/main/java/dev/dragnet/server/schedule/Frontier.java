package dev.dragnet.server.schedule;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dragnet.protocol.Pace;
import dev.dragnet.server.dispatch.Cooldowns;
import dev.dragnet.server.probe.ProbeRegistry;
import dev.dragnet.server.probe.ProbeSession;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * The politeness frontier. For every target (a WHOIS {@code host:port}, an RDAP {@code rdap:host}) it keeps a
 * pace ledger per probe, when that probe may next start a query there and how many it has open, and a queue
 * of lookups waiting for a turn: an interactive lane served first, then one lane per bulk request, served
 * round robin. A lookup is handed a probe ({@link Grant}) only when that probe may start it now: it has a free
 * credit, is not resting from the target, its next allowed start has come and it has a connection to spare.
 * So waiting happens here, on the server, where it costs a queue entry, and never inside a probe against an
 * attempt's deadline.
 *
 * <p>A throttle slows the (probe, target) pace down by {@code backoff-factor}; each quiet
 * {@code recovery-after} speeds it up by {@code recovery-step} of the configured rate, never past it.
 *
 * <p>Every mutation of a target's state happens under that target's lock; grants and errors are signalled
 * outside it. Timers run on the given scheduler (virtual time in tests).
 */
public final class Frontier {

	/** Recheck of a non-empty queue when nothing else would wake it (a credit returned by a busy probe). */
	static final long RECHECK_MILLIS = 200;

	/** How far down its queue a target looks for a lookup the ready probes may take. */
	private static final int SCAN = 64;

	private static final int WAITING = 0;

	private static final int GRANTED = 1;

	private static final int CANCELLED = 2;

	private final ProbeRegistry registry;

	private final ScheduleProperties properties;

	private final Scheduler clock;

	private final Cooldowns cooldowns;

	private final int maxQueued;

	private final @Nullable MeterRegistry meters;

	private final Map<String, Target> targets = new ConcurrentHashMap<>();

	private final AtomicInteger queued = new AtomicInteger();

	private final Disposable capacity;

	public Frontier(ProbeRegistry registry, ScheduleProperties properties, Scheduler clock, Cooldowns cooldowns,
			int maxQueued, @Nullable MeterRegistry meters) {
		this.registry = registry;
		this.properties = properties;
		this.clock = clock;
		this.cooldowns = cooldowns;
		this.maxQueued = maxQueued;
		this.meters = meters;
		// Credits coming back and probes connecting wake every waiting queue at once (the recheck timer is
		// only the fallback). The registry's sink lives as long as the application, like this subscription.
		this.capacity = registry.capacitySignals().subscribe((tick) -> drainWaiting(), (ex) -> { });
	}

	/** Stops listening to capacity signals (queues then wake on their recheck timers only). */
	public void close() {
		this.capacity.dispose();
	}

	private void drainWaiting() {
		for (Target target : this.targets.values()) {
			if (target.queuedCount > 0) {
				drain(target);
			}
		}
	}

	/**
	 * Waits for a probe that may start a query to {@code ask.target()} now. Errors with {@link NoCandidate} when no
	 * eligible probe is left for it, {@link WaitTooLong} when the estimated wait exceeds what the lane allows.
	 * Cancelling takes the lookup out of its queue.
	 */
	public Mono<Grant> turn(Ask ask) {
		return Mono.create((sink) -> {
			Target target = target(ask.target(), ask.capability());
			Ticket ticket = new Ticket(ask, sink);
			RuntimeException refused;
			synchronized (target) {
				if (ask.pace() != null) {
					target.pace = ask.pace();
				}
				refused = admit(target, ticket);
			}
			if (refused != null) {
				sink.error(refused);
				return;
			}
			sink.onCancel(() -> cancel(target, ticket));
			drain(target);
		});
	}

	/** What a lookup is told when every probe that could ask {@code target} rests from it: when to come back. */
	public static String allResting(String target, long seconds) {
		return "every probe that could ask " + target + " was throttled or silently banned by it and is resting; the "
				+ "first may ask again in " + seconds + "s";
	}

	/**
	 * A probe was throttled by a target: it rests {@code rest} from it, and its pace there slows down by the
	 * backoff factor.
	 */
	public void throttled(String probe, String targetName, Duration rest) {
		Target target = this.targets.get(targetName);
		this.cooldowns.coolDown(probe, targetName, rest);
		if (target == null) {
			return;
		}
		synchronized (target) {
			long now = now();
			Pair pair = target.pair(probe);
			long current = Math.max(interval(target, pair, now), base(target));
			pair.learned = Math.min((long) Math.ceil(current * this.properties.backoffFactor()),
					Math.max(this.properties.maxInterval().toMillis(), current));
			pair.lastChange = now;
		}
	}

	/**
	 * Moves a bulk line's queued turn into the interactive lane: a single lookup joined its query and must not
	 * wait behind bulk lines. Nothing happens when the turn is no longer queued.
	 */
	public void promote(Ask ask) {
		Target target = this.targets.get(ask.target());
		if (target == null || ask.lane().interactive()) {
			return;
		}
		synchronized (target) {
			ArrayDeque<Ticket> lane = target.bulk.get(ask.lane().bulk());
			if (lane == null) {
				return;
			}
			for (Ticket ticket : lane) {
				if (ticket.ask == ask && ticket.state.get() == WAITING) {
					target.remove(ticket);
					ticket.interactive = true;
					target.interactive.addLast(ticket);
					target.queuedCount++;
					break;
				}
			}
		}
		drain(target);
	}

	/** Lookups queued for their turn now, over every target. */
	public int queued() {
		return this.queued.get();
	}

	/** What the frontier knows of one target now, or null if it never scheduled for it. */
	public @Nullable Load load(String targetName) {
		Target target = this.targets.get(targetName);
		if (target == null) {
			return null;
		}
		synchronized (target) {
			return target.load();
		}
	}

	/** Every target's load, by target name. */
	public Map<String, Load> loads() {
		Map<String, Load> loads = new HashMap<>();
		this.targets.forEach((name, target) -> {
			synchronized (target) {
				loads.put(name, target.load());
			}
		});
		return loads;
	}

	private Target target(String name, String capability) {
		return this.targets.computeIfAbsent(name, (n) -> {
			Target created = new Target(n, capability);
			if (this.meters != null) {
				Gauge.builder("dragnet.schedule.queued", created, (t) -> t.queuedCount)
					.tag("server", n)
					.description("Lookups waiting on the server for a turn at a WHOIS or RDAP server")
					.register(this.meters);
				Gauge.builder("dragnet.schedule.rate", created, Target::allowedRate)
					.tag("server", n)
					.description("Queries per second the pace ledger allows at a server now, over every usable probe")
					.register(this.meters);
				Gauge.builder("dragnet.schedule.learned.interval", created, Target::slowestLearned)
					.tag("server", n)
					.baseUnit("milliseconds")
					.description("The slowest pace learned from throttles at a server (0: none learned)")
					.register(this.meters);
			}
			return created;
		});
	}

	/** Checks and queues a ticket; returns the refusal instead when it may not wait. Under the target's lock. */
	private @Nullable RuntimeException admit(Target target, Ticket ticket) {
		List<ProbeSession> candidates = candidates(target, ticket);
		if (candidates.isEmpty()) {
			return new NoCandidate();
		}
		Ask ask = ticket.ask;
		boolean interactive = ask.lane().interactive();
		if (interactive && !ask.retry() && this.queued.get() >= this.maxQueued) {
			return new WaitTooLong(ask.target(), Duration.ofSeconds(10),
					"all probes are busy and " + this.maxQueued + " lookups are already waiting for one", false);
		}
		int ahead = ask.retry() ? 0 : interactive ? target.interactive.size() : target.queuedCount;
		long now = now();
		Estimate estimate = estimate(target, candidates, ahead, now);
		if (interactive && estimate.allResting) {
			// A single lookup does not wait out a throttle's rest: its caller hears when to come back.
			return new WaitTooLong(ask.target(), Duration.ofMillis(estimate.firstRest),
					allResting(ask.target(), Math.max(1, (estimate.firstRest + 999) / 1000)), true);
		}
		if (estimate.millis > ask.maxWait().toMillis()) {
			return new WaitTooLong(ask.target(), Duration.ofMillis(estimate.millis), estimate.describe(ask, ahead),
					estimate.resting);
		}
		ArrayDeque<Ticket> lane = interactive ? target.interactive
				: target.bulk.computeIfAbsent(ask.lane().bulk(), (b) -> new ArrayDeque<>());
		if (ask.retry()) {
			lane.addFirst(ticket);
		}
		else {
			lane.addLast(ticket);
		}
		target.queuedCount++;
		this.queued.incrementAndGet();
		return null;
	}

	private Estimate estimate(Target target, List<ProbeSession> candidates, int ahead, long now) {
		double rate = 0;
		long first = Long.MAX_VALUE;
		boolean resting = false;
		boolean allResting = true;
		long firstRest = Long.MAX_VALUE;
		for (ProbeSession probe : candidates) {
			Pair pair = target.pair(probe.name());
			long interval = interval(target, pair, now);
			long rest = this.cooldowns.restMillis(target.name, probe.name());
			allResting &= rest > 0;
			firstRest = Math.min(firstRest, rest);
			long ready = Math.max(Math.max(pair.nextStart - now, rest), 0);
			if (ready < first) {
				first = ready;
				resting = rest > 0 && rest >= pair.nextStart - now;
			}
			rate += probeRate(target, interval);
		}
		long millis = first + (long) Math.ceil(ahead * 1000.0 / rate);
		return new Estimate(millis, rate, resting, allResting, firstRest);
	}

	/** Queries per second one probe can run at a target: its pace, and its connections over the latency. */
	private double probeRate(Target target, long interval) {
		double byPace = (interval > 0) ? 1000.0 / interval : 1000.0;
		double byConnections = (target.latencyMillis > 0) ? connections(target) * 1000.0 / target.latencyMillis
				: Double.MAX_VALUE;
		return Math.min(byPace, byConnections);
	}

	private static int connections(Target target) {
		Pace pace = target.pace;
		return (pace != null) ? pace.maxConnections() : Integer.MAX_VALUE;
	}

	/** Probes that may ever take the ticket: eligible for its kind and not excluded by it. */
	private List<ProbeSession> candidates(Target target, Ticket ticket) {
		List<ProbeSession> all = this.registry.candidates(target.capability);
		if (ticket.ask.excluded().isEmpty()) {
			return all;
		}
		return all.stream().filter((p) -> !ticket.ask.excluded().contains(p.name())).toList();
	}

	private void cancel(Target target, Ticket ticket) {
		if (ticket.state.compareAndSet(WAITING, CANCELLED)) {
			synchronized (target) {
				if (target.remove(ticket)) {
					this.queued.decrementAndGet();
				}
			}
			return;
		}
		Grant grant = ticket.grant;
		if (grant != null && grant.claimed.compareAndSet(false, true)) {
			// Cancelled between the grant and its delivery: nobody will use it.
			grant.abandon();
		}
	}

	/** Hands every ticket that may start now a probe, fails those nobody can take, and arms the next look. */
	void drain(Target target) {
		List<Ticket> granted = new ArrayList<>();
		List<Ticket> orphans = new ArrayList<>();
		synchronized (target) {
			if (target.queuedCount == 0) {
				return;
			}
			long now = now();
			List<ProbeSession> candidates = this.registry.candidates(target.capability);
			Map<String, Integer> handed = new HashMap<>();
			List<ProbeSession> ready = new ArrayList<>(candidates.size());
			while (target.queuedCount > 0) {
				ready.clear();
				for (ProbeSession probe : candidates) {
					if (mayStart(target, probe, handed, now)) {
						ready.add(probe);
					}
				}
				if (ready.isEmpty()) {
					break;
				}
				Ticket chosen = null;
				ProbeSession probe = null;
				int scanned = 0;
				for (Iterator<Ticket> order = target.order(); order.hasNext() && scanned < SCAN; scanned++) {
					Ticket ticket = order.next();
					if (ticket.state.get() != WAITING) {
						continue;
					}
					probe = best(target, ready, ticket.ask.excluded());
					if (probe != null) {
						chosen = ticket;
						break;
					}
					if (allExcluded(candidates, ticket.ask.excluded())) {
						orphans.add(ticket);
					}
				}
				for (Ticket orphan : orphans) {
					if (target.remove(orphan)) {
						this.queued.decrementAndGet();
					}
				}
				if (chosen == null) {
					break;
				}
				if (target.remove(chosen)) {
					this.queued.decrementAndGet();
				}
				target.rotate(chosen);
				if (!chosen.state.compareAndSet(WAITING, GRANTED)) {
					continue;
				}
				Pair pair = target.pair(probe.name());
				long interval = interval(target, pair, now);
				long previousStart = pair.nextStart;
				pair.open++;
				pair.nextStart = now + interval;
				handed.merge(probe.name(), 1, Integer::sum);
				chosen.grant = new Grant(this, target, probe, pair, previousStart, probePace(target, interval), now);
				granted.add(chosen);
			}
			if (candidates.isEmpty()) {
				orphans.addAll(target.drainAll());
				this.queued.addAndGet(-orphans.size());
			}
			arm(target, candidates, now);
		}
		for (Ticket ticket : granted) {
			ticket.sink.success(ticket.grant);
		}
		for (Ticket orphan : orphans) {
			if (orphan.state.compareAndSet(WAITING, CANCELLED)) {
				orphan.sink.error(new NoCandidate());
			}
		}
	}

	/**
	 * The ready probe a ticket goes to: the fewest queries open at the target, then the fewest tasks in flight, then
	 * the most credits left; the first in {@code ready}'s order among equals. {@code null} when every ready probe is
	 * excluded.
	 */
	private static @Nullable ProbeSession best(Target target, List<ProbeSession> ready, Set<String> excluded) {
		ProbeSession best = null;
		int bestOpen = 0;
		int bestInFlight = 0;
		int bestCredits = 0;
		for (ProbeSession probe : ready) {
			if (!excluded.isEmpty() && excluded.contains(probe.name())) {
				continue;
			}
			int open = target.pair(probe.name()).open;
			int inFlight = probe.inFlight();
			int credits = probe.availableCredits();
			if (best == null || open < bestOpen || (open == bestOpen
					&& (inFlight < bestInFlight || (inFlight == bestInFlight && credits > bestCredits)))) {
				best = probe;
				bestOpen = open;
				bestInFlight = inFlight;
				bestCredits = credits;
			}
		}
		return best;
	}

	private static boolean allExcluded(List<ProbeSession> candidates, Set<String> excluded) {
		if (excluded.isEmpty()) {
			return candidates.isEmpty();
		}
		for (ProbeSession probe : candidates) {
			if (!excluded.contains(probe.name())) {
				return false;
			}
		}
		return true;
	}

	private boolean mayStart(Target target, ProbeSession probe, Map<String, Integer> handed, long now) {
		if (probe.availableCredits() - handed.getOrDefault(probe.name(), 0) <= 0) {
			return false;
		}
		Pair pair = target.pair(probe.name());
		if (pair.nextStart > now || pair.open >= connections(target)) {
			return false;
		}
		return this.cooldowns.restMillis(target.name, probe.name()) == 0;
	}

	/** Arms one timer for the target's next possible start (or a recheck), unless an earlier one is armed. */
	private void arm(Target target, List<ProbeSession> candidates, long now) {
		if (target.queuedCount == 0) {
			return;
		}
		long due = now + RECHECK_MILLIS;
		for (ProbeSession probe : candidates) {
			Pair pair = target.pair(probe.name());
			long rest = this.cooldowns.restMillis(target.name, probe.name());
			long at = Math.max(pair.nextStart, now + rest);
			if (at > now && at < due) {
				due = at;
			}
		}
		if (target.timer != null && target.timerAt <= due && target.timerAt > now) {
			return;
		}
		if (target.timer != null) {
			target.timer.dispose();
		}
		target.timerAt = due;
		target.timer = this.clock.schedule(() -> {
			synchronized (target) {
				target.timer = null;
				target.timerAt = Long.MAX_VALUE;
			}
			drain(target);
		}, Math.max(1, due - now), TimeUnit.MILLISECONDS);
	}

	/** The interval the ledger keeps between two starts of a probe at a target, after any recovery due. */
	private long interval(Target target, Pair pair, long now) {
		long configured = configured(target);
		if (pair.learned <= 0) {
			return configured;
		}
		long base = base(target);
		while (pair.learned > 0 && now - pair.lastChange >= this.properties.recoveryAfter().toMillis()) {
			double rate = 1000.0 / pair.learned + this.properties.recoveryStep() * 1000.0 / base;
			long next = (long) Math.ceil(1000.0 / rate);
			pair.lastChange += this.properties.recoveryAfter().toMillis();
			pair.learned = (next <= base) ? 0 : next;
		}
		return Math.max(configured, pair.learned);
	}

	private static long configured(Target target) {
		Pace pace = target.pace;
		return (pace != null) ? pace.minIntervalMillis() : 0;
	}

	/** The interval AIMD starts from and returns to. */
	private long base(Target target) {
		long configured = configured(target);
		return (configured > 0) ? configured : this.properties.unpacedBackoffStart().toMillis();
	}

	/** The pace the probe's own pacer gets: a little looser than the ledger's, so jitter never makes it wait. */
	private @Nullable Pace probePace(Target target, long interval) {
		Pace configured = target.pace;
		if (configured == null && interval == 0) {
			return null;
		}
		long slack = Math.min(this.properties.probePaceSlack().toMillis(), interval / 2);
		return new Pace(Math.max(0, interval - slack), connections(target) == Integer.MAX_VALUE ? 1024
				: connections(target));
	}

	private long now() {
		return this.clock.now(TimeUnit.MILLISECONDS);
	}

	/**
	 * What to schedule.
	 *
	 * @param target the remote server
	 * @param capability the probe capability the work needs
	 * @param pace the pace the server assigns the target, or null for none
	 * @param lane who asks
	 * @param maxWait the longest estimated wait accepted
	 * @param excluded probes that must not take it (tried already)
	 * @param retry whether it comes back after an attempt: it goes to the front of its lane, unrefused for load
	 */
	public record Ask(String target, String capability, @Nullable Pace pace, Lane lane, Duration maxWait,
			Set<String> excluded, boolean retry) {
	}

	/**
	 * One target's state, for statistics.
	 *
	 * @param queued lookups waiting for a turn
	 * @param open queries open on probes
	 * @param configuredIntervalMillis the configured least time between two starts from one probe
	 * @param learnedIntervalMillis the slowest pace learned from throttles, or null when none is in force
	 * @param allowedRate queries per second the ledger allows now over every usable probe
	 */
	public record Load(int queued, int open, long configuredIntervalMillis, @Nullable Long learnedIntervalMillis,
			double allowedRate) {
	}

	/** A probe that may start the lookup now; {@link #release} it when the attempt is over. */
	public static final class Grant {

		private final Frontier frontier;

		private final Target target;

		private final ProbeSession probe;

		private final Pair pair;

		private final long previousStart;

		private final @Nullable Pace pace;

		private final long grantedAt;

		final AtomicBoolean claimed = new AtomicBoolean();

		private final AtomicBoolean released = new AtomicBoolean();

		Grant(Frontier frontier, Target target, ProbeSession probe, Pair pair, long previousStart, @Nullable Pace pace,
				long grantedAt) {
			this.frontier = frontier;
			this.target = target;
			this.probe = probe;
			this.pair = pair;
			this.previousStart = previousStart;
			this.pace = pace;
			this.grantedAt = grantedAt;
		}

		public ProbeSession probe() {
			return this.probe;
		}

		/** The pace to send the probe with the task. */
		public @Nullable Pace pace() {
			return this.pace;
		}

		/** Takes the grant for use; false when it was given up already (its lookup was cancelled). */
		public boolean claim() {
			return this.claimed.compareAndSet(false, true);
		}

		/** The attempt is over: the connection is free again. */
		public void release() {
			if (this.released.compareAndSet(false, true)) {
				long elapsed = this.frontier.now() - this.grantedAt;
				synchronized (this.target) {
					this.pair.open--;
					this.target.latencyMillis = (this.target.latencyMillis == 0) ? Math.max(1, elapsed)
							: Math.max(1, (this.target.latencyMillis * 7 + elapsed) / 8);
				}
				this.frontier.drain(this.target);
			}
		}

		/** The grant was not used (no credit after all, or nobody wanted it): the turn goes back. */
		public void abandon() {
			if (this.released.compareAndSet(false, true)) {
				synchronized (this.target) {
					this.pair.open--;
					this.pair.nextStart = Math.min(this.pair.nextStart, this.previousStart);
				}
				this.frontier.drain(this.target);
			}
		}
	}

	/** The refusal of a lookup no eligible probe may take. */
	public static final class NoCandidate extends RuntimeException {

		NoCandidate() {
			super("no eligible probe", null, false, false);
		}
	}

	/** The refusal of a lookup whose estimated wait is longer than its caller allows. */
	public static final class WaitTooLong extends RuntimeException {

		private final Duration estimate;

		private final boolean resting;

		WaitTooLong(String target, Duration estimate, String detail, boolean resting) {
			super(detail, null, false, false);
			this.estimate = estimate;
			this.resting = resting;
		}

		public Duration estimate() {
			return this.estimate;
		}

		/** Whether the wait is every usable probe's rest after a throttle. */
		public boolean resting() {
			return this.resting;
		}
	}

	private record Estimate(long millis, double rate, boolean resting, boolean allResting, long firstRest) {

		String describe(Ask ask, int ahead) {
			long seconds = Math.max(1, (this.millis + 999) / 1000);
			if (this.resting && ahead == 0) {
				return Frontier.allResting(ask.target(), seconds);
			}
			return ahead + " lookup(s) wait for " + ask.target() + " ahead of this one at about "
					+ String.format(java.util.Locale.ROOT, "%.2f", this.rate) + " per second; the estimated wait of "
					+ seconds + "s is more than the " + ask.maxWait().toMillis() + " ms this lookup may wait (maxWait)";
		}
	}

	private static final class Ticket {

		final Ask ask;

		final MonoSink<Grant> sink;

		final AtomicInteger state = new AtomicInteger(WAITING);

		volatile @Nullable Grant grant;

		/** In the interactive lane: asked so, or promoted there when a single lookup joined it. */
		boolean interactive;

		Ticket(Ask ask, MonoSink<Grant> sink) {
			this.ask = ask;
			this.sink = sink;
			this.interactive = ask.lane().interactive();
		}
	}

	/** One probe's ledger entry at one target. */
	static final class Pair {

		long nextStart;

		int open;

		/** Interval learned from throttles, 0 when none is in force. */
		long learned;

		long lastChange;
	}

	final class Target {

		final String name;

		final String capability;

		volatile @Nullable Pace pace;

		final ArrayDeque<Ticket> interactive = new ArrayDeque<>();

		/** Bulk lanes in round-robin order: the head's owner is served next. */
		final LinkedHashMap<String, ArrayDeque<Ticket>> bulk = new LinkedHashMap<>();

		volatile int queuedCount;

		final Map<String, Pair> pairs = new HashMap<>();

		long latencyMillis;

		@Nullable Disposable timer;

		long timerAt = Long.MAX_VALUE;

		Target(String name, String capability) {
			this.name = name;
			this.capability = capability;
		}

		Pair pair(String probe) {
			return this.pairs.computeIfAbsent(probe, (p) -> new Pair());
		}

		/** Tickets in the order they would be served: interactive first, then each bulk lane's head in turn. */
		Iterator<Ticket> order() {
			List<Ticket> order = new ArrayList<>(Math.min(SCAN, this.queuedCount));
			for (Ticket ticket : this.interactive) {
				if (order.size() >= SCAN) {
					return order.iterator();
				}
				order.add(ticket);
			}
			List<Iterator<Ticket>> lanes = new ArrayList<>();
			this.bulk.values().forEach((lane) -> lanes.add(lane.iterator()));
			boolean any = true;
			while (any && order.size() < SCAN) {
				any = false;
				for (Iterator<Ticket> lane : lanes) {
					if (lane.hasNext() && order.size() < SCAN) {
						order.add(lane.next());
						any = true;
					}
				}
			}
			return order.iterator();
		}

		boolean remove(Ticket ticket) {
			boolean removed;
			if (ticket.interactive) {
				removed = this.interactive.remove(ticket);
			}
			else {
				ArrayDeque<Ticket> lane = this.bulk.get(ticket.ask.lane().bulk());
				removed = lane != null && lane.remove(ticket);
				if (lane != null && lane.isEmpty()) {
					this.bulk.remove(ticket.ask.lane().bulk());
				}
			}
			if (removed) {
				this.queuedCount--;
			}
			return removed;
		}

		/** After a bulk lane was served, it goes to the back of the round. */
		void rotate(Ticket served) {
			String owner = served.ask.lane().bulk();
			if (owner == null || served.interactive) {
				return;
			}
			ArrayDeque<Ticket> lane = this.bulk.remove(owner);
			if (lane != null && !lane.isEmpty()) {
				this.bulk.put(owner, lane);
			}
		}

		List<Ticket> drainAll() {
			List<Ticket> all = new ArrayList<>(this.interactive);
			this.bulk.values().forEach(all::addAll);
			this.interactive.clear();
			this.bulk.clear();
			this.queuedCount = 0;
			return all;
		}

		Load load() {
			long now = now();
			int open = 0;
			long slowest = 0;
			double rate = 0;
			Set<String> live = new java.util.HashSet<>();
			for (ProbeSession probe : Frontier.this.registry.candidates(this.capability)) {
				live.add(probe.name());
				Pair pair = pair(probe.name());
				long interval = interval(this, pair, now);
				if (Frontier.this.cooldowns.restMillis(this.name, probe.name()) == 0) {
					rate += probeRate(this, interval);
				}
			}
			for (Map.Entry<String, Pair> entry : this.pairs.entrySet()) {
				open += entry.getValue().open;
				if (live.contains(entry.getKey())) {
					interval(this, entry.getValue(), now);
					slowest = Math.max(slowest, entry.getValue().learned);
				}
			}
			return new Load(this.queuedCount, open, configured(this), (slowest > 0) ? slowest : null,
					Math.round(rate * 100) / 100.0);
		}

		double allowedRate() {
			synchronized (this) {
				return load().allowedRate();
			}
		}

		double slowestLearned() {
			synchronized (this) {
				Long learned = load().learnedIntervalMillis();
				return (learned != null) ? learned : 0;
			}
		}
	}
}
