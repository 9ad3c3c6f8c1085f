package dev.dragnet.probe.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

/** Reads an HTTP {@code Retry-After} header (RFC 9110 section 10.2.3): delay seconds or an HTTP date. */
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
		try {
			Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			Duration wait = Duration.between(now, at);
			return wait.isNegative() ? Duration.ZERO : min(wait);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
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
