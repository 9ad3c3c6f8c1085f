package dev.dragnet.server.whois;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.dispatch.Attempt;
import dev.dragnet.server.whois.parse.ParsedWhois;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code GET /api/whois/{domain}}: where the record came from, the parsed fields, and every
 * hop's raw answer.
 *
 * @param domain the name asked, as A-label (punycode)
 * @param unicodeDomain the same name as U-label
 * @param source {@code whois} or {@code rdap}
 * @param server the first server asked ({@code host:port}, or the RDAP host)
 * @param query the first query line or URL
 * @param probe the probe that answered first
 * @param elapsedMillis time from request to answer at the server (0 for a cached answer)
 * @param outcome the first hop's outcome: {@code OK}, or {@code TRUNCATED} when it hit the byte cap
 * @param text the first hop's raw text
 * @param parsed the parsed fields (registered, statuses, dates, registrar, name servers, ...), at top level
 * @param hops every answer in order, the registry's first
 * @param attempts the first hop's attempts
 * @param cached whether this came from the cache
 * @param fetchedAt when the probes fetched it
 * @param cacheSkipped whether the cache could not be used (the database was away): the answer is fresh and was not
 * stored
 */
public record WhoisLookup(String domain, String unicodeDomain, String source, String server, String query,
		String probe, long elapsedMillis, TaskResult.Outcome outcome, @Nullable String text,
		@JsonUnwrapped ParsedWhois parsed, List<Hop> hops, List<Attempt> attempts, boolean cached, Instant fetchedAt,
		boolean cacheSkipped) {

	/** How the cache took part, for the {@code Dragnet-Cache} header: {@code hit}, {@code miss} or {@code skipped}. */
	public String cacheUse() {
		return this.cacheSkipped ? "skipped" : (this.cached ? "hit" : "miss");
	}

	/** This answer, marked as fetched without the cache. */
	WhoisLookup withCacheSkipped() {
		return new WhoisLookup(this.domain, this.unicodeDomain, this.source, this.server, this.query, this.probe,
				this.elapsedMillis, this.outcome, this.text, this.parsed, this.hops, this.attempts, this.cached,
				this.fetchedAt, true);
	}
}
