package dev.dragnet.protocol;

import org.jspecify.annotations.Nullable;

/** A SOCKS5 proxy a probe connects through, with optional username and password. */
public record SocksProxy(String host, int port, @Nullable String username, @Nullable String password) {

	@Override
	public String toString() {
		// Never print the password into a log line.
		return "SocksProxy[" + host + ":" + port + (username != null ? ", user=" + username : "") + "]";
	}
}
