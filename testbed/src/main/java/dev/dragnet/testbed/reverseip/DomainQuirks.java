package dev.dragnet.testbed.reverseip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * B9, the data quirks real sources show, applied to clean names at presentation. Every quirky name still normalises
 * back to its clean one (lower case, strip one trailing dot, strip a leading {@code *.}); added junk rows (the queried
 * address itself) are not names at all.
 */
final class DomainQuirks {

	private DomainQuirks() {
	}

	/** Names 2, 11, 20, ... in upper case, 5, 14, ... with a trailing dot, 7, 16, ... as {@code *.} wildcards. */
	static List<String> dress(List<String> names) {
		List<String> shown = new ArrayList<>(names.size() + 1);
		for (int i = 0; i < names.size(); i++) {
			String name = names.get(i);
			shown.add(switch (i % 9) {
				case 2 -> name.toUpperCase(Locale.ROOT);
				case 5 -> name + ".";
				case 7 -> "*." + name;
				default -> name;
			});
		}
		return shown;
	}

	/** {@link #dress}, plus the queried address as a row of its own (fourth, or last when fewer) when any names. */
	static List<String> dressWithAddressRow(String ip, List<String> names) {
		List<String> shown = dress(names);
		if (!shown.isEmpty()) {
			shown.add(Math.min(3, shown.size()), ip);
		}
		return shown;
	}

}
