package dev.dragnet.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DomainNamesTests {

	@Test
	void normalisesCaseAndTrailingDot() {
		assertThat(DomainNames.normalise("Example.COM.")).isEqualTo("example.com");
	}

	@Test
	void turnsIdnsIntoPunycode() {
		assertThat(DomainNames.normalise("bücher.de")).isEqualTo("xn--bcher-kva.de");
		assertThat(DomainNames.normalise("例え.jp")).isEqualTo("xn--r8jz45g.jp");
		assertThat(DomainNames.toUnicode("xn--bcher-kva.de")).isEqualTo("bücher.de");
	}

	@Test
	void acceptsNamesUpTo253Characters() {
		String label = "a".repeat(63);
		String name = label + "." + label + "." + label + "." + "a".repeat(57) + ".com";
		assertThat(name).hasSize(253);
		assertThat(DomainNames.normalise(name)).isEqualTo(name);
		assertThatThrownBy(() -> DomainNames.normalise("a" + name)).isInstanceOf(InvalidDomainException.class)
			.hasMessageContaining("253");
	}

	@ParameterizedTest
	@ValueSource(strings = { "example.com\r\nsecret", "example.com\n", "exa mple.com", "example.com\u0000",
			"example..com", "-bad.com", "bad-.com", "under_score.com", "com", "", ".", "exa$mple.com" })
	void rejectsNamesThatCannotBeQueried(String input) {
		assertThatThrownBy(() -> DomainNames.normalise(input)).isInstanceOf(InvalidDomainException.class);
	}

	@Test
	void saysWhyALineBreakIsRefused() {
		assertThatThrownBy(() -> DomainNames.normalise("a.com\r\nb")).hasMessageContaining("line break");
	}

	@Test
	void refusesOverlongLabels() {
		assertThatThrownBy(() -> DomainNames.normalise("a".repeat(64) + ".com")).hasMessageContaining("63");
	}
}
