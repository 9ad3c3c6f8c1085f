package dev.dragnet.server.probe.trust;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.WhoisQuery;
import dev.dragnet.server.dispatch.DispatchRequest;
import dev.dragnet.server.dispatch.Dispatched;
import dev.dragnet.server.dispatch.TaskDispatcher;
import dev.dragnet.server.probe.ProbeTrust;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Spot checks of WHOIS answers: a small share ({@code dragnet.probes.quarantine.spot-check-share}) of answered
 * queries is asked once more, on another probe, in the background. When the two answers differ after
 * {@link WhoisAnswers#normalise normalising}, a third probe decides; the probe whose answer stands alone loses the
 * check, and {@link ProbeTrust} quarantines a probe that keeps losing. With fewer than three probes nobody can be
 * told wrong, so nothing is counted.
 */
@Component
public class SpotChecks {

	private static final Logger logger = LoggerFactory.getLogger(SpotChecks.class);

	private final TaskDispatcher dispatcher;

	private final ProbeTrust trust;

	private final AtomicInteger running = new AtomicInteger();

	/**
	 * Answers already checked: identical lookups share one outward query and so one {@link Dispatched}, which reaches
	 * this once per caller. Its draw is a function of the object ({@link #drawn}), so every caller of one answer gets
	 * the same draw, and this set keeps the drawn ones from being checked once per caller. Only drawn answers enter
	 * it (a share of 2% by default), where every answer used to be hashed into it under its lock. Weak, so it holds
	 * no answer longer than its callers do.
	 */
	private final Set<Dispatched> checked = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	/** Makes the draws of this run unlike another run's for the same objects. */
	private final int salt = ThreadLocalRandom.current().nextInt();

	SpotChecks(TaskDispatcher dispatcher, ProbeTrust trust) {
		this.dispatcher = dispatcher;
		this.trust = trust;
	}

	/**
	 * Perhaps checks {@code done}, the answer to {@code request}, in the background; returns at once. The caller's
	 * answer never waits for a check.
	 */
	public void consider(DispatchRequest request, Dispatched done) {
		double share = this.trust.limits().spotCheckShare();
		if (share <= 0 || !answered(done) || !drawn(done, this.salt, share) || !this.checked.add(done)) {
			return;
		}
		if (this.running.incrementAndGet() > this.trust.limits().maxConcurrentChecks()) {
			this.running.decrementAndGet();
			return;
		}
		// Detached on purpose: the check outlives the lookup that prompted it. Bounded by the counter above.
		check(request, done).doFinally((signal) -> this.running.decrementAndGet())
			.subscribe(null, (ex) -> logger.debug("spot check of {} not finished: {}", describe(request), ex.toString()));
	}

	private Mono<Void> check(DispatchRequest request, Dispatched done) {
		String first = WhoisAnswers.normalise(done.result().text());
		return answer(request.avoiding(Set.of(done.probe()))).flatMap((second) -> {
			if (second.text().equals(first)) {
				return Mono.empty();
			}
			return answer(request.avoiding(Set.of(done.probe(), second.probe()))).flatMap((third) -> {
				if (third.text().equals(first)) {
					return this.trust.lostSpotCheck(second.probe(), describe(request));
				}
				if (third.text().equals(second.text())) {
					return this.trust.lostSpotCheck(done.probe(), describe(request));
				}
				return Mono.empty(); // three different answers: the server itself varies
			});
		});
	}

	private Mono<Answer> answer(DispatchRequest request) {
		return this.dispatcher.dispatch(request)
			.filter(SpotChecks::answered)
			.map((done) -> new Answer(done.probe(), WhoisAnswers.normalise(done.result().text())));
	}

	/**
	 * Whether {@code answer} is among the {@code share} of answers checked: the same for the same object at every
	 * call, and uniform over objects (their identity hash, salted and mixed by MurmurHash3's finaliser, as a fraction
	 * of 2^32). No probe can steer it: nothing it sends decides an object's identity hash.
	 */
	static boolean drawn(Object answer, int salt, double share) {
		int h = System.identityHashCode(answer) ^ salt;
		h ^= h >>> 16;
		h *= 0x85ebca6b;
		h ^= h >>> 13;
		h *= 0xc2b2ae35;
		h ^= h >>> 16;
		return (h & 0xFFFFFFFFL) < share * 4294967296.0;
	}

	private static boolean answered(Dispatched done) {
		return done.result().outcome() == TaskResult.Outcome.OK && done.result().text() != null;
	}

	private static String describe(DispatchRequest request) {
		return (request.work() instanceof WhoisQuery query) ? "'" + query.query() + "' at " + request.target()
				: request.target();
	}

	private record Answer(String probe, String text) {
	}
}
