/**
 * Bulk WHOIS over HTTP: {@code POST /api/whois/bulk} reads a stream of domains (plain text or NDJSON), looks
 * them up with bounded concurrency and streams one NDJSON answer per input line as lookups complete. Demand
 * flows end to end: a slow reader of the answers slows the reading of the request body.
 */
@NullMarked
package dev.dragnet.server.whois.bulk;

import org.jspecify.annotations.NullMarked;
