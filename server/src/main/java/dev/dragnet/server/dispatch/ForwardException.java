package dev.dragnet.server.dispatch;

import java.time.Duration;
import java.util.List;

/**
 * How a task forwarded to another instance did not come back with an answer: that instance
 * {@link Kind#REFUSED refused} it (no probe of its own could take it in time), was {@link Kind#LOST lost} (it
 * died, did not answer within the deadline, or answered nonsense), or {@link Kind#EXHAUSTED tried} it on its
 * probes and every attempt failed.
 */
public final class ForwardException extends RuntimeException {

	/** What became of the forwarded task. */
	public enum Kind {

		/** The peer could not place it: not an attempt, the next instance may. */
		REFUSED,

		/** The peer went away or did not answer: counts as an attempt, retried elsewhere. */
		LOST,

		/** The peer ran it and every attempt there failed: final. */
		EXHAUSTED
	}

	private final Kind kind;

	private final String instance;

	private final Duration retryAfter;

	private final List<Attempt> attempts;

	private ForwardException(Kind kind, String instance, String detail, Duration retryAfter, List<Attempt> attempts) {
		super(detail, null, false, false);
		this.kind = kind;
		this.instance = instance;
		this.retryAfter = retryAfter;
		this.attempts = List.copyOf(attempts);
	}

	/** Instance {@code instance} could not place the task; its caller may come back after {@code retryAfter}. */
	public static ForwardException refused(String instance, String detail, Duration retryAfter) {
		return new ForwardException(Kind.REFUSED, instance, detail, retryAfter, List.of());
	}

	/** Instance {@code instance} went away or did not answer in time. */
	public static ForwardException lost(String instance, String detail) {
		return new ForwardException(Kind.LOST, instance, detail, Duration.ZERO, List.of());
	}

	/** Instance {@code instance} ran the task and every attempt failed. */
	public static ForwardException exhausted(String instance, List<Attempt> attempts) {
		return new ForwardException(Kind.EXHAUSTED, instance, attempts.size() + " attempt(s) failed", Duration.ZERO,
				attempts);
	}

	public Kind kind() {
		return this.kind;
	}

	public String instance() {
		return this.instance;
	}

	public Duration retryAfter() {
		return this.retryAfter;
	}

	public List<Attempt> attempts() {
		return this.attempts;
	}
}
