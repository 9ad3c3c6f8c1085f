package dev.dragnet.server.whois;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
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
 * @param parse the parsed fields (registered, statuses, dates, registrar, name servers, ...), parsed when first asked
 * for: the raw text answers ({@code GET /WHOIS/...}, port 43) never need them; in JSON they are at top level
 * @param hops every answer in order, the registry's first
 * @param attempts the first hop's attempts
 * @param cached whether this came from the cache
 * @param fetchedAt when the probes fetched it
 * @param cacheSkipped whether the cache could not be used (the database was away): the answer is fresh and was not
 * stored
 */
public record WhoisLookup(String domain, String unicodeDomain, String source, String server, String query,
		String probe, long elapsedMillis, TaskResult.Outcome outcome, @Nullable String text,
		@JsonIgnore Parse parse, List<Hop> hops, List<Attempt> attempts, boolean cached, Instant fetchedAt,
		boolean cacheSkipped) {

	/** The parsed fields, parsed on the first call (CPU work of up to some milliseconds: not on an event loop). */
	@JsonProperty
	@JsonUnwrapped
	public ParsedWhois parsed() {
		return this.parse.get();
	}

	/** How the cache took part, for the {@code Dragnet-Cache} header: {@code hit}, {@code miss} or {@code skipped}. */
	public String cacheUse() {
		return this.cacheSkipped ? "skipped" : (this.cached ? "hit" : "miss");
	}

	/** This answer, marked as fetched without the cache. */
	WhoisLookup withCacheSkipped() {
		return new WhoisLookup(this.domain, this.unicodeDomain, this.source, this.server, this.query, this.probe,
				this.elapsedMillis, this.outcome, this.text, this.parse, this.hops, this.attempts, this.cached,
				this.fetchedAt, true);
	}

	/** The parse of a lookup's answers, done once when first asked for. */
	static final class Parse implements Supplier<ParsedWhois> {

		private final Supplier<ParsedWhois> parser;

		private volatile @Nullable ParsedWhois parsed;

		Parse(Supplier<ParsedWhois> parser) {
			this.parser = parser;
		}

		@Override
		public ParsedWhois get() {
			ParsedWhois done = this.parsed;
			if (done == null) {
				// Two callers at once may both parse; both get equal results, and the parse has no side effects.
				done = this.parser.get();
				this.parsed = done;
			}
			return done;
		}
	}
}
