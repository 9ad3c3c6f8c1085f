package dev.dragnet.server.whois.port43;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The WHOIS front door on TCP port 43.
 *
 * @param enabled whether the server listens for plain WHOIS queries (RFC 3912) at all
 * @param address the address to listen on; {@code 0.0.0.0} is every IPv4 interface
 * @param port the TCP port; 43 is the standard one (binding it needs root or {@code CAP_NET_BIND_SERVICE}),
 * 0 picks a free port (tests)
 * @param maxConnections connections served at once; a connection beyond that gets
 * {@code % Error: too many connections} and is closed
 * @param maxConnectionsPerClient connections one client address may have open at once (0: no limit); one more
 * gets {@code % Error: too many connections from your address} and is closed, so that one client cannot take
 * every probe
 * @param queryTimeout how long a client may take, from connecting, to send its query line
 * @param writeTimeout how long a client may take to read the answer before the connection is closed
 * @param maxQueryLength the longest query line, in bytes without its line end; a longer one gets an error
 */
@ConfigurationProperties("dragnet.whois.port43")
record Port43Properties(@DefaultValue("false") boolean enabled, @DefaultValue("0.0.0.0") String address,
		@DefaultValue("43") int port, @DefaultValue("256") int maxConnections,
		@DefaultValue("10s") Duration queryTimeout, @DefaultValue("30s") Duration writeTimeout,
		@DefaultValue("1KB") DataSize maxQueryLength, @DefaultValue("8") int maxConnectionsPerClient) {

	Port43Properties {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("dragnet.whois.port43.port must be from 0 to 65535");
		}
		if (maxConnections < 1) {
			throw new IllegalArgumentException("dragnet.whois.port43.max-connections must be at least 1");
		}
		if (maxConnectionsPerClient < 0) {
			throw new IllegalArgumentException("dragnet.whois.port43.max-connections-per-client must not be negative");
		}
		if (maxQueryLength.toBytes() < 1 || maxQueryLength.toBytes() > 64 * 1024) {
			throw new IllegalArgumentException("dragnet.whois.port43.max-query-length must be from 1B to 64KB");
		}
	}
}
