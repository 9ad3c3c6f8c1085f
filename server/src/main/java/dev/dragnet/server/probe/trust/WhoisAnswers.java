package dev.dragnet.server.probe.trust;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reduces a WHOIS answer to what two honest probes asking the same server should both see: the data lines, without
 * the parts that legitimately change from one query to the next (database timestamps, query counters, comments and
 * notices).
 */
final class WhoisAnswers {

	/** Lines whose content changes between two honest answers. */
	private static final Pattern VARYING = Pattern.compile(
			"last update of whois database|>>>|<<<|timestamp|query time|queried at|generated (at|on)|"
					+ "this query was served|rate limit|queries remaining",
			Pattern.CASE_INSENSITIVE);

	private WhoisAnswers() {
	}

	/** The answer's stable lines, trimmed, lower case, without blank, comment or varying lines. */
	static String normalise(String text) {
		return text.lines()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("%") && !line.startsWith("#"))
			.filter((line) -> !VARYING.matcher(line).find())
			.map((line) -> line.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT))
			.collect(Collectors.joining("\n"));
	}
}
