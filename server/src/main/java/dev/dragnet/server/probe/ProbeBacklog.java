package dev.dragnet.server.probe;

import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probe states not written yet because the database was away: the latest per probe, with the counters that
 * accrued meanwhile, in the order they first waited. Bounded ({@code dragnet.database.probe-backlog}); beyond, the
 * oldest waiting state is dropped and logged. A probe being written back is held too, so that a newer state
 * waits behind it instead of overtaking it.
 */
final class ProbeBacklog {

	private static final Logger logger = LoggerFactory.getLogger(ProbeBacklog.class);

	private final int capacity;

	private final LinkedHashMap<String, Pending> waiting = new LinkedHashMap<>();

	private final Set<String> writing = new HashSet<>();

	ProbeBacklog(int capacity) {
		this.capacity = capacity;
	}

	/** Whether a state of this probe waits or is being written back: a newer one must wait behind it. */
	synchronized boolean holds(String name) {
		return this.waiting.containsKey(name) || this.writing.contains(name);
	}

	synchronized boolean isEmpty() {
		return this.waiting.isEmpty();
	}

	synchronized int size() {
		return this.waiting.size();
	}

	/** Adds a state after whatever waits for the same probe. */
	synchronized void add(String name, Pending state) {
		Pending earlier = this.waiting.get(name);
		this.waiting.put(name, (earlier != null) ? earlier.then(state) : state);
		if (this.waiting.size() > this.capacity) {
			Iterator<Map.Entry<String, Pending>> oldest = this.waiting.entrySet().iterator();
			Map.Entry<String, Pending> dropped = oldest.next();
			oldest.remove();
			logger.warn("probe backlog full ({} probes): the unsaved state of probe {} is dropped", this.capacity,
					dropped.getKey());
		}
	}

	/** Takes the oldest waiting state to write; the probe stays held until {@link #written} or {@link #failed}. */
	synchronized Optional<Map.Entry<String, Pending>> take() {
		Iterator<Map.Entry<String, Pending>> oldest = this.waiting.entrySet().iterator();
		while (oldest.hasNext()) {
			Map.Entry<String, Pending> next = oldest.next();
			if (!this.writing.contains(next.getKey())) {
				oldest.remove();
				this.writing.add(next.getKey());
				return Optional.of(Map.entry(next.getKey(), next.getValue()));
			}
		}
		return Optional.empty();
	}

	synchronized void written(String name) {
		this.writing.remove(name);
	}

	/** The write of {@code state} failed: it waits again, before anything that came meanwhile. */
	synchronized void failed(String name, Pending state) {
		this.writing.remove(name);
		Pending later = this.waiting.remove(name);
		add(name, (later != null) ? state.then(later) : state);
	}

	/** What waits, by probe name, for {@code GET /api/probes}. */
	synchronized Map<String, Pending> snapshot() {
		return Map.copyOf(this.waiting);
	}

	/**
	 * A probe state to write. {@code row} when this server saw the probe connect (the whole row is written);
	 * otherwise only what changed, the state only if {@code sessionSince} is still the stored session.
	 *
	 * @param row whether the whole row is known (a connect was seen)
	 * @param remoteAddress where it connects from (row only)
	 * @param state its state
	 * @param version its version (row only)
	 * @param capabilities its capabilities (row only)
	 * @param maxConcurrency its slots (row only)
	 * @param sessionSince the session this state belongs to
	 * @param lastSeen when it was last heard from
	 * @param disconnectedAt when its session ended, if it did
	 * @param disconnectReason why
	 * @param counters tasks completed, failed and throttled not written yet
	 */
	record Pending(boolean row, @Nullable String remoteAddress, @Nullable ProbeState state, @Nullable String version,
			List<String> capabilities, int maxConcurrency, Instant sessionSince, @Nullable Instant lastSeen,
			@Nullable Instant disconnectedAt, @Nullable String disconnectReason, long[] counters) {

		static Pending connected(ProbeSession session) {
			return new Pending(true, session.remoteAddress(), ProbeState.EFFECTIVE, session.version(),
					List.copyOf(session.capabilities()), session.maxConcurrency(), session.connectedSince(),
					session.connectedSince(), null, null, new long[3]);
		}

		static Pending touched(ProbeSession session, long[] counters) {
			return new Pending(false, null, null, null, List.of(), 0, session.connectedSince(), session.lastSeen(),
					null, null, counters);
		}

		static Pending disconnected(ProbeSession session, String reason, Instant at, long[] counters) {
			return new Pending(false, null, ProbeState.INEFFECTIVE, null, List.of(), 0, session.connectedSince(),
					session.lastSeen(), at, reason, counters);
		}

		/** This state followed by {@code later}: the later session's state wins, counters add up. */
		Pending then(Pending later) {
			long[] sum = { this.counters[0] + later.counters[0], this.counters[1] + later.counters[1],
					this.counters[2] + later.counters[2] };
			Instant seen = latest(this.lastSeen, later.lastSeen);
			if (later.row) {
				return new Pending(true, later.remoteAddress, later.state, later.version, later.capabilities,
						later.maxConcurrency, later.sessionSince, seen, later.disconnectedAt, later.disconnectReason, sum);
			}
			// A known row takes only the end of its own session; an update takes the later session's guard.
			boolean ends = later.state != null && (!this.row || later.sessionSince.equals(this.sessionSince));
			return new Pending(this.row, this.remoteAddress, ends ? later.state : this.state, this.version,
					this.capabilities, this.maxConcurrency, (ends && !this.row) ? later.sessionSince : this.sessionSince,
					seen,
					ends ? later.disconnectedAt : this.disconnectedAt, ends ? later.disconnectReason : this.disconnectReason,
					sum);
		}

		private static @Nullable Instant latest(@Nullable Instant a, @Nullable Instant b) {
			if (a == null) {
				return b;
			}
			return (b == null || a.isAfter(b)) ? a : b;
		}
	}
}
