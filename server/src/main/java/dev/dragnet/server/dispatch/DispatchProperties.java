package dev.dragnet.server.dispatch;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How tasks are handed to probes.
 *
 * @param attemptTimeout how long one probe may take on one attempt before the task is retried elsewhere
 * @param maxAttempts attempts per task that failed on a probe, each on a different probe (attempts lost to a
 * probe's death or to a throttle do not count)
 * @param acquireTimeout the longest a single lookup, once admitted, waits in the server's queue for its turn;
 * bulk lines are not bound by it
 * @param maxWaiting single lookups allowed to wait in the server's queues at once; beyond that they get 503
 * @param throttleCooldown the longest rest of a probe from a server that throttled it without naming a wait
 * @param firstThrottleRest the first such rest: it doubles, up to {@code throttleCooldown}, when the same probe is
 * throttled by the same server again as the rest ends, and starts over after a while of answers. The pace
 * slows down at each throttle as well, so a registry whose real limit is a little below the pace costs a short rest,
 * and one that keeps refusing soon gets the full one
 * @param maxCooldown the longest rest honoured, whatever wait a server names
 */
@ConfigurationProperties("dragnet.dispatch")
public record DispatchProperties(@DefaultValue("15s") Duration attemptTimeout, @DefaultValue("3") int maxAttempts,
		@DefaultValue("120s") Duration acquireTimeout, @DefaultValue("10000") int maxWaiting,
		@DefaultValue("60s") Duration throttleCooldown, @DefaultValue("24h") Duration maxCooldown,
		@DefaultValue("2s") Duration firstThrottleRest) {

	public DispatchProperties {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("dragnet.dispatch.max-attempts must be at least 1");
		}
	}
}
