package dev.dragnet.server.whois.bulk;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;

/** How the lines of a bulk request body are written. */
enum BulkFormat {

	/**
	 * {@code text/plain}: {@code domain} or {@code domain:server} per line; blank lines and {@code #} comments
	 * skipped.
	 */
	TEXT,

	/** {@code application/x-ndjson}: one JSON object per line; blank lines skipped. */
	NDJSON;

	static BulkFormat of(@Nullable MediaType contentType) {
		return (contentType != null && MediaType.APPLICATION_NDJSON.isCompatibleWith(contentType)) ? NDJSON : TEXT;
	}
}
