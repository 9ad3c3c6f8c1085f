package dev.dragnet.server.whois;

import java.util.List;

import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.dispatch.Attempt;
import org.jspecify.annotations.Nullable;

/**
 * One answer on the way to a complete record: the registry's, then the registrar's or another RIR's when a
 * referral was followed. For RDAP, one hop per RDAP response (registry, then the related registrar record).
 *
 * @param source {@code whois} or {@code rdap}
 * @param server {@code host:port} for WHOIS, the URL's host for RDAP
 * @param query the query line (WHOIS) or URL (RDAP)
 * @param probe the probe that asked
 * @param outcome how it ended
 * @param text the raw answer (WHOIS text, or the RDAP JSON body)
 * @param status the HTTP status, for RDAP
 * @param elapsedMillis time this hop took at the server, retries included
 * @param attempts every attempt of this hop
 * @param note why this hop was made or why it stopped the chain, in a person's words
 */
public record Hop(String source, String server, String query, String probe, TaskResult.Outcome outcome,
		@Nullable String text, @Nullable Integer status, long elapsedMillis, List<Attempt> attempts, @Nullable String note) {

	static final String WHOIS = "whois";

	static final String RDAP = "rdap";

	boolean answered() {
		return this.outcome.answered();
	}
}
