package dev.dragnet.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * What became of a {@link Task}. Sent once per task; the probe then grants the credit back: in the result itself
 * ({@code credits}) when the server's {@link Welcome} said it takes credit there, else in a {@link CreditGrant} right
 * after it.
 *
 * @param taskId the task's id
 * @param outcome how it ended
 * @param text the decoded answer (may be partial for {@link Outcome#TRUNCATED}), or {@code null}
 * @param bytes bytes received from the remote party
 * @param elapsedMillis time spent on the task at the probe
 * @param detail a person-readable reason for anything but {@link Outcome#OK}
 * @param retryAfterMillis for {@link Outcome#THROTTLED}: how long the remote party asked us to wait, if it said
 * @param credits task slots this result gives back, as a {@link CreditGrant} of that many would; {@code null} (and
 * left out of the frame) when a separate grant follows
 */
public record TaskResult(String taskId, Outcome outcome, @Nullable String text, long bytes, long elapsedMillis,
		@Nullable String detail, @Nullable Long retryAfterMillis,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer credits) implements ProbeFrame {

	/** A result whose credit, if any, goes back in a separate grant. */
	public TaskResult(String taskId, Outcome outcome, @Nullable String text, long bytes, long elapsedMillis,
			@Nullable String detail, @Nullable Long retryAfterMillis) {
		this(taskId, outcome, text, bytes, elapsedMillis, detail, retryAfterMillis, null);
	}

	/** A result with no retry-after hint. */
	public TaskResult(String taskId, Outcome outcome, @Nullable String text, long bytes, long elapsedMillis,
			@Nullable String detail) {
		this(taskId, outcome, text, bytes, elapsedMillis, detail, null);
	}

	/** The same result with another outcome, detail and retry-after hint (the text and counts stay). */
	public TaskResult reclassified(Outcome outcome, @Nullable String detail, @Nullable Long retryAfterMillis) {
		return new TaskResult(this.taskId, outcome, this.text, this.bytes, this.elapsedMillis, detail, retryAfterMillis,
				this.credits);
	}

	/** The same result giving {@code credits} slots back in itself. */
	public TaskResult withCredits(int credits) {
		return new TaskResult(this.taskId, this.outcome, this.text, this.bytes, this.elapsedMillis, this.detail,
				this.retryAfterMillis, credits);
	}

	/** How a task ended at the probe. */
	public enum Outcome {

		/** The remote party answered and closed normally. */
		OK,

		/**
		 * The remote party refused because this source asked too often (a quota text, HTTP 429).
		 * {@code retryAfterMillis} carries the wait it named, if any. Never data.
		 */
		THROTTLED,

		/** The answer hit the byte cap; {@code text} holds what came before it. */
		TRUNCATED,

		/** The deadline passed (connect, or the whole exchange). */
		TIMEOUT,

		/** The connection could not be made (refused, unreachable, DNS failure, proxy failure). */
		CONNECT_FAILED,

		/** The probe refused the task by its own policy (for example a private address). */
		REFUSED,

		/** Anything else; {@code detail} says what. */
		ERROR;

		/** Whether the remote party answered: OK, or TRUNCATED at the byte cap (whatever the server makes of it). */
		public boolean answered() {
			return this == OK || this == TRUNCATED;
		}

		/** Whether another probe might do better: failures that may belong to this probe's network. */
		public boolean retryElsewhere() {
			return this == TIMEOUT || this == CONNECT_FAILED || this == ERROR || this == THROTTLED;
		}
	}
}
