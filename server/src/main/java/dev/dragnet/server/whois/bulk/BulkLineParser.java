package dev.dragnet.server.whois.bulk;

import java.util.Optional;

import dev.dragnet.server.whois.InvalidPolicyException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Reads the lookup a bulk line asks for, in either {@link BulkFormat}. */
final class BulkLineParser {

	private final JsonMapper json;

	private final long maxLength;

	BulkLineParser(JsonMapper json, long maxLength) {
		this.json = json;
		this.maxLength = maxLength;
	}

	/** The line's lookup or error; empty for a line that asks nothing (blank, or a text comment). */
	Optional<ParsedLine> parse(RawLine line, BulkFormat format) {
		if (line.overlong()) {
			return Optional.of(ParsedLine.failed(line.number(), line.text() + "...",
					new BulkProblems.LineTooLong(this.maxLength)));
		}
		String text = (format == BulkFormat.TEXT) ? withoutComment(line.text()).strip() : line.text().strip();
		if (text.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of((format == BulkFormat.TEXT) ? ParsedLine.lookup(line.number(), BulkQuery.ofSpec(text))
				: fromJson(line.number(), text));
	}

	/** A {@code #} starts a comment: it can appear in neither a domain nor a server name. */
	private static String withoutComment(String text) {
		int hash = text.indexOf('#');
		return (hash < 0) ? text : text.substring(0, hash);
	}

	private ParsedLine fromJson(long number, String text) {
		JsonLine line;
		try {
			line = this.json.readValue(text, JsonLine.class);
		}
		catch (JacksonException ex) {
			return ParsedLine.failed(number, null, new BulkProblems.BadLine(
					"the line is not a JSON object such as {\"domain\": \"example.com\"}: "
							+ BulkProblems.quoted(firstLine(ex.getOriginalMessage()))));
		}
		if (line == null || line.domain() == null || line.domain().isBlank()) {
			return ParsedLine.failed(number, null,
					new BulkProblems.BadLine("the line has no \"domain\"; send {\"domain\": \"example.com\"}"));
		}
		try {
			return ParsedLine.lookup(number,
					new BulkQuery(line.domain(), line.server(), BulkQuery.policy(line.policy()), Boolean.TRUE.equals(line.fresh())));
		}
		catch (InvalidPolicyException ex) {
			return ParsedLine.failed(number, line.domain(), ex);
		}
	}

	private static String firstLine(@Nullable String message) {
		return (message != null) ? message.lines().findFirst().orElse("") : "no details";
	}

	/** One NDJSON line as sent. */
	record JsonLine(@Nullable String domain, @Nullable String server, @Nullable String policy,
			@Nullable Boolean fresh) {
	}
}
