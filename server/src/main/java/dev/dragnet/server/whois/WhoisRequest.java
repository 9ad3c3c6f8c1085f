package dev.dragnet.server.whois;

import org.jspecify.annotations.Nullable;

/**
 * One lookup as a caller asked for it.
 *
 * @param domain the name as given (validated and normalised by the service)
 * @param server a caller-chosen WHOIS server ({@code host} or {@code host:port}), or null for the table's
 * @param policy WHOIS, RDAP or both
 * @param fresh bypass the cache
 */
public record WhoisRequest(String domain, @Nullable String server, LookupPolicy policy, boolean fresh) {

	public static WhoisRequest of(String domain) {
		return new WhoisRequest(domain, null, LookupPolicy.AUTO, false);
	}
}
