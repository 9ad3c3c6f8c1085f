package dev.dragnet.probe.reverseip;

import java.time.Duration;

import dev.dragnet.probe.reverseip.SourceAnswer.Status;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.protocol.source.Verdict;
import reactor.core.publisher.Mono;

/**
 * Tells a genuine "no domains" from a silent ban (B5): a site that has banned this probe may keep answering with
 * normal-looking pages holding zero rows. The check asks the same source about a canary, an address known to host
 * names; if the canary comes back empty too, the source is banning us.
 *
 * <p>A canary lookup costs a request from the source's small budget, so the caller checks once a run of
 * {@link Status#NONE} answers looks suspicious (or once per block), not after every empty answer.
 *
 * <p>{@link #confirmNone} gives back:
 * <ul>
 * <li>the {@link Status#NONE} answer itself when the canary showed names: the zero was genuine;</li>
 * <li>{@link Status#BLOCKED} {@link Verdict#BANNED} when the canary came back empty: a silent ban;</li>
 * <li>the canary's own answer (BLOCKED with its verdict, ERROR, TIMEOUT, PAGE_CHANGED), without names, when it could
 * not be read: the zero cannot be trusted either way.</li>
 * </ul>
 * The requests of the canary lookup are added to the answer's. Never errors.
 */
public final class CanaryCheck {

	private final SourceRunner runner;

	/** @param runner the runner the source's lookups go through */
	public CanaryCheck(SourceRunner runner) {
		this.runner = runner;
	}

	/**
	 * Checks a zero answer of {@code source} against {@code canaryIp}.
	 * @param source the source that gave {@code none}
	 * @param none its answer; anything but {@link Status#NONE} comes back unchanged, without a canary lookup
	 * @param canaryIp an address the source is known to list names for
	 * @param deadline time allowed for the canary lookup
	 */
	public Mono<SourceAnswer> confirmNone(SourceDefinition source, SourceAnswer none, String canaryIp,
			Duration deadline) {
		if (none.status() != Status.NONE) {
			return Mono.just(none);
		}
		return this.runner.lookup(source, canaryIp, deadline).map((canary) -> judge(source, none, canaryIp, canary));
	}

	private static SourceAnswer judge(SourceDefinition source, SourceAnswer none, String canaryIp, SourceAnswer canary) {
		int requests = none.requests() + canary.requests();
		return switch (canary.status()) {
			case FOUND -> none.plusRequests(canary.requests());
			case NONE -> new SourceAnswer(Status.BLOCKED, none.domains(), Verdict.BANNED, null, false, requests,
					"silent ban: canary " + canaryIp + ", known to host names, got none from " + source.name()
							+ " either");
			default -> new SourceAnswer(canary.status(), none.domains(), canary.blockedAs(), canary.retryAfter(), false,
					requests, "canary " + canaryIp + " could not be checked, so the empty answer cannot be trusted: "
							+ canary.detail());
		};
	}

}
