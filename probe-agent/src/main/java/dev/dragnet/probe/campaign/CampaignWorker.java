package dev.dragnet.probe.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.probe.reverseip.ForwardVerifier;
import dev.dragnet.probe.reverseip.NameServers;
import dev.dragnet.probe.reverseip.PtrLookup;
import dev.dragnet.probe.reverseip.SourceAnswer;
import dev.dragnet.probe.reverseip.SourceRunner;
import dev.dragnet.protocol.BlockAck;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockProgress;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.CampaignNotice;
import dev.dragnet.protocol.ProbeFrame;
import dev.dragnet.protocol.SourceList;
import dev.dragnet.protocol.WantBlocks;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Pulls campaign blocks and resolves them. For each address the sources the lease names (or, when it names none,
 * every definition the server sent) are asked in order; the first definite answer (domains or none) counts. The
 * built-in source {@value SourceCatalogue#PTR} answers from the address's PTR record through the probe's name servers;
 * it is used only when the lease names it. A source that blocks or throttles rests (for the wait it named,
 * else {@link #REST}) and the next one is asked; a changed page rests it longer. When no source can answer an
 * address the block is dropped without a result, so its lease lapses and another probe gets it. When the lease asks
 * for verification, each domain found is forward-resolved through the probe's name servers ({@link ForwardChecks}).
 * One worker per session; its state is the sources, the leases it runs, and the rests.
 */
public final class CampaignWorker {

	private static final Logger log = LoggerFactory.getLogger(CampaignWorker.class);

	static final Duration REST = Duration.ofMinutes(10);

	static final Duration PAGE_CHANGED_REST = Duration.ofHours(1);

	private static final Duration LOOKUP_DEADLINE = Duration.ofSeconds(30);

	private static final Duration PTR_DEADLINE = Duration.ofSeconds(10);

	private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

	/** Forward confirmations of one address in flight at once. */
	private static final int VERIFY_CONCURRENCY = 8;

	private final SourceRunner runner;

	private final PtrLookup ptr;

	private final ForwardChecks checks;

	private final Consumer<ProbeFrame> send;

	private final int slots;

	private final int parallelism;

	private final Scheduler clock;

	private final AtomicReference<List<SourceDefinition>> sources = new AtomicReference<>(List.of());

	private final AtomicInteger running = new AtomicInteger();

	private final Map<String, Long> restingUntil = new ConcurrentHashMap<>();

	/**
	 * @param runner asks the declarative sources
	 * @param nameServers answer PTR lookups and forward verification
	 * @param send where frames for the server go
	 * @param slots blocks run at once
	 * @param parallelism addresses of one block resolved at once (sources pace themselves per host)
	 */
	public CampaignWorker(SourceRunner runner, NameServers nameServers, Consumer<ProbeFrame> send, int slots,
			int parallelism) {
		this(runner, nameServers, send, slots, parallelism, Schedulers.parallel());
	}

	CampaignWorker(SourceRunner runner, NameServers nameServers, Consumer<ProbeFrame> send, int slots, int parallelism,
			Scheduler clock) {
		this.runner = runner;
		this.ptr = new PtrLookup(nameServers);
		this.checks = new ForwardChecks(new ForwardVerifier(nameServers), VERIFY_CONCURRENCY);
		this.send = send;
		this.slots = slots;
		this.parallelism = parallelism;
		this.clock = clock;
	}

	/**
	 * While the session lasts, asks for work every {@code every} when a slot is free: a safety net for blocks
	 * that came back to the pool while nobody asked. Never completes; cancel it with the session.
	 */
	public Mono<Void> poll(Duration every) {
		return Flux.interval(every, this.clock).doOnNext((tick) -> askForBlocks()).then();
	}

	/** New definitions replace the old ones; then, with sources to use, the worker asks for work. */
	public void sources(SourceList list) {
		this.sources.set(list.sources());
		log.info("received {} reverse-IP source(s): {}", list.sources().size(),
				list.sources().stream().map(SourceDefinition::name).toList());
		askForBlocks();
	}

	public void notice(CampaignNotice notice) {
		log.info("campaign {} {}", notice.campaignId(), notice.state().toLowerCase(Locale.ROOT));
		if (CampaignNotice.STARTED.equals(notice.state())) {
			askForBlocks();
		}
	}

	public void ack(BlockAck ack) {
		if (!ack.accepted()) {
			log.warn("the server refused the result of lease {}: {}", ack.leaseId(), ack.reason());
		}
	}

	/** Runs a leased block to its result; completes when done or dropped, never errors. */
	public Mono<Void> run(BlockLease lease) {
		this.running.incrementAndGet();
		long first = Ipv4Range.address(lease.first(), "block");
		long last = Ipv4Range.address(lease.last(), "block");
		AtomicInteger done = new AtomicInteger();
		List<Source> usable = usable(lease);
		log.info("block {} of campaign {}: {} addresses, {} to {}", lease.blockId(), lease.campaignId(), last - first + 1,
				lease.first(), lease.last());
		Mono<BlockResult> result = Flux.range(0, (int) (last - first + 1))
			.flatMap((i) -> resolve(usable, Ipv4Range.format(first + i)).doOnNext((r) -> done.incrementAndGet()),
					this.parallelism)
			.collectList()
			.flatMap((answers) -> result(lease, answers));
		Flux<Long> progress = Flux.interval(PROGRESS_EVERY, this.clock)
			.doOnNext((tick) -> this.send.accept(new BlockProgress(lease.leaseId(), done.get())));
		return result.doOnNext(this.send::accept)
			.doOnNext((r) -> log.info("block {} done: {} address(es) with domains, {} without", lease.blockId(),
					r.found().size(), r.empty().size()))
			.onErrorResume((ex) -> {
				log.warn("dropping block {}: {}; its lease will lapse and another probe will take it", lease.blockId(),
						ex.getMessage());
				return Mono.empty();
			})
			.takeUntilOther(progress.then())
			.doFinally((signal) -> {
				this.running.decrementAndGet();
				askForBlocks();
			})
			.then();
	}

	private void askForBlocks() {
		int free = this.slots - this.running.get();
		if (free > 0 && !this.sources.get().isEmpty()) {
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

	/** The first definite answer for {@code ip}, asking the sources in order and skipping resting ones. */
	private Mono<Answer> resolve(List<Source> sources, String ip) {
		return Flux.fromIterable(sources)
			.filter((source) -> !resting(source.name()))
			.concatMap((source) -> ask(source, ip).flatMap((answer) -> judge(source, ip, answer)), 1)
			.next()
			.switchIfEmpty(Mono.error(() -> new IllegalStateException("no source could answer for " + ip)));
	}

	private Mono<SourceAnswer> ask(Source source, String ip) {
		SourceDefinition definition = source.definition();
		return (definition != null) ? this.runner.lookup(definition, ip, LOOKUP_DEADLINE)
				: this.ptr.lookup(ip, PTR_DEADLINE);
	}

	private Mono<Answer> judge(Source source, String ip, SourceAnswer answer) {
		switch (answer.status()) {
			case FOUND:
				return Mono.just(new Answer(ip, source.name(), List.copyOf(answer.domains())));
			case NONE:
				return Mono.just(new Answer(ip, source.name(), List.of()));
			case BLOCKED:
				rest(source.name(), (answer.retryAfter() != null) ? answer.retryAfter() : REST,
						"blocked (" + answer.blockedAs() + ")");
				return Mono.empty();
			case PAGE_CHANGED:
				rest(source.name(), PAGE_CHANGED_REST, "its page changed: " + answer.detail());
				return Mono.empty();
			default:
				log.debug("source {} failed for {}: {} {}", source.name(), ip, answer.status(), answer.detail());
				return Mono.empty();
		}
	}

	private boolean resting(String source) {
		Long until = this.restingUntil.get(source);
		return until != null && until > this.clock.now(TimeUnit.MILLISECONDS);
	}

	private void rest(String source, Duration duration, String why) {
		long until = this.clock.now(TimeUnit.MILLISECONDS) + duration.toMillis();
		if (this.restingUntil.merge(source, until, Math::max) == until) {
			log.warn("source {} {}; resting it for {} s", source, why, duration.toSeconds());
		}
	}

	/** The result of a block: addresses without names as empty, the others with their (verified) findings. */
	private Mono<BlockResult> result(BlockLease lease, List<Answer> answers) {
		List<String> empty = answers.stream().filter((answer) -> answer.domains().isEmpty()).map(Answer::ip).toList();
		return Flux.fromIterable(answers)
			.filter((answer) -> !answer.domains().isEmpty())
			.concatMap((answer) -> this.checks.finding(answer.ip(), answer.source(), answer.domains(), lease.verify()))
			.collectList()
			.map((found) -> new BlockResult(lease.leaseId(), found, empty));
	}

	/** What one address resolved to, and by which source. */
	private record Answer(String ip, String source, List<String> domains) {
	}
}
