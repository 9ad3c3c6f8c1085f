package dev.dragnet.probe.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.probe.reverseip.SourceAnswer;
import dev.dragnet.probe.reverseip.SourceAnswer.Status;
import dev.dragnet.protocol.source.Verdict;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Resolves every address of one leased block through its sources, in passes.
 *
 * <p><b>One pass.</b> Each address is asked of the sources in order, skipping those that rest and those already
 * distrusted for it; the first definite answer (names, or none) counts. A source that blocks or throttles rests (for
 * the wait it named, else {@link CampaignWorker#REST}), a changed page or a refused API key rests it for
 * {@link CampaignWorker#PAGE_CHANGED_REST}, and the next source is asked.
 *
 * <p><b>Silent bans (B5).</b> A source with a canary may ban this probe silently, answering every address with a
 * normal page holding zero rows. So its "none" answers are kept only once a canary check after them came back with
 * names. A check runs when {@code suspiciousZeros} of its answers in a row were "none", and at the end of each pass for
 * every source that still has unchecked zeros. When the canary shows none (a ban) or cannot be read, the source rests
 * like any blocked one, and the addresses it said "none" for since its last good canary are asked again, in the next
 * pass, of the sources after it: they are never reported as empty on its word. One exception: a source that refused
 * openly (a quota text, a captcha, a 429, on an address or on the canary) says when it stops answering, so the zeros
 * it gave before that refusal stand, and are not asked again at the cost of other sources' small budgets. Names, by contrast, are trusted as they
 * come: a banned source shows none. Passes repeat until no address is left to ask again; each repeat has one source
 * fewer for each address it holds, so they end.
 *
 * <p><b>Rests are waited out.</b> When every source left for an address rests, and the soonest of those rests ends
 * within {@code maxWait} (the lease's length: progress frames keep the lease alive meanwhile), the address waits for
 * it and is asked again: a one-second throttle costs a second, not the block. Only when every source rests longer
 * than that does the run fail with {@link UnanswerableBlockException} carrying the wait, so the block goes back with
 * no attempt counted. When a source is left that failed outright (an error, not a rest), or whose answers were not
 * trusted, the run fails the same way without a wait: that is a real failure of the block.
 */
final class BlockRun {

	private static final Logger log = LoggerFactory.getLogger(BlockRun.class);

	/** The verdict a source rests with when its page no longer has the layout its definition expects. */
	static final String PAGE_CHANGED = "PAGE_CHANGED";

	private final SourcePool pool;

	private final List<Source> sources;

	private final List<String> addresses;

	private final int parallelism;

	private final int suspiciousZeros;

	private final Duration maxWait;

	private final Map<String, Answer> answers = new ConcurrentHashMap<>();

	private final Map<String, Set<String>> distrusted = new ConcurrentHashMap<>();

	private final Map<String, Suspects> suspects = new ConcurrentHashMap<>();

	private final Set<String> askAgain = ConcurrentHashMap.newKeySet();

	/**
	 * @param pool the probe's sources
	 * @param sources the sources the lease names, in order
	 * @param first the block's first address
	 * @param last the block's last address
	 * @param parallelism addresses asked at once
	 * @param suspiciousZeros "none" answers in a row from one source after which its canary is checked
	 * @param maxWait the longest rest an address waits out before the block is given up (the lease's length)
	 */
	BlockRun(SourcePool pool, List<Source> sources, long first, long last, int parallelism, int suspiciousZeros,
			Duration maxWait) {
		this.maxWait = maxWait;
		this.pool = pool;
		this.sources = List.copyOf(sources);
		List<String> all = new ArrayList<>((int) (last - first + 1));
		for (long address = first; address <= last; address++) {
			all.add(Ipv4Range.format(address));
		}
		this.addresses = List.copyOf(all);
		this.parallelism = parallelism;
		this.suspiciousZeros = suspiciousZeros;
	}

	/** Every address's answer, in address order, once each has a trusted one; or the reason one cannot have it. */
	Mono<List<Answer>> answers() {
		return pass(this.addresses)
			.expand((again) -> again.isEmpty() ? Mono.empty() : Mono.defer(() -> {
				log.info("asking {} address(es) again whose empty answers could not be trusted", again.size());
				return pass(again);
			}))
			.then(Mono.fromCallable(() -> this.answers.values().stream()
				.sorted(Comparator.comparingLong((Answer answer) -> Ipv4Range.address(answer.ip(), "answer")))
				.toList()));
	}

	/** Addresses answered so far (those to be asked again excepted). */
	int done() {
		return this.answers.size();
	}

	/** One pass over {@code ips}, then the canary checks it calls for; the addresses to ask again. */
	private Mono<List<String>> pass(List<String> ips) {
		return Flux.fromIterable(ips)
			.flatMap(this::resolve, this.parallelism)
			.then(Mono.defer(this::settle))
			.then(Mono.fromCallable(this::takeAskAgain));
	}

	/**
	 * Asks the sources in turn until one answers {@code ip} (or its answer is queued for another pass); when none
	 * could, waits out the soonest rest if that is short enough, else fails.
	 */
	private Mono<Void> resolve(String ip) {
		return Flux.fromIterable(this.sources)
			.filter((source) -> !this.pool.resting(source.name()) && !distrusts(ip, source))
			.concatMap((source) -> this.pool.ask(source, ip).flatMap((answer) -> judge(source, ip, answer)), 1)
			.filter(Boolean::booleanValue)
			.next()
			.switchIfEmpty(Mono.defer(() -> waitOrGiveUp(ip)))
			.then();
	}

	/** No source answered {@code ip} just now: wait for the soonest rest to end and ask again, or give up. */
	private Mono<Boolean> waitOrGiveUp(String ip) {
		Decision decision = decide(ip);
		if (decision.waitFor() != null) {
			log.debug("every source for {} rests; waiting {} ms for the first to be usable", ip,
					decision.waitFor().toMillis());
			return Mono.delay(decision.waitFor(), this.pool.clock()).then(Mono.defer(() -> resolve(ip))).thenReturn(true);
		}
		return Mono.error(new UnanswerableBlockException(ip, why(ip), decision.resting()));
	}

	/**
	 * What to do about an address no source could answer just now. Wait when every source still allowed for it
	 * rests and the soonest rest ends within {@code maxWait}; give up with that rest when it is longer (the sources'
	 * fault, not the block's); give up without one when a source that does not rest failed, or none is left.
	 */
	Decision decide(String ip) {
		List<String> candidates = this.sources.stream()
			.filter((source) -> !distrusts(ip, source))
			.map(Source::name)
			.toList();
		if (candidates.isEmpty() || !this.pool.allResting(candidates)) {
			return new Decision(null, null);
		}
		Duration soonest = this.pool.soonestUsable(candidates);
		// A millisecond more than the rest left, so the source is surely usable when the address is asked again.
		return (soonest.compareTo(this.maxWait) <= 0) ? new Decision(soonest.plusMillis(1), null)
				: new Decision(null, soonest);
	}

	/** Takes in one answer; true when {@code ip} needs no other source now. */
	private Mono<Boolean> judge(Source source, String ip, SourceAnswer answer) {
		switch (answer.status()) {
			case FOUND:
				this.answers.put(ip, new Answer(ip, source.name(), List.copyOf(answer.domains())));
				suspectsOf(source).found();
				return Mono.just(true);
			case NONE:
				this.answers.put(ip, new Answer(ip, source.name(), List.of()));
				if (source.canary() == null) {
					return Mono.just(true);
				}
				return suspectsOf(source).none(ip, this.suspiciousZeros) ? checkCanary(source).thenReturn(true)
						: Mono.just(true);
			case BLOCKED:
				restBlocked(source, answer, "blocked (" + answer.blockedAs() + ")");
				return Mono.just(false);
			case PAGE_CHANGED:
				this.pool.rest(source.name(), CampaignWorker.PAGE_CHANGED_REST, PAGE_CHANGED,
						"its page changed: " + answer.detail(), false);
				return Mono.just(false);
			default:
				log.debug("source {} failed for {}: {} {}", source.name(), ip, answer.status(), answer.detail());
				return Mono.just(false);
		}
	}

	/** At the end of a pass: a canary check for every source with zeros still unchecked. */
	private Mono<Void> settle() {
		return Flux.fromIterable(this.sources)
			.filter((source) -> source.canary() != null && suspectsOf(source).unchecked())
			.concatMap(this::settle, 1)
			.then();
	}

	private Mono<Void> settle(Source source) {
		Duration left = this.pool.restLeft(source.name());
		if (left.isZero()) {
			return checkCanary(source);
		}
		if (left.compareTo(SourcePool.LOOKUP_DEADLINE) <= 0) {
			// A short rest (a throttle's Retry-After): waiting costs less than asking every zero again elsewhere.
			return Mono.delay(left).then(Mono.defer(() -> settle(source)));
		}
		Set<String> unchecked = suspectsOf(source).checking();
		if (this.pool.restsAfterOpenRefusal(source.name())) {
			suspectsOf(source).trusted(unchecked);
		}
		else {
			distrust(source, unchecked, "it rests, so its canary cannot be checked");
		}
		return Mono.empty();
	}

	/** Checks {@code source}'s canary for the zeros it gave so far; a ban or an unreadable canary distrusts them. */
	private Mono<Void> checkCanary(Source source) {
		Suspects watch = suspectsOf(source);
		Set<String> covered = watch.checking();
		return this.pool.checkCanary(source).doOnNext((canary) -> {
			if (canary.status() == Status.NONE) {
				watch.trusted(covered);
				return;
			}
			if (canary.status() == Status.BLOCKED) {
				restBlocked(source, canary, "blocked (" + canary.blockedAs() + "): " + canary.detail());
			}
			else if (canary.status() == Status.PAGE_CHANGED) {
				this.pool.rest(source.name(), CampaignWorker.PAGE_CHANGED_REST, PAGE_CHANGED,
						"its page changed: " + canary.detail(), false);
			}
			if (this.pool.restsAfterOpenRefusal(source.name())) {
				watch.trusted(covered);
				return;
			}
			distrust(source, covered, canary.detail());
		}).then();
	}

	/** Rests a source that refused: for the wait it named, long when waiting will not help, else the usual rest. */
	private void restBlocked(Source source, SourceAnswer refusal, String why) {
		Duration rest = (refusal.retryAfter() != null) ? refusal.retryAfter()
				: (refusal.blockedAs() == Verdict.KEY_REFUSED) ? CampaignWorker.PAGE_CHANGED_REST : CampaignWorker.REST;
		String verdict = (refusal.blockedAs() != null) ? refusal.blockedAs().name() : "BLOCKED";
		this.pool.rest(source.name(), rest, verdict, why, refusal.blockedAs() != Verdict.BANNED);
	}

	/** Drops the zero answers of {@code source} for {@code ips} and queues the addresses for the next pass. */
	private void distrust(Source source, Set<String> ips, String why) {
		if (ips.isEmpty()) {
			return;
		}
		log.warn("not trusting {} empty answer(s) of source {}: {}", ips.size(), source.name(), why);
		for (String ip : ips) {
			this.answers.remove(ip);
			this.distrusted.computeIfAbsent(ip, (k) -> ConcurrentHashMap.newKeySet()).add(source.name());
			this.askAgain.add(ip);
		}
		suspectsOf(source).forget(ips);
	}

	private List<String> takeAskAgain() {
		List<String> again = new ArrayList<>(this.askAgain);
		this.askAgain.removeAll(again);
		again.sort(Comparator.comparingLong((ip) -> Ipv4Range.address(ip, "address")));
		return again;
	}

	private boolean distrusts(String ip, Source source) {
		Set<String> names = this.distrusted.get(ip);
		return names != null && names.contains(source.name());
	}

	private String why(String ip) {
		List<String> reasons = new ArrayList<>();
		for (Source source : this.sources) {
			if (distrusts(ip, source)) {
				reasons.add(source.name() + " (its empty answer was not trusted)");
			}
			else if (this.pool.resting(source.name())) {
				reasons.add(source.name() + " (resting " + this.pool.restLeft(source.name()).toSeconds() + " s)");
			}
			else {
				reasons.add(source.name() + " (failed)");
			}
		}
		return reasons.isEmpty() ? "the lease names no source this probe has" : String.join(", ", reasons);
	}

	private Suspects suspectsOf(Source source) {
		return this.suspects.computeIfAbsent(source.name(), (name) -> new Suspects());
	}

	/**
	 * What to do about an address no source answered: wait {@code waitFor} and ask again; or give the block up,
	 * because its sources rest for {@code resting} (not the block's fault) or, with both null, because they failed.
	 */
	record Decision(@Nullable Duration waitFor, @Nullable Duration resting) {
	}

	/** What one address resolved to, and by which source (no names: checked, none). */
	record Answer(String ip, String source, List<String> domains) {
	}

	/** One source's zero answers in this block that no canary has vouched for yet. */
	private static final class Suspects {

		private final Set<String> unchecked = new LinkedHashSet<>();

		private int inARow;

		private boolean checking;

		/** Notes a zero for {@code ip}; true when it is time to check the canary (and no check runs already). */
		synchronized boolean none(String ip, int suspicious) {
			this.unchecked.add(ip);
			this.inARow++;
			return this.inARow >= suspicious && !this.checking;
		}

		synchronized void found() {
			this.inARow = 0;
		}

		synchronized boolean unchecked() {
			return !this.unchecked.isEmpty();
		}

		/** The zeros a check starting now covers; later ones wait for the next check. */
		synchronized Set<String> checking() {
			this.checking = true;
			this.inARow = 0;
			return new HashSet<>(this.unchecked);
		}

		synchronized void trusted(Set<String> ips) {
			this.unchecked.removeAll(ips);
			this.checking = false;
		}

		synchronized void forget(Set<String> ips) {
			this.unchecked.removeAll(ips);
			this.checking = false;
		}

	}

}
