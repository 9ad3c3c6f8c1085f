package dev.dragnet.server.cluster;

import java.util.List;

import dev.dragnet.protocol.TaskWork;
import org.jspecify.annotations.Nullable;

/**
 * A lookup one instance asks another to run, body of {@code POST /internal/cluster/tasks}: what the other
 * instance needs to run it as the first would have.
 *
 * @param origin the id of the instance that forwards it
 * @param capability the probe capability it needs
 * @param target the remote server it talks to (its pace ledger key)
 * @param work the task
 * @param avoid probes that must not run it (tried already, or a spot check's first answerer)
 * @param bulk the origin's bulk request it belongs to, or null for a single lookup
 * @param maxWaitMillis the longest estimated wait for a turn a single lookup accepts
 * @param fresh whether it may share only a query sent after it arrived
 */
record ForwardedTask(String origin, String capability, String target, TaskWork work, List<String> avoid,
		@Nullable String bulk, long maxWaitMillis, boolean fresh) {
}
