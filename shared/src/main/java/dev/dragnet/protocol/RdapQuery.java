package dev.dragnet.protocol;

import org.jspecify.annotations.Nullable;

/**
 * Ask an RDAP server over HTTPS (RFC 7480-7484, 9082/9083): {@code GET url} with
 * {@code Accept: application/rdap+json}. When {@code followRelated} is set and the answer links a
 * {@code rel: "related"} RDAP record (the registrar's, for thin registries), the probe fetches that too.
 *
 * <p>The result's {@code text} is a JSON object {@code {"responses":[{"url":..., "status":200, "body":{...}}, ...]}},
 * registry first, at most two entries; {@code body} is the parsed JSON, or absent when the answer was not JSON.
 * A 404 from the registry is an {@link TaskResult.Outcome#OK} result with status 404 (the object does not
 * exist). HTTP 429 is {@link TaskResult.Outcome#THROTTLED} with the {@code Retry-After} wait.
 *
 * @param url the full RDAP URL, e.g. {@code https://rdap.verisign.com/com/v1/domain/example.com}
 * @param maxBytes byte cap of each response body
 * @param connectTimeoutMillis deadline for the TCP and TLS connection
 * @param followRelated whether to follow one {@code related} link
 * @param pace how this probe must pace its requests to the URL's host, or {@code null}
 */
public record RdapQuery(String url, int maxBytes, long connectTimeoutMillis, boolean followRelated,
		@Nullable Pace pace) implements TaskWork {
}
