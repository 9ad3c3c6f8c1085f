package dev.dragnet.probe.reverseip;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** B9: what sites show, turned into names. */
class DomainNormaliserTests {

	@Test
	void quirkyNamesBecomeTheirCleanForm() {
		assertThat(DomainNormaliser.normalise("SITE-AB12.Example")).isEqualTo("site-ab12.example");
		assertThat(DomainNormaliser.normalise("shop.x1.test.")).isEqualTo("shop.x1.test");
		assertThat(DomainNormaliser.normalise("*.cafe-9.test")).isEqualTo("cafe-9.test");
		assertThat(DomainNormaliser.normalise("*.*.cafe-9.test")).isEqualTo("cafe-9.test");
		assertThat(DomainNormaliser.normalise("  news-1.example \t")).isEqualTo("news-1.example");
		assertThat(DomainNormaliser.normalise("bücher.example")).isEqualTo("xn--bcher-kva.example");
	}

	@Test
	void thingsThatAreNotNamesAreDropped() {
		assertThat(DomainNormaliser.normalise("192.0.2.7")).isNull();
		assertThat(DomainNormaliser.normalise("192.0.2.7.")).isNull();
		assertThat(DomainNormaliser.normalise("2001:db8::1")).isNull();
		assertThat(DomainNormaliser.normalise("localhost")).isNull();
		assertThat(DomainNormaliser.normalise("屏蔽的关键字")).isNull();
		assertThat(DomainNormaliser.normalise("two words.example")).isNull();
		assertThat(DomainNormaliser.normalise("_dmarc.example.com")).isNull();
		assertThat(DomainNormaliser.normalise("*.")).isNull();
		assertThat(DomainNormaliser.normalise("")).isNull();
		assertThat(DomainNormaliser.normalise(null)).isNull();
	}

	@Test
	void aWwwNameIsFoldedOnlyWhenItsBareNameIsThere() {
		assertThat(DomainNormaliser.normaliseAll(List.of("www.a.example", "A.example.", "www.b.example", "c.example",
				"*.c.example", "10.0.0.1")))
			.containsExactly("a.example", "c.example", "www.b.example");
	}

}
