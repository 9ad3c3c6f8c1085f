package dev.dragnet.server.whois;

import java.util.List;

/**
 * The answer of {@code GET /api/whois/ip/{ip}} and {@code /api/whois/asn/{n}}.
 *
 * @param object the address or {@code AS<n>} asked about
 * @param server the first server asked
 * @param query the first query line (ARIN wants {@code n + <ip>} and {@code a + <n>})
 * @param probe the probe that answered first
 * @param elapsedMillis time from request to answer at the server
 * @param text every hop's text, as {@code /WHOIS} shows it
 * @param hops every answer in order, the first RIR's first
 */
public record NetworkLookup(String object, String server, String query, String probe, long elapsedMillis, String text,
		List<Hop> hops) {
}
