package dev.dragnet.server.alert;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.dragnet.server.probe.ProbeStateChange;
import org.jspecify.annotations.Nullable;

/**
 * Which probes are down, which of them were reported, and how often each went down in the current digest
 * period: what decides whether a probe change becomes a message. Every map is keyed by probe name, so it is
 * as large as the fleet at most; the flap counts start afresh every period.
 */
final class ProbeWatch {

	private final AlertProperties.Digest digest;

	/** Probes down right now, with the change that took them down. */
	private final Map<String, ProbeStateChange> down = new HashMap<>();

	/** Probes reported down in a message and not back yet: their recovery gets a message too. */
	private final Set<String> reported = new HashSet<>();

	/** Downs per probe in the current digest period (only with the digest enabled). */
	private final Map<String, Flaps> flaps = new HashMap<>();

	ProbeWatch(AlertProperties.Digest digest) {
		this.digest = digest;
	}

	/**
	 * A probe went down. Returns what goes into the current round: the detection, or a last detection marked
	 * {@code flapping} when this down took it over the threshold; null when it is flapping and stays quiet
	 * until the digest.
	 */
	synchronized @Nullable Detection wentDown(ProbeStateChange change) {
		if (this.reported.contains(change.probe())) {
			// Reported and never seen back: no second message for the same outage.
			this.down.put(change.probe(), change);
			return null;
		}
		this.down.put(change.probe(), change);
		if (!this.digest.enabled()) {
			return new Detection(change, false, 1);
		}
		Flaps counted = this.flaps.merge(change.probe(), new Flaps(1, change),
				(old, now) -> new Flaps(old.downs() + 1, change));
		if (counted.downs() <= this.digest.flapThreshold()) {
			return new Detection(change, false, counted.downs());
		}
		return (counted.downs() == this.digest.flapThreshold() + 1) ? new Detection(change, true, counted.downs())
				: null;
	}

	/**
	 * Ends a detection round: keeps the latest detection of each probe, drops those that are back already
	 * (unless they carry the flapping notice), and marks the rest reported. Returns what the message lists.
	 */
	synchronized List<Detection> closeRound(List<Detection> round) {
		Map<String, Detection> latest = new LinkedHashMap<>();
		round.forEach((detection) -> latest.put(detection.change().probe(), detection));
		List<Detection> listed = new ArrayList<>();
		for (Detection detection : latest.values()) {
			boolean stillDown = this.down.get(detection.change().probe()) == detection.change();
			if (detection.flapping() || stillDown) {
				listed.add(detection);
			}
			if (stillDown && !detection.flapping()) {
				this.reported.add(detection.change().probe());
			}
		}
		return listed;
	}

	/**
	 * A probe is effective again. Returns the change that took it down when its down was reported (so its
	 * recovery is worth a message); null otherwise.
	 */
	synchronized @Nullable ProbeStateChange cameBack(ProbeStateChange change) {
		ProbeStateChange wentDown = this.down.remove(change.probe());
		return (this.reported.remove(change.probe())) ? wentDown : null;
	}

	/**
	 * Ends a digest period: returns the probes that flapped in it, busiest first, and starts counting afresh.
	 * A flapping probe that is down at this moment counts as reported, so its recovery gets a message.
	 */
	synchronized List<Flapper> endPeriod() {
		List<Flapper> flapped = new ArrayList<>();
		this.flaps.forEach((probe, counted) -> {
			if (counted.downs() > this.digest.flapThreshold()) {
				boolean stillDown = this.down.containsKey(probe);
				flapped.add(new Flapper(probe, counted.downs(), counted.last(), stillDown));
				if (stillDown) {
					this.reported.add(probe);
				}
			}
		});
		this.flaps.clear();
		flapped.sort((a, b) -> (a.downs() != b.downs()) ? Integer.compare(b.downs(), a.downs())
				: a.probe().compareTo(b.probe()));
		return flapped;
	}

	/**
	 * A probe going down, as a round lists it.
	 *
	 * @param flapping this down took the probe over the flap threshold: its later changes go to the digest
	 * @param downs downs of the probe in the current digest period, this one included
	 */
	record Detection(ProbeStateChange change, boolean flapping, int downs) {
	}

	/**
	 * A probe that flapped during a digest period.
	 *
	 * @param downs how often it went down in the period
	 * @param last its latest down
	 * @param stillDown whether it is down as the period ends
	 */
	record Flapper(String probe, int downs, ProbeStateChange last, boolean stillDown) {
	}

	private record Flaps(int downs, ProbeStateChange last) {
	}
}
