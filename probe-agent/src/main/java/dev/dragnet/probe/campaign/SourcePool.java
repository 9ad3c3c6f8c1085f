package dev.dragnet.probe.campaign;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.dragnet.probe.reverseip.CanaryCheck;
import dev.dragnet.probe.reverseip.NameServers;
import dev.dragnet.probe.reverseip.PtrLookup;
import dev.dragnet.probe.reverseip.SourceAnswer;
import dev.dragnet.probe.reverseip.SourceAnswer.Status;
import dev.dragnet.probe.reverseip.SourceRunner;
import dev.dragnet.protocol.SourceRests;
import dev.dragnet.protocol.source.SourceDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The probe's way to every source, shared by the blocks it runs: asks a declarative source through the
 * {@link SourceRunner} or the built-in PTR lookup, runs canary checks, and keeps which sources rest and until when.
 * A source rests on this probe only; other probes, with other addresses, carry on using it.
 *
 * <p>One pool lives as long as the probe agent and serves its sessions one after another, so a probe that reconnects
 * still knows which sources rest and does not go back at once to a site that just blocked it; each new session
 * reports those rests to the server when it gets its sources.
 */
public final class SourcePool {

	private static final Logger log = LoggerFactory.getLogger(SourcePool.class);

	/** Time allowed for one lookup at a declarative source, pages and pacing included. */
	static final Duration LOOKUP_DEADLINE = Duration.ofSeconds(30);

	/** Time allowed for one PTR lookup. */
	static final Duration PTR_DEADLINE = Duration.ofSeconds(10);

	private static final SourceAnswer NONE = new SourceAnswer(Status.NONE, Set.of(), null, null, false, 0, null);

	private final SourceRunner runner;

	private final PtrLookup ptr;

	private final CanaryCheck canary;

	private final Scheduler clock;

	private final Map<String, Rest> rests = new ConcurrentHashMap<>();

	/** Told when a rest begins, grows or is ended early; never for a rest that simply runs out. */
	private volatile Runnable onChange = () -> {
	};

	/** The latest definition of each source, to tell a new version from the same one sent again. */
	private final Map<String, SourceDefinition> definitions = new ConcurrentHashMap<>();

	/** Sources whose current rest began with a refusal they showed (a quota text, a captcha, a 429). */
	private final Set<String> refusedOpenly = ConcurrentHashMap.newKeySet();

	/** The pool of one probe agent: its source runner, PTR lookups through its name servers, rests on real time. */
	public static SourcePool of(SourceRunner runner, NameServers nameServers) {
		return new SourcePool(runner, new PtrLookup(nameServers), Schedulers.parallel());
	}

	SourcePool(SourceRunner runner, PtrLookup ptr, Scheduler clock) {
		this.runner = runner;
		this.ptr = ptr;
		this.canary = new CanaryCheck(runner);
		this.clock = clock;
	}

	/** The clock rests are measured on (virtual in tests). */
	Scheduler clock() {
		return this.clock;
	}

	/** What {@code source} says about {@code ip}; never errors. */
	Mono<SourceAnswer> ask(Source source, String ip) {
		SourceDefinition definition = source.definition();
		return (definition != null) ? this.runner.lookup(definition, ip, LOOKUP_DEADLINE)
				: this.ptr.lookup(ip, PTR_DEADLINE);
	}

	/**
	 * Asks {@code source} about its canary: {@link Status#NONE} when the canary showed names (the source's zeros
	 * can be trusted), {@link Status#BLOCKED} {@code BANNED} when it showed none (a silent ban), or the canary's own
	 * failure. Only for a source with a canary.
	 */
	Mono<SourceAnswer> checkCanary(Source source) {
		SourceDefinition definition = source.definition();
		String canaryIp = source.canary();
		if (definition == null || canaryIp == null) {
			return Mono.error(new IllegalArgumentException("source " + source.name() + " has no canary"));
		}
		return this.canary.confirmNone(definition, NONE, canaryIp, LOOKUP_DEADLINE);
	}

