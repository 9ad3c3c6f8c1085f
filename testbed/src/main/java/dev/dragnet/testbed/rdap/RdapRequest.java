package dev.dragnet.testbed.rdap;

import org.jspecify.annotations.Nullable;

/**
 * One request a {@link FakeRdapServer} received.
 *
 * @param method the HTTP method, {@code GET} normally
 * @param path the path without query, as sent
 * @param uri the request target as sent, query included
 * @param accept the {@code Accept} header, or {@code null}
 * @param userAgent the {@code User-Agent} header, or {@code null}
 */
public record RdapRequest(String method, String path, String uri, @Nullable String accept,
		@Nullable String userAgent) {
}
