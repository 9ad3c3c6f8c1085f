package dev.dragnet.testbed.reverseip;

import org.jspecify.annotations.Nullable;

/**
 * One reverse-IP question as a family's site understood it from a request.
 *
 * @param query what the client asked about, as sent (decoded), for messages
 * @param ip the address when {@code query} is a strict dotted quad, else {@code null}
 * @param page the family's page parameter: a 1-based page number, a 0-based result offset, or 1
 */
record Lookup(String query, @Nullable String ip, int page) {
}
