package dev.dragnet.server.whois;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.WhoisQuery;
import dev.dragnet.server.dispatch.Attempt;
import dev.dragnet.server.dispatch.AttemptsExhaustedException;
import dev.dragnet.server.dispatch.DispatchRequest;
import dev.dragnet.server.dispatch.Dispatched;
import dev.dragnet.server.dispatch.TaskDispatcher;
import dev.dragnet.server.probe.trust.SpotChecks;
import dev.dragnet.server.whois.parse.ReferralFinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * WHOIS over TCP 43, hop by hop: ask the first server, then follow referrals (thin registry to registrar,
 * RIR to RIR) while the answer names one, at most {@code dragnet.whois.max-hops} answers in all, never the
 * same server twice and never a non-public one. Each answer is checked for throttle notices, which are
 * retried on another probe rather than returned as data.
 */
@Component
class WhoisChain {

	private static final Logger logger = LoggerFactory.getLogger(WhoisChain.class);

	private final TaskDispatcher dispatcher;

	private final ServerGuard guard;

	private final WhoisProperties properties;

	private final WhoisAnswerClassifier classifier;

	private final ReferralFinder referrals = new ReferralFinder();

	private final SpotChecks spotChecks;

	WhoisChain(TaskDispatcher dispatcher, ServerGuard guard, WhoisProperties properties, SpotChecks spotChecks,
			WhoisAnswerClassifier classifier) {
		this.dispatcher = dispatcher;
		this.classifier = classifier;
		this.spotChecks = spotChecks;
		this.guard = guard;
		this.properties = properties;
	}

	/** Asks {@code first} with {@code query}, then follows referrals. Errors only when the first hop fails. */
	Mono<List<Hop>> run(String domain, WhoisServerAddress first, String query) {
		List<WhoisServerAddress> visited = new ArrayList<>(List.of(first));
		return hop(domain, first, query, null).flatMap((hop) -> follow(domain, List.of(hop), visited));
	}

	private Mono<List<Hop>> follow(String domain, List<Hop> hops, List<WhoisServerAddress> visited) {
		Hop last = hops.get(hops.size() - 1);
		if (!last.answered() || last.text() == null || hops.size() >= this.properties.maxHops()) {
			return Mono.just(hops);
		}
		Optional<ReferralFinder.Referral> referral = this.referrals.find(last.text());
		if (referral.isEmpty()) {
			return Mono.just(hops);
		}
		WhoisServerAddress next = new WhoisServerAddress(referral.get().host(), referral.get().port());
		if (visited.contains(next)) {
			logger.debug("{} refers back to {}; not asking it twice", last.server(), next);
			return Mono.just(hops);
		}
		visited.add(next);
		String note = "referral from " + last.server();
		return this.guard.isPublic(next).flatMap((isPublic) -> {
			if (!isPublic) {
				return Mono.just(append(hops, stopped(next, domain, TaskResult.Outcome.REFUSED,
						note + " not followed: " + next + " is a loopback, private or link-local address")));
			}
			return hop(domain, next, domain, note)
				.onErrorResume((ex) -> Mono.just(stopped(next, domain, lastOutcome(ex), note + " failed: " + ex.getMessage())))
				.flatMap((hop) -> follow(domain, append(hops, hop), visited));
		});
	}

	private Mono<Hop> hop(String domain, WhoisServerAddress server, String query, String note) {
		WhoisQuery work = new WhoisQuery(server.host(), server.port(), query,
				this.properties.charsetFor(server.host(), server.port()),
				(int) this.properties.maxResponseSize().toBytes(), this.properties.connectTimeout().toMillis(), null,
				this.properties.paceFor(domain));
		String target = server.toString();
		DispatchRequest request = new DispatchRequest(Protocol.CAPABILITY_WHOIS, work, target,
				(result) -> this.classifier.classify(target, result));
		return this.dispatcher.dispatch(request)
			.doOnNext((done) -> this.spotChecks.consider(request, done))
			.map((done) -> toHop(server, query, done, note));
	}

	private static Hop toHop(WhoisServerAddress server, String query, Dispatched done, String note) {
		TaskResult result = done.result();
		return new Hop(Hop.WHOIS, server.toString(), query, done.probe(), result.outcome(), result.text(), null,
				done.elapsedMillis(), done.attempts(), note);
	}

	private static Hop stopped(WhoisServerAddress server, String query, TaskResult.Outcome outcome, String note) {
		return new Hop(Hop.WHOIS, server.toString(), query, "", outcome, null, null, 0, List.of(), note);
	}

	private static TaskResult.Outcome lastOutcome(Throwable ex) {
		if (ex instanceof AttemptsExhaustedException exhausted && !exhausted.attempts().isEmpty()) {
			Attempt last = exhausted.attempts().get(exhausted.attempts().size() - 1);
			try {
				return TaskResult.Outcome.valueOf(last.outcome());
			}
			catch (IllegalArgumentException notAnOutcome) {
				return TaskResult.Outcome.TIMEOUT;
			}
		}
		return TaskResult.Outcome.ERROR;
	}

	private static List<Hop> append(List<Hop> hops, Hop hop) {
		List<Hop> all = new ArrayList<>(hops);
		all.add(hop);
		return List.copyOf(all);
	}
}
