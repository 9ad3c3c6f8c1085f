package dev.dragnet.server.dispatch;

import java.util.function.UnaryOperator;

import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.TaskWork;

/**
 * What to dispatch and how to judge the answers.
 *
 * @param capability the probe capability the task needs ({@code whois}, {@code rdap})
 * @param work the task
 * @param target the remote server the task talks to ({@code whois.verisign-grs.com:43}); throttling cools
 * down the pair of probe and target, and statistics are kept per target
 * @param classifier looks at a probe's answer and may turn it into another outcome, typically an OK WHOIS text
 * that is really a throttle notice into {@link TaskResult.Outcome#THROTTLED}
 */
public record DispatchRequest(String capability, TaskWork work, String target, UnaryOperator<TaskResult> classifier) {

	/** A request whose answers are taken as they come. */
	public static DispatchRequest of(String capability, TaskWork work, String target) {
		return new DispatchRequest(capability, work, target, UnaryOperator.identity());
	}
}
