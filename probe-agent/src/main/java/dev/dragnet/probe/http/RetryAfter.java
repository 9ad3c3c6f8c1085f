package dev.dragnet.probe.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import io.netty.handler.codec.DateFormatter;
import org.jspecify.annotations.Nullable;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110 section 10.2.3): delay seconds or an HTTP date in any of the
 * three forms RFC 9110 section 5.6.7 requires a recipient to accept (IMF-fixdate, RFC 850, asctime), through Netty's
 * {@link DateFormatter}.
 */
public final class RetryAfter {

	/** Longest wait believed: a server asking for more than a week is not asking for a wait. */
	public static final Duration LONGEST = Duration.ofDays(7);

	private RetryAfter() {
	}

	/** The wait {@code value} asks for from {@code now}, or {@code null}; a past date is zero, waits are capped. */
	public static @Nullable Duration of(@Nullable String value, Instant now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String text = value.trim();
		if (text.chars().allMatch(Character::isDigit)) {
			return (text.length() > 9) ? LONGEST : min(Duration.ofSeconds(Long.parseLong(text)));
		}
		Date at = DateFormatter.parseHttpDate(text);
		if (at == null) {
			return null;
		}
		Duration wait = Duration.between(now, at.toInstant());
		return wait.isNegative() ? Duration.ZERO : min(wait);
	}

	/** {@link #of} in milliseconds, as protocol results carry it. */
	public static @Nullable Long millis(@Nullable String value, Instant now) {
		Duration wait = of(value, now);
		return (wait != null) ? wait.toMillis() : null;
	}

	private static Duration min(Duration wait) {
		return (wait.compareTo(LONGEST) > 0) ? LONGEST : wait;
	}

}
