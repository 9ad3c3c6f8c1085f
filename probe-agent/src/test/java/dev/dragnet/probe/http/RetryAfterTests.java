package dev.dragnet.probe.http;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTests {

	private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

	@Test
	void secondsAreMilliseconds() {
		assertThat(RetryAfter.millis("120", NOW)).isEqualTo(120_000L);
		assertThat(RetryAfter.millis(" 0 ", NOW)).isZero();
	}

	@Test
	void anHttpDateIsTheTimeUntilThen() {
		assertThat(RetryAfter.millis("Sat, 21 Nov 2026 12:01:30 GMT", NOW)).isEqualTo(90_000L);
		assertThat(RetryAfter.millis("Sat, 21 Nov 2026 11:00:00 GMT", NOW)).isZero();
	}

	@Test
	void allThreeHttpDateFormsAreRead() {
		// RFC 9110 section 5.6.7: IMF-fixdate, the obsolete RFC 850 form and C's asctime() form
		assertThat(RetryAfter.millis("Sat, 21 Nov 2026 12:01:30 GMT", NOW)).isEqualTo(90_000L);
		assertThat(RetryAfter.millis("Saturday, 21-Nov-26 12:01:30 GMT", NOW)).isEqualTo(90_000L);
		assertThat(RetryAfter.millis("Sat Nov 21 12:01:30 2026", NOW)).isEqualTo(90_000L);
		assertThat(RetryAfter.millis("Sat Nov  7 12:00:00 2026", NOW)).isZero();
	}

	@Test
	void absurdWaitsAreCappedAndGarbageIsIgnored() {
		assertThat(RetryAfter.millis("99999999999999", NOW)).isEqualTo(RetryAfter.LONGEST.toMillis());
		assertThat(RetryAfter.millis("soon", NOW)).isNull();
		assertThat(RetryAfter.millis("", NOW)).isNull();
		assertThat(RetryAfter.millis(null, NOW)).isNull();
		assertThat(RetryAfter.millis("-5", NOW)).isNull();
	}
}
