package dev.dragnet.testbed.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code --name value} options every benchmark takes, checked the same way. */
final class BenchArguments {

	private BenchArguments() {
	}

	/** The options given, by name without the dashes: each of {@code names} at most once, no other. */
	static Map<String, String> given(String[] args, List<String> names) {
		Map<String, String> given = new HashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("expected --option value, got '" + args[i] + "'");
			}
			String name = args[i].substring(2);
			if (!names.contains(name)) {
				throw new IllegalArgumentException("unknown option --" + name);
			}
			if (given.put(name, args[++i]) != null) {
				throw new IllegalArgumentException("--" + name + " given twice");
			}
		}
		return given;
	}

	/** Option {@code name} as a whole number from {@code least} to {@code most}, or {@code fallback} when not given. */
	static long number(Map<String, String> given, String name, long fallback, long least, long most) {
		String text = given.get(name);
		if (text == null) {
			return fallback;
		}
		try {
			long value = Long.parseLong(text);
			if (value >= least && value <= most) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException("--" + name + " must be a whole number "
				+ ((most == Long.MAX_VALUE || most == Integer.MAX_VALUE) ? "of at least " + least
						: "from " + least + " to " + most)
				+ ", not '" + text + "'");
	}

	/** {@link #number(Map, String, long, long, long)} for an {@code int}. */
	static int number(Map<String, String> given, String name, int fallback, int least, int most) {
		return (int) number(given, name, (long) fallback, least, most);
	}

	/** Option {@code name}'s comma-separated counts, each from 1 to {@code most}, in ascending order. */
	static List<Integer> ascending(String name, String text, int most) {
		List<Integer> counts = new ArrayList<>();
		for (String part : text.split(",", -1)) {
			int count;
			try {
				count = Integer.parseInt(part.strip());
			}
			catch (NumberFormatException ex) {
				count = 0;
			}
			if (count < 1 || count > most || (!counts.isEmpty() && count <= counts.get(counts.size() - 1))) {
				throw new IllegalArgumentException("--" + name + " takes ascending counts from 1 to " + most
						+ ", comma-separated, not '" + text + "'");
			}
			counts.add(count);
		}
		return List.copyOf(counts);
	}

	/** The white-space separated words of {@code text}; none when it is absent or blank. */
	static List<String> words(String text) {
		return (text == null || text.isBlank()) ? List.of() : List.of(text.strip().split("\\s+"));
	}
}
