package dev.dragnet.protocol;

import org.jspecify.annotations.Nullable;

/**
 * Ask a WHOIS server over TCP (RFC 3912): connect, send {@code query} followed by CRLF, read until the
 * server closes.
 *
 * @param host WHOIS server host name or address
 * @param port TCP port, normally 43
 * @param query the exact query line, already formatted for that server and free of CR and LF
 * @param charset charset to decode the answer with, or {@code null} to detect (UTF-8, else ISO-8859-1)
 * @param maxBytes byte cap: reading stops there and the result is {@link TaskResult.Outcome#TRUNCATED}
 * @param connectTimeoutMillis deadline for the TCP connection alone
 * @param proxy SOCKS5 proxy to go through, or {@code null} to connect directly
 * @param pace how this probe must pace its queries to {@code host}, or {@code null} for no pacing
 */
public record WhoisQuery(String host, int port, String query, @Nullable String charset, int maxBytes,
		long connectTimeoutMillis, @Nullable SocksProxy proxy, @Nullable Pace pace) implements TaskWork {

	/** A query without pacing. */
	public WhoisQuery(String host, int port, String query, @Nullable String charset, int maxBytes,
			long connectTimeoutMillis, @Nullable SocksProxy proxy) {
		this(host, port, query, charset, maxBytes, connectTimeoutMillis, proxy, null);
	}
}
