package dev.dragnet.probe.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.probe.reverseip.ForwardVerifier;
import dev.dragnet.probe.reverseip.NameServers;
import dev.dragnet.probe.reverseip.PtrLookup;
import dev.dragnet.probe.reverseip.SourceRunner;
import dev.dragnet.protocol.BlockAck;
import dev.dragnet.protocol.BlockGiveUp;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockProgress;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.CampaignNotice;
import dev.dragnet.protocol.ProbeFrame;
import dev.dragnet.protocol.SourceList;
import dev.dragnet.protocol.SourceRests;
import dev.dragnet.protocol.WantBlocks;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.publisher.Sinks.EmitResult;
import reactor.core.scheduler.Scheduler;

/**
 * Pulls campaign blocks and resolves them. Each block is a {@link BlockRun}: every address is asked of the sources
 * the lease names (or, when it names none, every definition the server sent) in order, and the first trusted answer
 * counts; a source that blocks, throttles, changes its page or silently bans this probe (B5, seen through its canary)
 * rests while the others carry on. The built-in source {@value SourceCatalogue#PTR} answers from the address's PTR
 * record through the probe's name servers; it is used only when the lease names it. When no source can answer an
 * address right now, the worker waits for the soonest rest to end when that is within the lease's length (progress
 * frames keep the lease alive), and asks again. When every source rests longer, it gives the block up
 * ({@link BlockGiveUp}) with the time they rest, so the server hands the block to another probe at once without
 * counting an attempt, and after that asks for no more work until a source is usable again (it wakes itself then).
 * Each change of a rest goes to the server as {@link SourceRests}, and a changed definition ends its source's rest
 * (an operator fixed it). When the lease asks
 * for verification, each domain found is forward-resolved through the probe's name servers ({@link ForwardChecks}).
 * One worker per session; its state is the sources and the leases it runs. The rests live in the {@link SourcePool},
 * which the agent keeps across sessions, and so do the results the server has not settled yet ({@link HeldResults}):
 * each finished block's result is kept until a {@code block-ack} stores or refuses it, sent again after each welcome,
 * and, when the server deferred it (its database was away), again after the ack's {@code retryAfterMillis} and on a
 * {@code campaign} notice. While the held results reach their bound the worker asks for no more blocks.
 */
public final class CampaignWorker {

	private static final Logger log = LoggerFactory.getLogger(CampaignWorker.class);

	/** How long a source rests after a block that named no wait. */
	static final Duration REST = Duration.ofMinutes(10);

	/**
	 * How long a source rests when waiting will not help: its page changed (the definition needs updating) or it
	 * refused this probe's API key.
	 */
	static final Duration PAGE_CHANGED_REST = Duration.ofHours(1);

	/** "None" answers in a row from one source, within one block, after which its canary is checked. */
	static final int SUSPICIOUS_ZEROS = 10;

	private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

	/** Shortest gap between progress frames, however short the lease. */
	private static final Duration MIN_PROGRESS_EVERY = Duration.ofMillis(200);

	/** Shortest and longest wait before sending deferred results again, whatever the server's ack says. */
	private static final Duration MIN_RESEND = Duration.ofMillis(100);

	private static final Duration MAX_RESEND = Duration.ofMinutes(10);

	/** Forward confirmations of one address in flight at once. */
	private static final int VERIFY_CONCURRENCY = 8;

	private final SourcePool pool;

	private final ForwardChecks checks;

	private final Consumer<ProbeFrame> send;

	private final int slots;

	private final int parallelism;

	private final int suspiciousZeros;

	private final Scheduler clock;

	private final Map<String, String> keys;

	private final HeldResults held;

	private final AtomicReference<List<SourceDefinition>> sources = new AtomicReference<>(List.of());

	private final AtomicInteger running = new AtomicInteger();

	/**
	 * Blocks asked for and not arrived yet, so a probe that asks twice before the first answer does not take more
	 * blocks than it has slots. The server may answer with fewer (or none), so this is forgotten whenever the probe
	 * has reason to ask afresh: on the poll, on a campaign notice, and on new sources.
	 */
	private final AtomicInteger asked = new AtomicInteger();

	/** The blocks running now, by lease id, each with the signal that stops it when the server says its lease ended. */
	private final Map<String, Sinks.One<Boolean>> leases = new ConcurrentHashMap<>();

	/** Set by a give-up, cleared by a finished block: the probe's sources could not serve the work it got. */
	private volatile boolean gaveUp;

	/** Waits after which the worker asks for work again (a rest that made it give a block up ends then). */
	private final Sinks.Many<Duration> wakeups = Sinks.many().multicast().directBestEffort();

	/** Waits after which deferred results go again; at most one is armed at a time. */
	private final Sinks.Many<Duration> resends = Sinks.many().multicast().directBestEffort();

