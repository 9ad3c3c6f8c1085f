package dev.dragnet.server.dispatch;

import dev.dragnet.server.web.Printable;

/**
 * One try of a task on one probe, as reported to users. The detail often comes from the probe (its result's detail,
 * the reason of its error frame): it is kept printable and at most {@link #MAX_DETAIL} characters, so that a probe
 * cannot put a line break into the server's log or a megabyte into every answer that lists the attempt.
 *
 * @param probe the probe's name
 * @param outcome {@code OK}, a {@code TaskResult.Outcome} name, {@code NO_ANSWER} (attempt deadline passed) or
 * {@code PROBE_LOST}
 * @param detail what happened, in a person's words
 * @param elapsedMillis time the attempt took, seen from the server
 */
public record Attempt(String probe, String outcome, String detail, long elapsedMillis) {

	/** The longest detail kept, in characters (then {@code ...}). */
	public static final int MAX_DETAIL = 500;

	public Attempt {
		detail = (detail != null) ? Printable.cut(detail, MAX_DETAIL) : null;
	}
}
