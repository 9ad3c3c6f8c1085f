package dev.dragnet.server.whois.bulk;

import dev.dragnet.server.whois.LookupPolicy;
import org.jspecify.annotations.Nullable;

/**
 * One lookup asked for by a bulk line.
 *
 * @param domain the domain as given
 * @param server the WHOIS server the line names ({@code host} or {@code host:port}), or {@code null} for the
 * table's
 * @param policy the protocol to use, or {@code null} for {@code dragnet.whois.default-policy}
 * @param fresh whether to skip any stored answer
 */
record BulkQuery(String domain, @Nullable String server, @Nullable LookupPolicy policy, boolean fresh) {

	/** {@code domain} or {@code domain:server}, as in {@code /WHOIS/{domain}:{server}}. */
	static BulkQuery ofSpec(String spec) {
		int colon = spec.indexOf(':');
		if (colon < 0) {
			return new BulkQuery(spec, null, null, false);
		}
		return new BulkQuery(spec.substring(0, colon), spec.substring(colon + 1), null, false);
	}

	/** The policy a line names ({@code auto}, {@code rdap} or {@code whois}, any case); blank or absent is null. */
	static @Nullable LookupPolicy policy(@Nullable String given) {
		return LookupPolicy.parse(given);
	}
}
