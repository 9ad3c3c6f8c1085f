package dev.dragnet.protocol;

import org.jspecify.annotations.Nullable;

/**
 * A protocol-level complaint, in either direction: a frame that could not be read, a task kind the probe
 * does not know, or a rule broken. Codes are stable strings listed in {@code docs/PROTOCOL.md}.
 *
 * @param code stable machine-readable code, e.g. {@code bad-frame}
 * @param message what went wrong, in a person's words
 * @param taskId the task concerned, if any
 */
public record ErrorFrame(String code, String message, @Nullable String taskId) implements ProbeFrame, ServerFrame {

	public static final String BAD_FRAME = "bad-frame";

	public static final String UNAUTHORIZED = "unauthorized";

	public static final String PROTOCOL_VIOLATION = "protocol-violation";

	public static final String UNSUPPORTED_TASK = "unsupported-task";
}
