package dev.dragnet.testbed.reverseip;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a careful scraper does with names as sites show them: normalise quirks and drop what is not a name. */
final class ShownNames {

	private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private ShownNames() {
	}

	/** Lower case, without one trailing dot and a leading {@code *.}; {@code null} for addresses and "null". */
	static String normalise(String shown) {
		String name = shown.trim().toLowerCase(Locale.ROOT);
		name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
		name = name.startsWith("*.") ? name.substring(2) : name;
		return (IPV4.matcher(name).matches() || name.equals("null") || name.isEmpty()) ? null : name;
	}

	static Set<String> normaliseAll(Collection<String> shown) {
		Set<String> names = new TreeSet<>();
		for (String name : shown) {
			String clean = normalise(name);
			if (clean != null) {
				names.add(clean);
			}
		}
		return names;
	}

	/** Group 1 of every match of {@code regex} in {@code text}, in order. */
	static List<String> all(String regex, String text) {
		return all(regex, text, 1);
	}

	/** Group {@code group} of every match of {@code regex} in {@code text}, in order. */
	static List<String> all(String regex, String text, int group) {
		Matcher matcher = Pattern.compile(regex).matcher(text);
		List<String> found = new ArrayList<>();
		while (matcher.find()) {
			found.add(matcher.group(group));
		}
		return found;
	}

}
