package dev.dragnet.server.whois.directory;

import org.jspecify.annotations.Nullable;

/**
 * The body of {@code PUT /api/whois-servers/{suffix}}.
 *
 * @param host the WHOIS server's host name or IP address (required)
 * @param port its port, 43 when absent
 * @param queryFormat the query line with one {@code %s} for the domain, {@code %s} when absent
 */
record WhoisServerRequest(@Nullable String host, @Nullable Integer port, @Nullable String queryFormat) {
}
