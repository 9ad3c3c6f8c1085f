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
 */
@ConfigurationProperties("dragnet.whois.bulk")
record BulkProperties(@DefaultValue("1024") int concurrency, @DefaultValue("1KB") DataSize maxLineLength) {

	BulkProperties {
		if (concurrency < 1) {
			throw new IllegalArgumentException("dragnet.whois.bulk.concurrency must be at least 1");
		}
		if (maxLineLength.toBytes() < 1 || maxLineLength.toBytes() > 1024 * 1024) {
			throw new IllegalArgumentException("dragnet.whois.bulk.max-line-length must be from 1B to 1MB");
		}
	}
}
