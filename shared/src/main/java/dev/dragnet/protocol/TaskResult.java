package dev.dragnet.protocol;

import org.jspecify.annotations.Nullable;

/**
 * What became of a {@link Task}. Sent once per task; the probe then grants the credit back.
 *
 * @param taskId the task's id
 * @param outcome how it ended
 * @param text the decoded answer (may be partial for {@link Outcome#TRUNCATED}), or {@code null}
 * @param bytes bytes received from the remote party
 * @param elapsedMillis time spent on the task at the probe
 * @param detail a person-readable reason for anything but {@link Outcome#OK}
 */
public record TaskResult(String taskId, Outcome outcome, @Nullable String text, long bytes, long elapsedMillis,
		@Nullable String detail) implements ProbeFrame {

	/** How a task ended at the probe. */
	public enum Outcome {

		/** The remote party answered and closed normally. */
		OK,

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

		/** Whether another probe might do better: failures that may belong to this probe's network. */
		public boolean retryElsewhere() {
			return this == TIMEOUT || this == CONNECT_FAILED || this == ERROR;
		}
	}
}