	private final AtomicBoolean resendArmed = new AtomicBoolean();

	/** Set while the held results are at their bound and the worker asks for nothing, so that is logged once. */
	private volatile boolean heldFull;

	/**
	 * @param runner asks the declarative sources
	 * @param nameServers answer PTR lookups and forward verification
	 * @param keys this probe's API keys for keyed sources, by source name
	 * @param send where frames for the server go
	 * @param slots blocks run at once
	 * @param parallelism addresses of one block resolved at once (sources pace themselves per host)
	 */
	public CampaignWorker(SourceRunner runner, NameServers nameServers, Map<String, String> keys,
			Consumer<ProbeFrame> send, int slots, int parallelism) {
		this(SourcePool.of(runner, nameServers), nameServers, keys, send, slots, parallelism);
	}

	/**
	 * A worker for one session of a probe whose {@code pool} outlives its sessions (the rests it knows carry over).
	 * @param pool the agent's sources and their rests
	 * @param nameServers answer forward verification
	 * @param keys this probe's API keys for keyed sources, by source name
	 * @param send where frames for the server go
	 * @param slots blocks run at once
	 * @param parallelism addresses of one block resolved at once
	 */
	public CampaignWorker(SourcePool pool, NameServers nameServers, Map<String, String> keys,
			Consumer<ProbeFrame> send, int slots, int parallelism) {
		this(pool, new HeldResults(), nameServers, keys, send, slots, parallelism);
	}

	/**
	 * A worker for one session of a probe whose {@code pool} and {@code held} results outlive its sessions.
	 * @param pool the agent's sources and their rests
	 * @param held the agent's results not settled by the server yet
	 * @param nameServers answer forward verification
	 * @param keys this probe's API keys for keyed sources, by source name
	 * @param send where frames for the server go
	 * @param slots blocks run at once
	 * @param parallelism addresses of one block resolved at once
	 */
	public CampaignWorker(SourcePool pool, HeldResults held, NameServers nameServers, Map<String, String> keys,
			Consumer<ProbeFrame> send, int slots, int parallelism) {
		this(pool, held, nameServers, keys, send, slots, parallelism, SUSPICIOUS_ZEROS, pool.clock());
	}

	CampaignWorker(SourceRunner runner, NameServers nameServers, Map<String, String> keys, Consumer<ProbeFrame> send,
			int slots, int parallelism, int suspiciousZeros, Scheduler clock) {
		this(new SourcePool(runner, new PtrLookup(nameServers), clock), new HeldResults(), nameServers, keys, send,
				slots, parallelism, suspiciousZeros, clock);
	}

	CampaignWorker(SourcePool pool, HeldResults held, NameServers nameServers, Map<String, String> keys,
			Consumer<ProbeFrame> send, int slots, int parallelism, int suspiciousZeros, Scheduler clock) {
		this.held = held;
		this.keys = Map.copyOf(keys);
		this.pool = pool;
		this.checks = new ForwardChecks(new ForwardVerifier(nameServers), VERIFY_CONCURRENCY);
		this.send = send;
		this.slots = slots;
		this.parallelism = parallelism;
		this.suspiciousZeros = suspiciousZeros;
		this.clock = clock;
		this.pool.onChange(this::reportRests);
	}

	/**
	 * While the session lasts, asks for work every {@code every} when a slot is free (a safety net for blocks that
	 * came back to the pool while nobody asked), and as soon as a rest that made it give a block up is over; and sends
	 * deferred results again when their wait is over. Never completes; cancel it with the session.
	 */
	public Mono<Void> poll(Duration every) {
		Flux<Long> wake = this.wakeups.asFlux().flatMap((wait) -> Mono.delay(wait, this.clock), 16);
		Flux<Long> ticks = Flux.interval(every, this.clock).doOnNext((tick) -> this.asked.set(0));
		Flux<Long> resend = this.resends.asFlux()
			.flatMap((wait) -> Mono.delay(wait, this.clock), 4)
			.doOnNext((tick) -> {
				this.resendArmed.set(false);
				resendDeferred();
			});
		return Flux.merge(Flux.merge(ticks, wake).doOnNext((tick) -> askForBlocks()), resend).then();
	}

	/** The leases whose results this probe holds, for the hello of a new session. */
	public List<String> heldLeases() {
		return this.held.leases();
	}

	/**
	 * The session was welcomed: every result held from earlier sessions (or deferred in this one) goes again; the
	 * server named in the hello that they would.
	 */
	public void welcomed() {
		List<BlockResult> again = this.held.takeAll();
		if (!again.isEmpty()) {
			log.info("sending {} held block result(s) again in the new session", again.size());
			again.forEach(this.send);
		}
	}

