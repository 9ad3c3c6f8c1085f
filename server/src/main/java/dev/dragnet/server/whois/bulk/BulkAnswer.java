package dev.dragnet.server.whois.bulk;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.dragnet.server.whois.WhoisLookup;
import org.jspecify.annotations.Nullable;

/**
 * One line of the answer to {@code POST /api/whois/bulk}: exactly one of {@code result} and {@code error}.
 *
 * @param line the number of the input line answered, from 1, counting every line of the body
 * @param domain the domain as the line gave it (for an overlong line, its start); absent when the line names none
 * @param result the lookup, as {@code GET /api/whois/{domain}} answers it
 * @param error why the line has no result, as a problem object
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BulkAnswer(long line, @Nullable String domain, @Nullable WhoisLookup result, @Nullable BulkError error) {

	static BulkAnswer of(ParsedLine line, WhoisLookup result) {
		return new BulkAnswer(line.number(), line.domain(), result, null);
	}

	static BulkAnswer of(ParsedLine line, BulkError error) {
		return new BulkAnswer(line.number(), line.domain(), null, error);
	}
}
