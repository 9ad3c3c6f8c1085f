package dev.dragnet.server.schedule;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the server schedules lookups against each target's pace.
 *
 * @param defaultMaxWait the longest estimated wait a single lookup accepts when its caller names no
 * {@code maxWait}; beyond it the lookup is answered 503 at once, with the estimate as {@code Retry-After}
 * @param maxMaxWait the largest {@code maxWait} a caller may ask for
 * @param bulkMaxWait the longest estimated wait a bulk line accepts (bulk lines are otherwise never failed
 * for waiting: they stream at the rate the paces allow)
 * @param probePaceSlack how much looser than the ledger's pace the pace sent to the probe is (capped at half
 * the interval), so network jitter between two tasks never makes the probe's own pacer wait
 * @param backoffFactor how much slower a (probe, target) pace gets after each throttle (multiplicative decrease)
 * @param maxInterval the slowest learned pace: least time between two starts from one probe to one target
 * @param recoveryAfter the quiet time (no throttle) after which a slowed pace speeds up by one step
 * @param recoveryStep how much rate one step adds, as a fraction of the configured rate (additive increase)
 * @param unpacedBackoffStart the interval a target without a configured pace backs off from
 * @param maxRequeues attempts that do not count against {@code dragnet.dispatch.max-attempts} (lost to a
 * probe's death, throttled, or a credit taken in between) one lookup may make; a bound against endless
 * loops
 */
@ConfigurationProperties("dragnet.schedule")
public record ScheduleProperties(@DefaultValue("20s") Duration defaultMaxWait, @DefaultValue("10m") Duration maxMaxWait,
		@DefaultValue("10m") Duration bulkMaxWait, @DefaultValue("100ms") Duration probePaceSlack,
		@DefaultValue("1.25") double backoffFactor, @DefaultValue("60s") Duration maxInterval,
		@DefaultValue("30s") Duration recoveryAfter, @DefaultValue("0.05") double recoveryStep,
		@DefaultValue("1s") Duration unpacedBackoffStart, @DefaultValue("20") int maxRequeues) {

	public ScheduleProperties {
		if (backoffFactor < 1.0) {
			throw new IllegalArgumentException("dragnet.schedule.backoff-factor must be at least 1");
		}
		if (recoveryStep <= 0 || recoveryStep > 1) {
			throw new IllegalArgumentException("dragnet.schedule.recovery-step must be above 0 and at most 1");
		}
		if (recoveryAfter.isZero() || recoveryAfter.isNegative()) {
			throw new IllegalArgumentException("dragnet.schedule.recovery-after must be positive");
		}
		if (maxRequeues < 0) {
			throw new IllegalArgumentException("dragnet.schedule.max-requeues must not be negative");
		}
	}

	/** The defaults, for code built without Spring (tests). */
	public static ScheduleProperties defaults() {
		return new ScheduleProperties(Duration.ofSeconds(20), Duration.ofMinutes(10), Duration.ofMinutes(10),
				Duration.ofMillis(100), 2.0, Duration.ofSeconds(60), Duration.ofSeconds(30), 0.1, Duration.ofSeconds(1), 20);
	}
}