	/**
	 * New definitions replace the old ones; then, with sources to use, the worker asks for work. A keyed source gets
	 * this probe's key for it, or is left out when the probe has none.
	 */
	public void sources(SourceList list) {
		List<SourceDefinition> usable = new ArrayList<>();
		for (SourceDefinition definition : list.sources()) {
			String key = this.keys.get(definition.name());
			if (!definition.needsKey()) {
				usable.add(definition);
			}
			else if (key != null) {
				usable.add(definition.withKey(key));
			}
			else {
				log.warn("not using source {}: it needs an API key; give the probe one with --source-keys {}=KEY",
						definition.name(), definition.name());
			}
		}
		this.sources.set(List.copyOf(usable));
		log.info("received {} reverse-IP source(s), using {}", list.sources().size(),
				usable.stream().map(SourceDefinition::name).toList());
		// A new version of a definition ends its rest: the operator changed it, maybe because of what made it rest.
		usable.forEach(this.pool::definition);
		reportRests();
		this.asked.set(0);
		askForBlocks();
	}

	public void notice(CampaignNotice notice) {
		log.info("campaign {} {}", notice.campaignId(), notice.state().toLowerCase(Locale.ROOT));
		if (CampaignNotice.STARTED.equals(notice.state())) {
			this.asked.set(0);
			// The server announces its running campaigns again when its database is back: deferred results go now.
			resendDeferred();
			askForBlocks();
		}
	}

	/**
	 * The server's answer to a result, or to progress on a lease it no longer honours (it lapsed or went to another
	 * probe): a block still running under such a lease is stopped, since its result would be refused.
	 */
	public void ack(BlockAck ack) {
		if (ack.deferral()) {
			deferred(ack);
			return;
		}
		boolean wasFull = this.held.full();
		boolean wasHeld = this.held.settled(ack.leaseId());
		if (wasFull && !this.held.full()) {
			log.info("the server settled held block results; {} still held, asking for blocks again", this.held.size());
			askForBlocks();
		}
		if (ack.accepted()) {
			return;
		}
		if (wasHeld) {
			log.warn("the server refused the result of lease {}: {}", ack.leaseId(), ack.reason());
			return;
		}
		Sinks.One<Boolean> running = this.leases.get(ack.leaseId());
		if (running != null) {
			log.warn("stopping the block of lease {}: the server no longer holds it for this probe ({})", ack.leaseId(),
					ack.reason());
			running.tryEmitValue(Boolean.TRUE);
		}
		else {
			log.warn("the server refused the result of lease {}: {}", ack.leaseId(), ack.reason());
		}
	}

	/** Runs a leased block to its result, or gives it up; completes when done, never errors. */
	public Mono<Void> run(BlockLease lease) {
		this.running.incrementAndGet();
		this.asked.updateAndGet((n) -> Math.max(0, n - 1));
		Sinks.One<Boolean> lost = Sinks.one();
		this.leases.put(lease.leaseId(), lost);
		long first = Ipv4Range.address(lease.first(), "block");
		long last = Ipv4Range.address(lease.last(), "block");
		Duration leaseLength = Duration.ofMillis(Math.max(1, lease.leaseMillis()));
		BlockRun block = new BlockRun(this.pool, usable(lease), first, last, this.parallelism, this.suspiciousZeros,
				leaseLength);
		log.info("block {} of campaign {}: {} addresses, {} to {}", lease.blockId(), lease.campaignId(), last - first + 1,
				lease.first(), lease.last());
		Flux<Long> progress = Flux.interval(progressEvery(leaseLength), this.clock)
			.doOnNext((tick) -> this.send.accept(new BlockProgress(lease.leaseId(), block.done())));
		return block.answers()
			.flatMap((answers) -> result(lease, answers))
			.doOnNext(this::deliver)
			.doOnNext((r) -> this.gaveUp = false)
			.doOnNext((r) -> log.info("block {} done: {} address(es) with domains, {} without", lease.blockId(),
					r.found().size(), r.empty().size()))
			.onErrorResume((ex) -> {
				giveUp(lease, ex);
				return Mono.empty();
			})
			.takeUntilOther(Mono.firstWithSignal(progress.then(), lost.asMono()))
			.doFinally((signal) -> {
				this.leases.remove(lease.leaseId());
				this.running.decrementAndGet();
				askForBlocks();
			})
			.then();
	}

	/**
	 * Progress often enough that the lease never lapses while the block runs (or waits out a rest): three frames per
	 * lease, at most every {@link #PROGRESS_EVERY}.
	 */
	static Duration progressEvery(Duration lease) {
		Duration third = lease.dividedBy(3);
		return (third.compareTo(PROGRESS_EVERY) > 0) ? PROGRESS_EVERY
				: (third.compareTo(MIN_PROGRESS_EVERY) < 0) ? MIN_PROGRESS_EVERY : third;
	}

	/** A finished block's result goes to the server and is held until the server settles it. */
	private void deliver(BlockResult result) {
		this.held.hold(result);
		this.send.accept(result);
	}

