package dev.dragnet.probe.rdap;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

/** Reads an HTTP {@code Retry-After} header (RFC 9110 section 10.2.3): delay seconds or an HTTP date. */
final class RetryAfter {

	/** Longest wait believed: a server asking for more than a week is not asking for a wait. */
	static final Duration LONGEST = Duration.ofDays(7);

	private RetryAfter() {
	}

	/**
	 * The wait {@code value} asks for, in milliseconds from {@code now}, or {@code null} when there is no header
	 * or it cannot be read. A date in the past is no wait (0); waits are capped at {@link #LONGEST}.
	 */
	static @Nullable Long millis(@Nullable String value, Instant now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String text = value.trim();
		if (text.chars().allMatch(Character::isDigit)) {
			if (text.length() > 9) {
				return LONGEST.toMillis();
			}
			return Math.min(Long.parseLong(text) * 1000, LONGEST.toMillis());
		}
		try {
			Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			long millis = Duration.between(now, at).toMillis();
			return Math.max(0, Math.min(millis, LONGEST.toMillis()));
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}
}
