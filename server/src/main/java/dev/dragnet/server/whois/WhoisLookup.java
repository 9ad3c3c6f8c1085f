package dev.dragnet.server.whois;

import java.util.List;

import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.dispatch.Attempt;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code GET /api/whois/{domain}}.
 *
 * @param domain the name asked, as A-label (punycode)
 * @param unicodeDomain the same name as U-label
 * @param server the WHOIS server asked, {@code host:port}
 * @param query the exact query line sent
 * @param probe the probe that answered
 * @param elapsedMillis time from request to answer at the server
 * @param outcome {@code OK}, or {@code TRUNCATED} when the answer hit the byte cap
 * @param text the raw WHOIS text
 * @param attempts every attempt made, the answering one last
 */
public record WhoisLookup(String domain, String unicodeDomain, String server, String query, String probe,
		long elapsedMillis, TaskResult.Outcome outcome, @Nullable String text, List<Attempt> attempts) {
}
