package dev.dragnet.protocol;

/**
 * How a probe paces its own requests to one remote server (WHOIS host, RDAP host), so that one source
 * address stays under the server's limits. The server sends it with each task; the probe applies the
 * strictest pace it has seen for that host.
 *
 * @param minIntervalMillis least time between the starts of two requests to the host from this probe
 * @param maxConnections most requests open to the host at once from this probe
 */
public record Pace(long minIntervalMillis, int maxConnections) {

	public Pace {
		if (minIntervalMillis < 0 || maxConnections < 1) {
			throw new IllegalArgumentException("pace needs minIntervalMillis >= 0 and maxConnections >= 1");
		}
	}
}
