package dev.dragnet.probe.campaign;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.dragnet.probe.reverseip.CanaryCheck;
import dev.dragnet.probe.reverseip.PtrLookup;
import dev.dragnet.probe.reverseip.SourceAnswer;
import dev.dragnet.probe.reverseip.SourceAnswer.Status;
import dev.dragnet.probe.reverseip.SourceRunner;
import dev.dragnet.protocol.source.SourceDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The probe's way to every source, shared by the blocks it runs: asks a declarative source through the
 * {@link SourceRunner} or the built-in PTR lookup, runs canary checks, and keeps which sources rest and until when.
 * A source rests on this probe only; other probes, with other addresses, carry on using it.
 */
final class SourcePool {

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

	private final Map<String, Long> restingUntil = new ConcurrentHashMap<>();

	/** Sources whose current rest began with a refusal they showed (a quota text, a captcha, a 429). */
	private final Set<String> refusedOpenly = ConcurrentHashMap.newKeySet();

	SourcePool(SourceRunner runner, PtrLookup ptr, Scheduler clock) {
		this.runner = runner;
		this.ptr = ptr;
		this.canary = new CanaryCheck(runner);
		this.clock = clock;
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

	/** Whether every one of {@code sources} rests now (true for none). */
	boolean allResting(Collection<String> sources) {
		return sources.stream().allMatch(this::resting);
	}

	/** How long {@code source} still rests; zero when it does not. */
	Duration restLeft(String source) {
		Long until = this.restingUntil.get(source);
		long left = (until != null) ? until - this.clock.now(TimeUnit.MILLISECONDS) : 0;
		return (left > 0) ? Duration.ofMillis(left) : Duration.ZERO;
	}

	/**
	 * Rests {@code source} for {@code duration} unless it already rests longer; logs when a rest begins, not for
	 * the answers of requests that were already in flight.
	 * @param openly whether the source showed its refusal (anything but a silent ban or a changed page)
	 */
	void rest(String source, Duration duration, String why, boolean openly) {
		boolean wasResting = resting(source);
		long until = this.clock.now(TimeUnit.MILLISECONDS) + duration.toMillis();
		this.restingUntil.merge(source, until, Math::max);
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
	 * Whether {@code source} rests because it refused openly. Such a source says when it stops answering, so the empty
	 * answers it gave before are taken at its word; a silent ban or a changed page gives no such assurance.
	 */
	boolean restsAfterOpenRefusal(String source) {
		return resting(source) && this.refusedOpenly.contains(source);
	}

}
