package dev.dragnet.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CloseReasonTests {

	@Test
	void aShortReasonIsKept() {
		assertThat(Protocol.closeReason("replaced by a new session")).isEqualTo("replaced by a new session");
		String exactly = "x".repeat(123);
		assertThat(Protocol.closeReason(exactly)).isEqualTo(exactly);
	}

	@ParameterizedTest
	@ValueSource(strings = { "a", "é", "€", "😀", "a€", "ab€" })
	void aLongReasonIsCutOnACodePointAndFitsAFrame(String unit) {
		for (int prefix = 0; prefix < 5; prefix++) {
			String reason = "p".repeat(prefix) + unit.repeat(200);
			String cut = Protocol.closeReason(reason);
			byte[] bytes = cut.getBytes(StandardCharsets.UTF_8);
			assertThat(bytes.length).as(reason).isLessThanOrEqualTo(123).isGreaterThanOrEqualTo(120);
			assertThat(cut).endsWith("...").doesNotContain("\uFFFD");
			String kept = cut.substring(0, cut.length() - 3);
			assertThat(reason).startsWith(kept);
			assertThat(new String(kept.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(kept);
			assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
		}
	}

	@Test
	void aRetryAfterAdviceLeadsTheReasonAndSurvivesTheCut() {
		String reason = Protocol.closeReason("the server is shutting down", Duration.ofMillis(4200));
		assertThat(reason).isEqualTo("retry-after=4200; the server is shutting down");
		assertThat(Protocol.retryAfter(reason)).isEqualTo(Duration.ofMillis(4200));
		assertThat(Protocol.withoutRetryAfter(reason)).isEqualTo("the server is shutting down");
		String cut = Protocol.closeReason("x".repeat(300), Duration.ofSeconds(90));
		assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
		assertThat(Protocol.retryAfter(cut)).isEqualTo(Duration.ofSeconds(90));
		assertThat(Protocol.retryAfter(Protocol.closeReason("soon", Duration.ofMillis(-5)))).isEqualTo(Duration.ZERO);
		assertThat(Protocol.retryAfter("retry-after=250")).isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void aReasonWithoutAWellFormedAdviceAdvisesNothing() {
		assertThat(Protocol.retryAfter(null)).isNull();
		assertThat(Protocol.retryAfter("replaced by a new session")).isNull();
		assertThat(Protocol.retryAfter("the server said retry-after=100")).isNull();
		assertThat(Protocol.retryAfter("retry-after=soon; later")).isNull();
		assertThat(Protocol.retryAfter("retry-after=12x; later")).isNull();
		assertThat(Protocol.retryAfter("retry-after=-1; later")).isNull();
		assertThat(Protocol.retryAfter("retry-after=1234567890123; too long")).isNull();
		assertThat(Protocol.withoutRetryAfter("replaced by a new session")).isEqualTo("replaced by a new session");
	}
}
