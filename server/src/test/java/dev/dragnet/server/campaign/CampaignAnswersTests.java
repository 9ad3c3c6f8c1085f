package dev.dragnet.server.campaign;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.BlockResult.DomainFinding;
import dev.dragnet.protocol.BlockResult.IpFinding;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CampaignAnswersTests {

	@Test
	void noneAgreesOnlyWithNone() {
		assertThat(CampaignAnswers.agree(Set.of(), Set.of())).isTrue();
		assertThat(CampaignAnswers.agree(Set.of(), Set.of("a.example"))).isFalse();
		assertThat(CampaignAnswers.agree(Set.of("a.example"), Set.of())).isFalse();
	}

	@Test
	void smallAnswersMustBeEqual() {
		assertThat(CampaignAnswers.agree(Set.of("a.example", "b.test"), Set.of("b.test", "a.example"))).isTrue();
		assertThat(CampaignAnswers.agree(Set.of("a.example", "b.test"), Set.of("a.example"))).isFalse();
		assertThat(CampaignAnswers.agree(Set.of("a.example"), Set.of("made-up.test"))).isFalse();
	}

	@Test
	void largerAnswersMayDifferByAFifth() {
		Set<String> hundred = names("site-", 100);
		Set<String> lessTen = names("site-", 90);
		assertThat(CampaignAnswers.agree(hundred, lessTen)).as("90 of 100 shared").isTrue();
		Set<String> eighty = names("site-", 80);
		assertThat(CampaignAnswers.agree(hundred, eighty)).as("80 of 100 shared").isTrue();
		Set<String> seventyNine = names("site-", 79);
		assertThat(CampaignAnswers.agree(hundred, seventyNine)).as("79 of 100 shared").isFalse();
		Set<String> padded = new HashSet<>(hundred);
		padded.addAll(names("made-up-", 30));
		assertThat(CampaignAnswers.agree(hundred, padded)).as("30 names made up").isFalse();
	}

	@Test
	void namesAreComparedNormalisedAndBySource() {
		List<DomainFinding> domains = List.of(new DomainFinding("Shop.Example.", List.of("one"), null),
				new DomainFinding("*.cafe.test", List.of("one", "two"), true),
				new DomainFinding("www.news.example", List.of("two"), false),
				new DomainFinding("not a name", List.of("one"), null));
		assertThat(CampaignAnswers.names(domains, "one")).containsExactlyInAnyOrder("shop.example", "cafe.test");
		assertThat(CampaignAnswers.names(domains, "two")).containsExactlyInAnyOrder("cafe.test", "news.example");
		assertThat(CampaignAnswers.names(domains, null)).containsExactlyInAnyOrder("shop.example", "cafe.test",
				"news.example");
		assertThat(CampaignAnswers.agree(CampaignAnswers.names(domains, "two"),
				Set.of("cafe.test", "news.example"))).isTrue();
	}

	@Test
	void aCheckAsksOneStoredAddressAtTheSourceThatGaveItsNames() {
		BlockRepository.Leased block = new BlockRepository.Leased(7, 3, 0, 3, "lease", List.of("one", "two"), true);
		BlockResult result = new BlockResult("lease", List.of(new IpFinding("10.0.0.1",
				List.of(new DomainFinding("a.example", List.of("two"), null),
						new DomainFinding("b.example", List.of("two"), null),
						new DomainFinding("c.example", List.of("one"), null)))),
				List.of("10.0.0.0", "10.0.0.2", "10.0.0.3"));
		List<CampaignSpotChecks.Picked> picks = new ArrayList<>();
		for (int i = 0; i < 400; i++) {
			picks.add(CampaignSpotChecks.pick(block, result));
		}
		assertThat(picks).allSatisfy((picked) -> {
			assertThat(picked.question().campaignId()).isEqualTo(3);
			assertThat(picked.question().blockId()).isEqualTo(7);
			assertThat(picked.question().verify()).isTrue();
			if (picked.question().ip().equals("10.0.0.1")) {
				assertThat(picked.question().sources()).containsExactly("two");
				assertThat(picked.names()).containsExactlyInAnyOrder("a.example", "b.example");
			}
			else {
				assertThat(picked.question().ip()).isIn("10.0.0.0", "10.0.0.2", "10.0.0.3");
				assertThat(picked.question().sources()).as("a none is asked of the campaign's sources")
					.containsExactly("one", "two");
				assertThat(picked.names()).isEmpty();
			}
		});
		long withNames = picks.stream().filter((picked) -> !picked.names().isEmpty()).count();
		assertThat(withNames).as("mostly an address with names").isBetween(240L, 360L);
	}

	@Test
	void aBlockWithNoAddressesToAskHasNoCheck() {
		BlockRepository.Leased block = new BlockRepository.Leased(7, 3, 0, 0, "lease", List.of(), false);
		assertThat(CampaignSpotChecks.pick(block, new BlockResult("lease", List.of(), List.of()))).isNull();
	}

	private static Set<String> names(String prefix, int count) {
		Set<String> names = new HashSet<>();
		for (int i = 0; i < count; i++) {
			names.add(prefix + i + ".example");
		}
		return names;
	}
}
