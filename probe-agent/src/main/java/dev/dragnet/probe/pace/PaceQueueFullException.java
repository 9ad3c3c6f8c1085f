package dev.dragnet.probe.pace;

/**
 * Too many requests already wait for their turn at one host. The probe's concurrency normally keeps the queue far
 * below the bound, so this means a bug or a misconfiguration, not load.
 */
public final class PaceQueueFullException extends RuntimeException {

	PaceQueueFullException(String host, int waiting) {
		super(waiting + " requests already wait for their turn at " + host, null, false, false);
	}
}
