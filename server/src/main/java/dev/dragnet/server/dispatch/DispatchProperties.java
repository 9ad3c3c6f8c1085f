package dev.dragnet.server.dispatch;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How tasks are handed to probes.
 *
 * @param attemptTimeout how long one probe may take on one attempt before the task is retried elsewhere
 * @param maxAttempts attempts per task, each on a different probe
 * @param acquireTimeout how long a task may wait for a probe with free credit when all are busy
 * @param maxWaiting tasks allowed to wait for free credit at once; beyond that requests get 503 at once
 * @param throttleCooldown how long a probe rests from a server that throttled it without naming a wait
 * @param maxCooldown the longest rest honoured, whatever wait a server names
 */
@ConfigurationProperties("dragnet.dispatch")
public record DispatchProperties(@DefaultValue("15s") Duration attemptTimeout, @DefaultValue("3") int maxAttempts,
		@DefaultValue("10s") Duration acquireTimeout, @DefaultValue("10000") int maxWaiting,
		@DefaultValue("60s") Duration throttleCooldown, @DefaultValue("24h") Duration maxCooldown) {

	public DispatchProperties {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("dragnet.dispatch.max-attempts must be at least 1");
		}
	}
}
