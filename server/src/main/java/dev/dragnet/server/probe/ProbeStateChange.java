package dev.dragnet.server.probe;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A probe became effective or ineffective, as {@link ProbeEvents#changes()} publishes it.
 *
 * @param probe the probe's name
 * @param kind what happened
 * @param remoteAddress the address its session came from
 * @param at when the server saw the change
 * @param lastSeen when the probe last sent anything (for {@link Kind#INEFFECTIVE}, before it went quiet)
 * @param reason why it became ineffective ({@code connection closed}, {@code missed 2 pings in a row}, ...);
 * null for the other kinds
 * @param tasks for {@link Kind#INEFFECTIVE}: the tasks it had in flight, which went to other probes
 * ({@code task 3f-12: whois 'example.com' at whois.nic.test:43}); empty otherwise
 * @param blocks for {@link Kind#INEFFECTIVE}: the campaign blocks it held, which went back to the pool
 * ({@code block 17 of campaign 3 (10.0.0.0 - 10.0.0.255)}); empty otherwise
 */
public record ProbeStateChange(String probe, Kind kind, String remoteAddress, Instant at, Instant lastSeen,
		@Nullable String reason, List<String> tasks, List<String> blocks) {

	public ProbeStateChange {
		tasks = List.copyOf(tasks);
		blocks = List.copyOf(blocks);
	}

	/** The probe's state after the change. */
	public ProbeState state() {
		return (this.kind == Kind.INEFFECTIVE) ? ProbeState.INEFFECTIVE : ProbeState.EFFECTIVE;
	}

	/** Whether the probe was doing anything when it became ineffective. */
	public boolean wasBusy() {
		return !this.tasks.isEmpty() || !this.blocks.isEmpty();
	}

	/** The kinds of change. */
	public enum Kind {

		/** Effective for the first time since this server started. */
		CONNECTED,

		/** Effective again after it was {@link #INEFFECTIVE} in this server's run. */
		RECOVERED,

		/**
		 * Its session ended (connection closed, pings missed, protocol violation, kicked): it gets no new work.
		 * Not published when a newer session of the same probe replaced the old one, since the probe stays
		 * effective.
		 */
		INEFFECTIVE
	}
}
