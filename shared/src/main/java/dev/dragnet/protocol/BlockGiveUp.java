package dev.dragnet.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * A probe cannot answer a leased block and hands it back at once rather than let the lease lapse. Only the current
 * lease holder can give a block up; from anyone else the frame changes nothing.
 *
 * <p>Two kinds of give-up: with {@code restingMillis}, every source the probe may use for the block rests longer
 * than the lease allows (throttled, blocked, page changed). That is not the block's fault: it goes back to the pool
 * with no attempt counted, and the server leases nothing more to this probe for that long (or until the probe
 * reports a usable source). Without it (an older probe, or sources that failed), the server treats the give-up like a
 * lapsed lease, only sooner: the block goes back with one more attempt, or fails with {@code reason} after the last.
 *
 * @param leaseId the lease given up
 * @param reason why, in a person's words; kept with a block that fails
 * @param restingMillis how long until one of the probe's sources for the block is usable again, or {@code null}
 * when the give-up is not because of rests
 */
public record BlockGiveUp(String leaseId, String reason,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long restingMillis) implements ProbeFrame {

	/** A give-up that counts as an attempt (the sources failed, or an older probe). */
	public BlockGiveUp(String leaseId, String reason) {
		this(leaseId, reason, null);
	}
}
