package dev.dragnet.server.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.dragnet.server.schedule.Lane;
import reactor.core.publisher.Mono;

/**
 * Runs a task on another server instance of the fleet, when this instance's frontier cannot place it
 * (docs/CLUSTER.md). The other instance runs it through its own {@link TaskDispatcher}, so the pace ledger of
 * its probes stays where their sessions are. Absent (or without peers) on a single instance.
 */
public interface TaskForwarder {

	/**
	 * The other instances that have an effective probe with {@code capability} not in {@code excludedProbes},
	 * the most promising first; empty when there is none (or no way to call them).
	 */
	List<String> peersFor(String capability, Set<String> excludedProbes);

	/**
	 * How many effective probes with {@code capability}, not in {@code excludedProbes}, the other instances reachable
	 * now have: the share of the fleet's lookups they should run.
	 */
	default int probesFor(String capability, Set<String> excludedProbes) {
		return 0;
	}

	/**
	 * Runs {@code request} on instance {@code peer}, in the same lane, waiting there at most {@code maxWait} for
	 * a turn. Errors with a {@link ForwardException} saying whether the peer refused, was lost, or tried and
	 * failed.
	 */
	Mono<Dispatched> forward(String peer, DispatchRequest request, Lane lane, Duration maxWait);
}
