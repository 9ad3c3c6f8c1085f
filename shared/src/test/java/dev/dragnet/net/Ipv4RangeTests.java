package dev.dragnet.net;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ipv4RangeTests {

	@Test
	void parsesCidrDashRangesAndSingleAddresses() {
		assertThat(Ipv4Range.parse("192.0.2.0/24")).isEqualTo(new Ipv4Range(0xC0000200L, 0xC00002FFL));
		assertThat(Ipv4Range.parse(" 10.0.0.5 - 10.0.1.4 ").size()).isEqualTo(256);
		assertThat(Ipv4Range.parse("203.0.113.7").size()).isOne();
		assertThat(Ipv4Range.parse("0.0.0.0/0").size()).isEqualTo(1L << 32);
		assertThat(Ipv4Range.parse("255.255.255.255/32").toString()).isEqualTo("255.255.255.255");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "192.0.2.0/33", "192.0.2.1/24", "192.0.2.0/x", "192.0.2", "256.0.0.1", "1.2.3.4-1.2.3.3",
			"1.2.3.-4", "a.b.c.d", "1.2.3.4/", "1..2.3" })
	void refusesMalformedRangesWithAReason(String text) {
		assertThatThrownBy(() -> Ipv4Range.parse(text)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageNotContaining("null");
	}

	@Test
	void saysWhichNetworkWasMeant() {
		assertThatThrownBy(() -> Ipv4Range.parse("192.0.2.1/24")).hasMessageContaining("192.0.2.0/24");
	}

	@Test
	void splitsIntoBlocks() {
		List<Ipv4Range> blocks = Ipv4Range.parse("10.0.0.0-10.0.2.9").split(256);
		assertThat(blocks).hasSize(3);
		assertThat(blocks.get(2)).hasToString("10.0.2.0-10.0.2.9");
		assertThat(blocks.stream().mapToLong(Ipv4Range::size).sum()).isEqualTo(522);
	}

	@Test
	void findsOverlaps() {
		List<Ipv4Range> ranges = List.of(Ipv4Range.parse("10.0.0.0/24"), Ipv4Range.parse("10.0.2.0/24"),
				Ipv4Range.parse("10.0.0.128-10.0.1.5"));
		assertThat(Ipv4Range.firstOverlap(ranges)).hasSize(2);
		assertThat(Ipv4Range.firstOverlap(ranges.subList(0, 2))).isEmpty();
	}
}
