package dev.dragnet.server.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.dragnet.server.probe.ProbeService;
import dev.dragnet.server.probe.ProbeState;
import org.jspecify.annotations.Nullable;

/**
 * Turns successive readings of the whole fleet into what the status page is sent: a {@link FleetSummary} (counts
 * and totals) and the {@link ProbeChanges} since the previous reading (probes added, removed, or whose state,
 * quarantine or revocation changed), at most {@value #MAX_CHANGES} of them. Counters and last-seen times are not
 * changes: they move all the time, and the page reads them with the table it fetches.
 *
 * <p>Not thread-safe: the live feed calls it from one sample at a time.
 */
final class FleetWatch {

	/** Changes listed in one event at most; beyond, only their number is sent and the page reads the table again. */
	static final int MAX_CHANGES = 100;

	/** The window over which answers per second are counted. */
	static final Duration RATE_WINDOW = Duration.ofSeconds(10);

	private @Nullable Map<String, Look> previous;

	/** (epoch millis, tasks answered) of the readings within {@link #RATE_WINDOW}, oldest first. */
	private final Deque<long[]> answered = new ArrayDeque<>();

	/**
	 * The summary of {@code probes}, and what changed since the previous reading (null for the first, and when
	 * nothing did).
	 */
	synchronized Reading observe(List<ProbeService.ProbeView> probes, Instant now) {
		Map<String, Look> looks = new HashMap<>(probes.size() * 2);
		int effective = 0;
		int ineffective = 0;
		int quarantined = 0;
		int revoked = 0;
		int inFlight = 0;
		long completed = 0;
		long failed = 0;
		long throttled = 0;
		for (ProbeService.ProbeView probe : probes) {
			looks.put(probe.name(), Look.of(probe));
			if (probe.revoked()) {
				revoked++;
			}
			else {
				if (probe.state() == ProbeState.EFFECTIVE) {
					effective++;
				}
				else {
					ineffective++;
				}
				if (probe.quarantineReason() != null) {
					quarantined++;
				}
			}
			inFlight += probe.inFlight();
			completed += probe.completed();
			failed += probe.failed();
			throttled += probe.throttled();
		}
		FleetSummary summary = new FleetSummary(probes.size(), effective, ineffective, quarantined, revoked, inFlight,
				completed, failed, throttled, rate(completed + failed, now));
		ProbeChanges changes = (this.previous != null) ? changes(this.previous, looks) : null;
		this.previous = looks;
		return new Reading(summary, changes);
	}

	private static @Nullable ProbeChanges changes(Map<String, Look> before, Map<String, Look> now) {
		List<ProbeChange> changes = new ArrayList<>();
		int omitted = 0;
		for (Map.Entry<String, Look> entry : now.entrySet()) {
			Look was = before.get(entry.getKey());
			if (was == null || !was.equals(entry.getValue())) {
				if (changes.size() < MAX_CHANGES) {
					changes.add(entry.getValue().change(entry.getKey(), (was == null) ? Change.ADDED : Change.CHANGED));
				}
				else {
					omitted++;
				}
			}
		}
		for (String name : before.keySet()) {
			if (!now.containsKey(name)) {
				if (changes.size() < MAX_CHANGES) {
					changes.add(new ProbeChange(name, Change.REMOVED, null, null, false));
				}
				else {
					omitted++;
				}
			}
		}
		if (changes.isEmpty()) {
			return null;
		}
		changes.sort((a, b) -> a.probe().compareTo(b.probe()));
		return new ProbeChanges(changes, omitted);
	}

	/** Tasks answered per second over the last {@link #RATE_WINDOW}, to a tenth. */
	private double rate(long total, Instant now) {
		long millis = now.toEpochMilli();
		this.answered.addLast(new long[] { millis, total });
		while (this.answered.size() > 1 && millis - this.answered.peekFirst()[0] > RATE_WINDOW.toMillis()) {
			this.answered.removeFirst();
		}
		long[] oldest = this.answered.peekFirst();
		long elapsed = millis - oldest[0];
		if (elapsed <= 0 || total < oldest[1]) {
			return 0;
		}
		return Math.round((total - oldest[1]) * 10_000.0 / elapsed) / 10.0;
	}

	/** What a change is about a probe: its state, its quarantine, its revocation. */
	private record Look(ProbeState state, @Nullable String quarantineReason, boolean revoked) {

		static Look of(ProbeService.ProbeView probe) {
			return new Look(probe.state(), probe.quarantineReason(), probe.revoked());
		}

		ProbeChange change(String name, Change change) {
			return new ProbeChange(name, change, this.state, this.quarantineReason, this.revoked);
		}
	}

	/**
	 * One reading.
	 *
	 * @param summary the {@code fleet} event
	 * @param changes the {@code probes-changed} event, or null when nothing changed
	 */
	record Reading(FleetSummary summary, @Nullable ProbeChanges changes) {
	}

	/**
	 * The {@code fleet} event: the whole fleet in a few numbers. Quarantined probes are also counted as effective
	 * or ineffective; revoked ones in neither.
	 *
	 * @param total every probe ever seen, revoked ones included
	 * @param effective connected and answering pings (not revoked)
	 * @param ineffective not connected (not revoked)
	 * @param quarantined getting no work until an admin releases them (not revoked)
	 * @param revoked revoked by an admin
	 * @param inFlight tasks sent to probes and not answered yet
	 * @param completed tasks answered, over every probe
	 * @param failed tasks that failed, throttled ones included
	 * @param throttled tasks that ended throttled
	 * @param answeredPerSecond tasks answered or failed per second over the last 10 s
	 */
	record FleetSummary(int total, int effective, int ineffective, int quarantined, int revoked, int inFlight,
			long completed, long failed, long throttled, double answeredPerSecond) {
	}

	/**
	 * The {@code probes-changed} event: the probes that changed within one sample.
	 *
	 * @param changes at most {@value #MAX_CHANGES}, by probe name
	 * @param omitted changes beyond those, not listed
	 */
	record ProbeChanges(List<ProbeChange> changes, int omitted) {

		ProbeChanges {
			changes = List.copyOf(changes);
		}
	}

	/**
	 * One probe that changed.
	 *
	 * @param probe its name
	 * @param change what happened
	 * @param state its state now (null when removed)
	 * @param quarantineReason why it gets no work, or null
	 * @param revoked whether an admin revoked it
	 */
	record ProbeChange(String probe, Change change, @Nullable ProbeState state, @Nullable String quarantineReason,
			boolean revoked) {

		ProbeChange {
			Objects.requireNonNull(probe);
		}
	}

	/** The kinds of change. */
	enum Change {

		/** A probe not in the previous reading. */
		ADDED,

		/** Its state, quarantine or revocation changed. */
		CHANGED,

		/** No longer in the table. */
		REMOVED
	}
}
