package dev.dragnet.probe.reverseip;

import dev.dragnet.probe.reverseip.SourceAnswer.Status;

/** Why a request to a source produced no page: the typed error transport failures are mapped to. */
final class SourceFailure extends RuntimeException {

	private final Status status;

	SourceFailure(Status status, String detail) {
		super(detail, null, false, false);
		this.status = status;
	}

	SourceFailure(Status status, String detail, Throwable cause) {
		super(detail, cause, false, false);
		this.status = status;
	}

	Status status() {
		return this.status;
	}

}
