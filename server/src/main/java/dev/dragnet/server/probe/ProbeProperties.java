package dev.dragnet.server.probe;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the server treats probe agents.
 *
 * @param tokens shared tokens a probe may present in its hello, besides its own enrolled credential
 * @param pingInterval how often the server pings each probe
 * @param missedPings unanswered pings in a row after which a probe is INEFFECTIVE and its session closed
 * @param helloTimeout how long a new connection may take to send its hello
 * @param maxPerAddress most probes connected at once from one remote address (0: no limit); the next is closed
 * with a reason
 * @param minVersion the oldest probe software version accepted ({@code 0.2.0}); older probes, and builds without a
 * release number, are refused with a reason. Unset: every version is accepted
 * @param enrollmentTtl how long an enrollment code stays usable when its creator names no expiry
 * @param quarantine when a probe stops getting work because its answers or failures are suspicious
 * @param reconnectSpread the longest wait the server advises a probe to take before it connects again when it
 * closes the probe's session on shutdown (each probe is told a random wait up to it, so a fleet moving to the other
 * instances comes back spread out) or refuses it for load (at least half of it then)
 * @param shutdownDrain on a graceful shutdown, how long a probe session may still finish the tasks it holds before
 * it is closed
 */
@ConfigurationProperties("dragnet.probes")
public record ProbeProperties(@DefaultValue List<String> tokens, @DefaultValue("10s") Duration pingInterval,
		@DefaultValue("2") int missedPings, @DefaultValue("10s") Duration helloTimeout,
		@DefaultValue("0") int maxPerAddress, @Nullable String minVersion, @DefaultValue("24h") Duration enrollmentTtl,
		@DefaultValue Quarantine quarantine, @DefaultValue("10s") Duration reconnectSpread,
		@DefaultValue("5s") Duration shutdownDrain) {

	public ProbeProperties {
		tokens = tokens.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
		if (missedPings < 1) {
			throw new IllegalArgumentException("dragnet.probes.missed-pings must be at least 1");
		}
		if (pingInterval.isZero() || pingInterval.isNegative()) {
			throw new IllegalArgumentException("dragnet.probes.ping-interval must be positive");
		}
		if (maxPerAddress < 0) {
			throw new IllegalArgumentException("dragnet.probes.max-per-address must be 0 (no limit) or more");
		}
		if (minVersion != null && minVersion.isBlank()) {
			minVersion = null;
		}
		if (enrollmentTtl.isZero() || enrollmentTtl.isNegative()) {
			throw new IllegalArgumentException("dragnet.probes.enrollment-ttl must be positive");
		}
		if (reconnectSpread.isNegative() || shutdownDrain.isNegative()) {
			throw new IllegalArgumentException(
					"dragnet.probes.reconnect-spread and dragnet.probes.shutdown-drain must not be negative");
		}
	}

	/**
	 * Spot checks and quarantine.
	 *
	 * @param spotCheckShare share of WHOIS answers, and of stored campaign blocks (one address each), from 0 to 1,
	 * asked once more on another probe and compared
	 * @param maxConcurrentChecks spot checks waiting or running at once at most, WHOIS and campaign ones counted
	 * apart; beyond, answers are not checked
	 * @param maxDisagreements spot checks a probe may lose (its answer differed from two others that agreed) before
	 * it is quarantined
	 * @param maxConsecutiveFailures failed tasks in a row (timeouts, connection failures, errors; not throttling)
	 * after which a probe is quarantined while other probes succeed (0: never)
	 */
	public record Quarantine(@DefaultValue("0.02") double spotCheckShare, @DefaultValue("4") int maxConcurrentChecks,
			@DefaultValue("3") int maxDisagreements, @DefaultValue("25") int maxConsecutiveFailures) {

		public Quarantine {
			if (spotCheckShare < 0 || spotCheckShare > 1) {
				throw new IllegalArgumentException("dragnet.probes.quarantine.spot-check-share must be between 0 and 1");
			}
			if (maxDisagreements < 1 || maxConcurrentChecks < 0 || maxConsecutiveFailures < 0) {
				throw new IllegalArgumentException("dragnet.probes.quarantine limits must not be negative");
			}
		}
	}
}
