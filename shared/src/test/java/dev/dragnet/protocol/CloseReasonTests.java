package dev.dragnet.protocol;

import java.nio.charset.StandardCharsets;

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
}
