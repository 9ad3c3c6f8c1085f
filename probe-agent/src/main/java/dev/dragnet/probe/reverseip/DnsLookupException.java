package dev.dragnet.probe.reverseip;

/**
 * A DNS question got no usable answer: the name servers timed out, failed (SERVFAIL) or refused. Distinct from "the
 * name does not exist", which is an answer.
 */
public final class DnsLookupException extends RuntimeException {

	private final boolean timeout;

	DnsLookupException(String message, boolean timeout, @org.jspecify.annotations.Nullable Throwable cause) {
		super(message, cause, false, false);
		this.timeout = timeout;
	}

	/** Whether no answer came in time (rather than a failure answer). */
	public boolean isTimeout() {
		return this.timeout;
	}

}
