package dev.dragnet.server.dispatch;

/**
 * One try of a task on one probe, as reported to users.
 *
 * @param probe the probe's name
 * @param outcome {@code OK}, a {@code TaskResult.Outcome} name, {@code NO_ANSWER} (attempt deadline passed) or
 * {@code PROBE_LOST}
 * @param detail what happened, in a person's words
 * @param elapsedMillis time the attempt took, seen from the server
 */
public record Attempt(String probe, String outcome, String detail, long elapsedMillis) {
}
