package dev.dragnet.server.whois.bulk;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How {@code POST /api/whois/bulk} reads and answers.
 *
 * @param concurrency lookups one bulk request has under way at once, most of them queued for their server's
 * pace; the request body is read no faster than they complete and their answers are taken by the client
 * @param maxLineLength the longest input line, in bytes without its line end; a longer line is answered with a
 * {@code /problems/line-too-long} error and reading goes on with the next line
 * @param maxRequestsPerClient bulk requests one client address may have running at once (0: no limit); one more
 * is answered 429 {@code /problems/too-many-bulk-requests}. A client's requests also share one round-robin turn
 * in the scheduler's bulk lanes, so that one client cannot take every probe by opening many requests
 */
@ConfigurationProperties("dragnet.whois.bulk")
record BulkProperties(@DefaultValue("1024") int concurrency, @DefaultValue("1KB") DataSize maxLineLength,
		@DefaultValue("4") int maxRequestsPerClient) {

	BulkProperties {
		if (concurrency < 1) {
			throw new IllegalArgumentException("dragnet.whois.bulk.concurrency must be at least 1");
		}
		if (maxRequestsPerClient < 0) {
			throw new IllegalArgumentException("dragnet.whois.bulk.max-requests-per-client must not be negative");
		}
		if (maxLineLength.toBytes() < 1 || maxLineLength.toBytes() > 1024 * 1024) {
			throw new IllegalArgumentException("dragnet.whois.bulk.max-line-length must be from 1B to 1MB");
		}
	}
}
