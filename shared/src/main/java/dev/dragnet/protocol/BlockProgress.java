package dev.dragnet.protocol;

/** Addresses of a leased block done so far; extends the lease. */
public record BlockProgress(String leaseId, int done) implements ProbeFrame {
}