	/** The server could not store a result now: it is kept and sent again after the wait the server named. */
	private void deferred(BlockAck ack) {
		int times = this.held.deferred(ack.leaseId());
		if (times == 0) {
			log.debug("the server deferred the result of lease {}, which this probe no longer holds", ack.leaseId());
			return;
		}
		Duration wait = Duration.ofMillis(ack.retryAfterMillis());
		wait = (wait.compareTo(MIN_RESEND) < 0) ? MIN_RESEND : (wait.compareTo(MAX_RESEND) > 0) ? MAX_RESEND : wait;
		if (times == 1) {
			log.info("the server could not store the result of lease {} now ({}); keeping it and sending it again in {}"
					+ " ms", ack.leaseId(), ack.reason(), wait.toMillis());
		}
		else {
			log.debug("the result of lease {} was deferred again ({} times)", ack.leaseId(), times);
		}
		if (this.resendArmed.compareAndSet(false, true)) {
			EmitResult armed;
			synchronized (this.resends) {
				armed = this.resends.tryEmitNext(wait);
			}
			if (armed.isFailure()) {
				// No poll runs (the session is ending): the next welcome sends it again.
				this.resendArmed.set(false);
			}
		}
	}

	/** Sends the deferred results again. */
	private void resendDeferred() {
		List<BlockResult> due = this.held.takeDeferred();
		if (!due.isEmpty()) {
			log.debug("sending {} deferred block result(s) again", due.size());
			due.forEach(this.send);
		}
	}

	/**
	 * Hands a block back. When only rests stopped it, the frame says how long they last (no attempt is counted),
	 * and the worker wakes itself to ask for work when they end.
	 */
	private void giveUp(BlockLease lease, Throwable ex) {
		Duration resting = (ex instanceof UnanswerableBlockException unanswerable) ? unanswerable.resting() : null;
		log.warn("giving up block {}: {}", lease.blockId(), ex.getMessage());
		this.gaveUp = true;
		this.send.accept(new BlockGiveUp(lease.leaseId(), String.valueOf(ex.getMessage()),
				(resting != null) ? resting.toMillis() : null));
		if (resting != null) {
			synchronized (this.wakeups) {
				this.wakeups.tryEmitNext(resting.plusMillis(1));
			}
		}
	}

	/** Tells the server where every source this probe has stands (resting until when, or usable). */
	private void reportRests() {
		List<String> names = this.sources.get().stream().map(SourceDefinition::name).toList();
		this.send.accept(new SourceRests(this.pool.report(names)));
	}

	/**
	 * Asks for as many blocks as there are free slots, unless there is no source to use, or the last block was given
	 * up and every source still rests (the built-in PTR lookup never rests, so without a give-up a probe whose
	 * definitions all rest still takes blocks that may name it).
	 */
	private void askForBlocks() {
		List<String> names = this.sources.get().stream().map(SourceDefinition::name).toList();
		if (names.isEmpty() || (this.gaveUp && this.pool.allResting(names))) {
			return;
		}
		if (this.held.full()) {
			if (!this.heldFull) {
				this.heldFull = true;
				log.warn("{} block results wait for the server to store them; asking for no more blocks until it does",
						this.held.size());
			}
			return;
		}
		this.heldFull = false;
		int free;
		synchronized (this.asked) {
			free = this.slots - this.running.get() - this.asked.get();
			if (free > 0) {
				this.asked.addAndGet(free);
			}
		}
		if (free > 0) {
			this.send.accept(new WantBlocks(free));
		}
	}

	/** The sources the lease names, in its order, that this probe has; every definition when it names none. */
	private List<Source> usable(BlockLease lease) {
		List<SourceDefinition> all = this.sources.get();
		if (lease.sources().isEmpty()) {
			return all.stream().map(Source::of).toList();
		}
		List<Source> named = new ArrayList<>();
		for (String name : lease.sources()) {
			if (SourceCatalogue.PTR.equals(name)) {
				named.add(Source.ptr());
			}
			else {
				all.stream().filter((s) -> s.name().equals(name)).findFirst().map(Source::of).ifPresent(named::add);
			}
		}
		return named;
	}

	/** The result of a block: addresses without names as empty, the others with their (verified) findings. */
	private Mono<BlockResult> result(BlockLease lease, List<BlockRun.Answer> answers) {
		List<String> empty = answers.stream()
			.filter((answer) -> answer.domains().isEmpty())
			.map(BlockRun.Answer::ip)
			.toList();
		return Flux.fromIterable(answers)
			.filter((answer) -> !answer.domains().isEmpty())
			.concatMap((answer) -> this.checks.finding(answer.ip(), answer.source(), answer.domains(), lease.verify()))
			.collectList()
			.map((found) -> new BlockResult(lease.leaseId(), found, empty));
	}

}
