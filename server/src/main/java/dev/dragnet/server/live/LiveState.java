package dev.dragnet.server.live;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One sample of what the status page shows, each part stamped with the version at which it last changed.
 * Versions come from one counter per server run, so every change has a higher version than everything before
 * it: a client that has seen version {@code n} needs exactly the parts (and alerts) above {@code n}.
 *
 * <p>Probe changes are a log, not a state: a client that has seen {@code n} needs every one above {@code n}, and
 * one that missed some that are no longer kept ({@link #missedChanges(long)}) must read the probe table again. A
 * client that has seen nothing yet reads the table anyway, and gets none.
 *
 * @param parts the state parts ({@code fleet}, {@code whois}, {@code campaigns}, {@code database}), each with its
 * version
 * @param alerts the latest alerts, oldest first, each with the version it was published at
 * @param changes the latest {@code probes-changed} events, oldest first, each with its version
 * @param changesLost the version of the newest change no longer kept (0: none lost yet)
 */
record LiveState(List<Part> parts, List<Part> alerts, List<Part> changes, long changesLost) {

	LiveState {
		parts = List.copyOf(parts);
		alerts = List.copyOf(alerts);
		changes = List.copyOf(changes);
	}

	LiveState(List<Part> parts, List<Part> alerts) {
		this(parts, alerts, List.of(), 0);
	}

	/**
	 * Everything newer than {@code seen}, oldest change first; probe changes only when {@code seen} is not 0 and
	 * none were {@link #missedChanges(long) missed}: such a client reads the table instead.
	 */
	List<Part> since(long seen) {
		List<Part> news = new ArrayList<>();
		newer(this.parts, seen, news);
		newer(this.alerts, seen, news);
		if (seen > 0 && !missedChanges(seen)) {
			newer(this.changes, seen, news);
		}
		news.sort(Comparator.comparingLong(Part::version));
		return news;
	}

	/** Whether a client that has seen {@code seen} (not 0) missed probe changes that are no longer kept. */
	boolean missedChanges(long seen) {
		return seen > 0 && seen < this.changesLost;
	}

	private static void newer(List<Part> parts, long seen, List<Part> news) {
		for (Part part : parts) {
			if (part.version() > seen) {
				news.add(part);
			}
		}
	}

	/**
	 * Whether {@code part} is an alert, a probe change still kept (one dropped since is not sent: the client gets
	 * told to read the table again instead), or the version of its kind in this state.
	 */
	boolean current(Part part) {
		if (!this.changes.isEmpty() && this.changes.get(0).event().equals(part.event())) {
			return part.version() > this.changesLost;
		}
		for (Part candidate : this.parts) {
			if (candidate.event().equals(part.event())) {
				return candidate.version() == part.version();
			}
		}
		return true;
	}

	/** The highest version in this sample. */
	long version() {
		long max = 0;
		for (Part part : this.parts) {
			max = Math.max(max, part.version());
		}
		for (Part alert : this.alerts) {
			max = Math.max(max, alert.version());
		}
		for (Part change : this.changes) {
			max = Math.max(max, change.version());
		}
		return max;
	}

	/**
	 * One part of the state, or one alert.
	 *
	 * @param event the event name the page listens for
	 * @param version when it last changed
	 * @param data what is sent as the event's JSON data
	 */
	record Part(String event, long version, Object data) {

		Part {
			Objects.requireNonNull(event);
			Objects.requireNonNull(data);
		}
	}
}
