package dev.dragnet.server.probe;

/** A task's probe went away (session closed, pings missed, replaced) before it answered. */
public final class ProbeGoneException extends RuntimeException {

	public ProbeGoneException(String probe, String reason) {
		super("probe " + probe + " went away: " + reason, null, false, false);
	}
}
