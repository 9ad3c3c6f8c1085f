package dev.dragnet.protocol;

/**
 * A probe with campaign capacity asks for up to {@code blocks} work blocks. Campaign capacity is separate
 * from the task credits of {@link CreditGrant}, so bulk work never starves interactive lookups. The server
 * leases what it has (maybe nothing) and answers one {@link BlockLease} per block.
 */
public record WantBlocks(int blocks) implements ProbeFrame {
}
