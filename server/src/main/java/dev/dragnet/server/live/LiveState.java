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
 * @param parts the state parts ({@code probes}, {@code whois}, {@code campaigns}), each with its version
 * @param alerts the latest alerts, oldest first, each with the version it was published at
 */
record LiveState(List<Part> parts, List<Part> alerts) {

	LiveState {
		parts = List.copyOf(parts);
		alerts = List.copyOf(alerts);
	}

	/** Everything newer than {@code seen}, oldest change first. */
	List<Part> since(long seen) {
		List<Part> news = new ArrayList<>();
		for (Part part : this.parts) {
			if (part.version() > seen) {
				news.add(part);
			}
		}
		for (Part alert : this.alerts) {
			if (alert.version() > seen) {
				news.add(alert);
			}
		}
		news.sort(Comparator.comparingLong(Part::version));
		return news;
	}

	/** Whether {@code part} is an alert, or the version of its kind in this state. */
	boolean current(Part part) {
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
