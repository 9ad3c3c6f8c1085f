package dev.dragnet.probe.rdap;

import dev.dragnet.protocol.TaskResult.Outcome;

/**
 * Why an RDAP exchange did not produce an answer: the typed error every failure is mapped to before it becomes
 * a {@link dev.dragnet.protocol.TaskResult}.
 */
final class RdapFailure extends RuntimeException {

	private final Outcome outcome;

	RdapFailure(Outcome outcome, String detail) {
		super(detail, null, false, false);
		this.outcome = outcome;
	}

	RdapFailure(Outcome outcome, String detail, Throwable cause) {
		super(detail, cause, false, false);
		this.outcome = outcome;
	}

	Outcome outcome() {
		return this.outcome;
	}
}
