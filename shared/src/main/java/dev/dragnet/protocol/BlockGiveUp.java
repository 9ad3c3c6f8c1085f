package dev.dragnet.protocol;

/**
 * A probe cannot answer a leased block (every source it may use rests, or none is left that it trusts) and hands it
 * back at once rather than let the lease lapse. The server treats it like a lapsed lease, only sooner: the block goes
 * back to the pool with one more attempt, or fails with {@code reason} after the last one. Only the current lease
 * holder can give a block up; from anyone else the frame changes nothing.
 *
 * @param leaseId the lease given up
 * @param reason why, in a person's words; kept with a block that fails
 */
public record BlockGiveUp(String leaseId, String reason) implements ProbeFrame {
}
