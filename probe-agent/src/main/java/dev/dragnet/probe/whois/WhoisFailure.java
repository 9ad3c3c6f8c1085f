package dev.dragnet.probe.whois;

import dev.dragnet.protocol.TaskResult.Outcome;

/**
 * Why a WHOIS exchange did not produce an answer: the typed error every failure is mapped to before it
 * becomes a {@link dev.dragnet.protocol.TaskResult}.
 */
final class WhoisFailure extends RuntimeException {

	private final Outcome outcome;

	WhoisFailure(Outcome outcome, String detail) {
		super(detail, null, false, false);
		this.outcome = outcome;
	}

	WhoisFailure(Outcome outcome, String detail, Throwable cause) {
		super(detail, cause, false, false);
		this.outcome = outcome;
	}

	Outcome outcome() {
		return this.outcome;
	}
}
