package dev.dragnet.testbed.reverseip;

import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One request a {@link FakeSite} received.
 *
 * @param client the remote address of the connection it came on, such as {@code "127.0.0.2"}
 * @param method the HTTP method
 * @param uri the request target as sent, query included
 * @param path the path without query, decoded
 * @param headers the request headers, names in lower case, repeated values joined by {@code ", "}
 * @param body the request body as UTF-8 (empty for a GET), at most {@link FakeSite#MAX_BODY_BYTES} bytes
 */
public record SiteRequest(String client, String method, String uri, String path, Map<String, String> headers,
		String body) {

	/** A copy with an unmodifiable header map. */
	public SiteRequest {
		headers = Map.copyOf(headers);
	}

	/** The value of header {@code name} (any case), or {@code null}. */
	public @Nullable String header(String name) {
		return this.headers.get(name.toLowerCase(Locale.ROOT));
	}

}
