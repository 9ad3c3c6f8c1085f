package dev.dragnet.protocol;

/**
 * The probe grants the server {@code credits} more task slots. The server never has more tasks in flight
 * on a probe than the credits it was granted; each task sent uses one, and a probe grants one back when it
 * has finished a task. Total outstanding credit never exceeds {@link Hello#maxConcurrency()}.
 */
public record CreditGrant(int credits) implements ProbeFrame {
}
