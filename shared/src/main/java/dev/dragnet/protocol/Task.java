package dev.dragnet.protocol;

/**
 * Work for a probe. Uses one credit.
 *
 * @param id task id, unique per server; the {@link TaskResult} carries it back
 * @param deadlineMillis how long the probe may spend on the task in all, from receipt; it answers
 * {@link TaskResult.Outcome#TIMEOUT} when it runs out
 * @param work what to do
 */
public record Task(String id, long deadlineMillis, TaskWork work) implements ServerFrame {
}
