package dev.dragnet.server.probe;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/** Compares probe software versions ({@code 0.2.0}, {@code 0.2.0-SNAPSHOT}) by their numbers. */
final class ProbeVersions {

	private ProbeVersions() {
	}

	/**
	 * Whether {@code version} is at least {@code minimum}. Always true without a minimum; false for a version that
	 * starts with no number ({@code dev}), since nobody can tell how old it is.
	 */
	static boolean atLeast(@Nullable String version, @Nullable String minimum) {
		if (minimum == null) {
			return true;
		}
		List<Integer> have = numbers(version);
		List<Integer> need = numbers(minimum);
		if (have.isEmpty()) {
			return false;
		}
		for (int i = 0; i < Math.max(have.size(), need.size()); i++) {
			int a = (i < have.size()) ? have.get(i) : 0;
			int b = (i < need.size()) ? need.get(i) : 0;
			if (a != b) {
				return a > b;
			}
		}
		return true;
	}

	/** The leading numbers of the dot-separated parts, up to the first part that does not start with a digit. */
	private static List<Integer> numbers(@Nullable String version) {
		List<Integer> numbers = new ArrayList<>();
		if (version == null) {
			return numbers;
		}
		for (String part : version.trim().split("\\.")) {
			int end = 0;
			while (end < part.length() && end < 9 && Character.isDigit(part.charAt(end))) {
				end++;
			}
			if (end == 0) {
				break;
			}
			numbers.add(Integer.parseInt(part.substring(0, end)));
			if (end < part.length()) {
				break;
			}
		}
		return numbers;
	}
}
