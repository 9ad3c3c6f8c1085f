package dev.dragnet.server.cluster;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How server instances sharing one database find each other (docs/CLUSTER.md).
 *
 * @param heartbeatInterval how often an instance writes its heartbeat and reads who else is there
 * @param deadAfter an instance whose heartbeat is older than this is dead: another instance takes over what it
 * held (its probes are shown INEFFECTIVE, their alerts are sent). Several heartbeat intervals, so that one slow
 * write is not a death
 * @param advertiseUrl the base URL other instances reach this one at ({@code http://10.0.0.5:8080}); by default
 * {@code http://<this host's address>:<server port>}
 * @param secret the shared secret instances present to each other's internal endpoints (at least 16 characters,
 * the same on every instance); without it the internal endpoints refuse every call, and instances share what the
 * database holds (membership, the probe list, the fleet's probe gauges) but neither forward lookups nor merge
 * statistics
 * @param connectTimeout how long an instance waits for a connection to another one
 * @param peerConnections connections an instance keeps open at most to each other instance; a forwarded lookup
 * holds one until its answer is back, so this bounds the lookups forwarded to one instance at once
 * @param statsTimeout how long {@code GET /api/whois-servers/stats} waits for another instance's numbers; one
 * that does not answer in time is left out and named in the answer
 */
@ConfigurationProperties("dragnet.cluster")
public record ClusterProperties(@DefaultValue("2s") Duration heartbeatInterval, @DefaultValue("10s") Duration deadAfter,
		@Nullable URI advertiseUrl, @Nullable String secret, @DefaultValue("2s") Duration connectTimeout,
		@DefaultValue("256") int peerConnections, @DefaultValue("2s") Duration statsTimeout) {

	public ClusterProperties {
		if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
			throw new IllegalArgumentException("dragnet.cluster.heartbeat-interval must be positive");
		}
		if (deadAfter.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
			throw new IllegalArgumentException("dragnet.cluster.dead-after must be at least twice the heartbeat interval");
		}
		if (secret != null && secret.isBlank()) {
			secret = null;
		}
		if (peerConnections < 1) {
			throw new IllegalArgumentException("dragnet.cluster.peer-connections must be at least 1");
		}
		if (secret != null && secret.length() < 16) {
			throw new IllegalArgumentException("dragnet.cluster.secret must be at least 16 characters");
		}
	}
}