	boolean resting(String source) {
		return !restLeft(source).isZero();
	}

	/** Whom to tell when a rest begins, grows or ends early (the worker reports rests to the server). */
	void onChange(Runnable listener) {
		this.onChange = listener;
	}

	/** Whether every one of {@code sources} rests now (true for none). */
	boolean allResting(Collection<String> sources) {
		return sources.stream().allMatch(this::resting);
	}

	/** How long {@code source} still rests; zero when it does not. */
	Duration restLeft(String source) {
		Rest rest = this.rests.get(source);
		long left = (rest != null) ? rest.until() - now() : 0;
		return (left > 0) ? Duration.ofMillis(left) : Duration.ZERO;
	}

	/**
	 * Rests {@code source} for {@code duration} unless it already rests longer; logs when a rest begins, not for
	 * the answers of requests that were already in flight.
	 * @param verdict the kind of refusal ({@code THROTTLED}, {@code CAPTCHA}, {@code PAGE_CHANGED}, ...)
	 * @param openly whether the source showed its refusal (anything but a silent ban or a changed page)
	 */
	void rest(String source, Duration duration, String verdict, String why, boolean openly) {
		boolean wasResting = resting(source);
		long until = now() + duration.toMillis();
		Rest merged = this.rests.merge(source, new Rest(until, verdict, why),
				(old, fresh) -> (old.until() >= fresh.until() && old.until() > now()) ? old : fresh);
		if (!wasResting || merged.until() == until) {
			this.onChange.run();
		}
		if (!wasResting) {
			if (openly) {
				this.refusedOpenly.add(source);
			}
			else {
				this.refusedOpenly.remove(source);
			}
			log.warn("source {} {}; resting it for {} s", source, why, duration.toSeconds());
		}
		else if (!openly) {
			this.refusedOpenly.remove(source);
		}
	}

	/**
	 * Notes the definition the server sent for a source; when it differs from the one seen before (in this session
	 * or an earlier one), the source's rest ends: the operator changed it, maybe because of what made it rest.
	 */
	void definition(SourceDefinition definition) {
		SourceDefinition before = this.definitions.put(definition.name(), definition);
		if (before != null && !before.equals(definition)) {
			endRest(definition.name());
		}
	}

	/** Ends the rest of {@code source} now (its definition changed: the reason it rested may be gone). */
	void endRest(String source) {
		Rest ended = this.rests.remove(source);
		this.refusedOpenly.remove(source);
		if (ended != null && ended.until() > now()) {
			log.info("source {} has a new definition; its rest ({}) is over", source, ended.why());
			this.onChange.run();
		}
	}

	/** The soonest moment, as a wait from now, at which one of {@code sources} is usable; zero when one is now. */
	Duration soonestUsable(Collection<String> sources) {
		return sources.stream().map(this::restLeft).min(Duration::compareTo).orElse(Duration.ZERO);
	}

	/** Where each of {@code sources} stands now: the rest left (zero when usable), with its verdict and reason. */
	List<SourceRests.Rest> report(Collection<String> sources) {
		return sources.stream().map((name) -> {
			Duration left = restLeft(name);
			Rest rest = this.rests.get(name);
			return (left.isZero() || rest == null) ? new SourceRests.Rest(name, 0, null, null)
					: new SourceRests.Rest(name, left.toMillis(), rest.verdict(), rest.why());
		}).toList();
	}

	private long now() {
		return this.clock.now(TimeUnit.MILLISECONDS);
	}

	/**
	 * Whether {@code source} rests because it refused openly. Such a source says when it stops answering, so the empty
	 * answers it gave before are taken at its word; a silent ban or a changed page gives no such assurance.
	 */
	boolean restsAfterOpenRefusal(String source) {
		return resting(source) && this.refusedOpenly.contains(source);
	}

	/** One rest: until when (on the pool's clock), the kind of refusal, and why in words. */
	private record Rest(long until, String verdict, String why) {
	}

}
