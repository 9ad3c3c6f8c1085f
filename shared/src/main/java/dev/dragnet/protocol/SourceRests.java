package dev.dragnet.protocol;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where a probe's reverse-IP sources stand: every source it may use, each with the time its rest has left (zero when
 * it is usable now). Sent when the probe gets its sources and whenever one of them begins or ends a rest early, so
 * the server can show why a campaign waits and how much capacity it has, and lease only to probes that can work.
 *
 * @param sources every source this probe has, resting or not (the built-in {@code ptr} is never listed: it never
 * rests)
 */
public record SourceRests(List<Rest> sources) implements ProbeFrame {

	public SourceRests {
		sources = (sources != null) ? List.copyOf(sources) : List.of();
	}

	/**
	 * One source on this probe.
	 *
	 * @param source the source's name
	 * @param restingMillis how long it still rests, 0 when it is usable
	 * @param verdict why it rests, in the block-detection words ({@code THROTTLED}, {@code CAPTCHA}, {@code BANNED},
	 * {@code PAGE_CHANGED}, ...), or {@code null} when it does not
	 * @param reason why, in a person's words, or {@code null}
	 */
	public record Rest(String source, long restingMillis, @Nullable String verdict, @Nullable String reason) {
	}
}
