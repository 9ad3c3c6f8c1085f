package dev.dragnet.server.dispatch;

import java.util.HashSet;
import java.util.Set;
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
 * @param avoid probes that must not run it (a spot check asks a probe other than the one that answered)
 */
public record DispatchRequest(String capability, TaskWork work, String target, UnaryOperator<TaskResult> classifier,
		Set<String> avoid) {

	public DispatchRequest {
		avoid = Set.copyOf(avoid);
	}

	/** A request any probe may run. */
	public DispatchRequest(String capability, TaskWork work, String target, UnaryOperator<TaskResult> classifier) {
		this(capability, work, target, classifier, Set.of());
	}

	/** The same request, kept away from {@code probes} as well. */
	public DispatchRequest avoiding(Set<String> probes) {
		Set<String> all = new HashSet<>(this.avoid);
		all.addAll(probes);
		return new DispatchRequest(this.capability, this.work, this.target, this.classifier, all);
	}

	/** A request whose answers are taken as they come. */
	public static DispatchRequest of(String capability, TaskWork work, String target) {
		return new DispatchRequest(capability, work, target, UnaryOperator.identity());
	}
}
