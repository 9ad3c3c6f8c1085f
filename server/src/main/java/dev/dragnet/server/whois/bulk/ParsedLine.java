package dev.dragnet.server.whois.bulk;

import dev.dragnet.server.web.ProblemException;
import org.jspecify.annotations.Nullable;

/**
 * A bulk line after reading: a lookup to make, or the error that answers it at once.
 *
 * @param number the line's number in the body
 * @param domain the domain as given, when the line names one
 * @param query the lookup to make, or {@code null} when {@code error} is set
 * @param error why the line cannot be looked up, or {@code null}
 */
record ParsedLine(long number, @Nullable String domain, @Nullable BulkQuery query, @Nullable ProblemException error) {

	static ParsedLine lookup(long number, BulkQuery query) {
		return new ParsedLine(number, query.domain(), query, null);
	}

	static ParsedLine failed(long number, @Nullable String domain, ProblemException error) {
		return new ParsedLine(number, domain, null, error);
	}
}
