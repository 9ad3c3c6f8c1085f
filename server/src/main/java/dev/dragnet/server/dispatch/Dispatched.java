package dev.dragnet.server.dispatch;

import java.util.List;

import dev.dragnet.protocol.TaskResult;

/**
 * A task's final result and how it got there.
 *
 * @param result what the last probe answered
 * @param probe the probe that answered
 * @param attempts every attempt, the last one included
 * @param elapsedMillis time from dispatch to answer, waiting for credit included
 */
public record Dispatched(TaskResult result, String probe, List<Attempt> attempts, long elapsedMillis) {
}
