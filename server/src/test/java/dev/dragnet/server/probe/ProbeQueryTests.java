package dev.dragnet.server.probe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Paging, sorting, searching and filtering of the probe table ({@code GET /api/probes?page=...}). */
class ProbeQueryTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private final List<ProbeService.ProbeView> fleet = fleet();

	@Test
	void withoutParametersTheAnswerIsThePlainListAndWithAnyItIsAPage() {
		assertThat(ProbeQuery.asked(null, null, null, null, null)).isFalse();
		assertThat(ProbeQuery.asked(null, null, null, "", null)).isTrue();
		ProbeQuery.ProbePage page = ProbeQuery.parse(null, null, null, null, null).apply(this.fleet);
		assertThat(page.size()).isEqualTo(ProbeQuery.DEFAULT_SIZE);
		assertThat(page.total()).isEqualTo(250);
		assertThat(page.pages()).isEqualTo(5);
		assertThat(page.sort()).isEqualTo("name,asc");
		assertThat(page.items()).extracting(ProbeService.ProbeView::name).first().isEqualTo("cafe-000");
	}

	@Test
	void pagesCutTheSortedListAndAPageBeyondTheEndIsEmpty() {
		ProbeQuery.ProbePage third = ProbeQuery.parse("2", "100", "completed,desc", null, null).apply(this.fleet);
		assertThat(third.items()).hasSize(50)
			.isSortedAccordingTo(Comparator.comparingLong(ProbeService.ProbeView::completed).reversed());
		assertThat(third.items().get(49).completed()).isZero();
		assertThat(third.items().get(49).name()).isEqualTo("cafe-200");
		assertThat(ProbeQuery.parse("9", "100", null, null, null).apply(this.fleet).items()).isEmpty();
	}

	@Test
	void searchMatchesNameOrAddressInAnyCaseAndStateFiltersByStatus() {
		ProbeQuery.ProbePage found = ProbeQuery.parse(null, null, null, " CAFE-01 ", null).apply(this.fleet);
		assertThat(found.items()).extracting(ProbeService.ProbeView::name).hasSize(10).allMatch((n) -> n.startsWith("cafe-01"));
		assertThat(ProbeQuery.parse(null, null, null, "10.0.0.249", null).apply(this.fleet).total()).isEqualTo(1);
		ProbeQuery.ProbePage revoked = ProbeQuery.parse(null, null, null, null, "revoked").apply(this.fleet);
		assertThat(revoked.items()).allMatch(ProbeService.ProbeView::revoked).hasSize(3);
		ProbeQuery.ProbePage shown = ProbeQuery.parse(null, "200", "state", null, "EFFECTIVE,INEFFECTIVE,QUARANTINED")
			.apply(this.fleet);
		assertThat(shown.total()).isEqualTo(247);
		assertThat(shown.items().get(0).quarantineReason()).isNotNull();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "null", value = { "-1|null|null|null", "x|null|null|null",
			"null|0|null|null", "null|201|null|null", "null|null|colour|null", "null|null|name,up|null",
			"null|null|name,asc,x|null", "null|null|null|gone" })
	void badParametersAreRefusedWithAProblem(String page, String size, String sort, String state) {
		assertThatExceptionOfType(ProbeQuery.InvalidProbeQuery.class)
			.isThrownBy(() -> ProbeQuery.parse(page, size, sort, null, state))
			.satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(400))
			.satisfies((ex) -> assertThat(ex.type().toString()).isEqualTo("/problems/invalid-probe-query"));
	}

	@Test
	void aSearchTextIsBounded() {
		assertThatExceptionOfType(ProbeQuery.InvalidProbeQuery.class)
			.isThrownBy(() -> ProbeQuery.parse(null, null, null, "x".repeat(ProbeQuery.MAX_SEARCH + 1), null));
	}

	/** 250 probes: {@code cafe-000} to {@code cafe-249}; every 100th revoked, the 5th quarantined, odd ones down. */
	private static List<ProbeService.ProbeView> fleet() {
		List<ProbeService.ProbeView> probes = new ArrayList<>();
		for (int i = 0; i < 250; i++) {
			probes.add(new ProbeService.ProbeView(String.format("cafe-%03d", i), "10.0.0." + i,
					(i % 2 == 0) ? ProbeState.EFFECTIVE : ProbeState.INEFFECTIVE, "1.0", T0, T0.plusSeconds(i), 0, i % 100,
					0, 0, null, null, i % 100 == 0, (i % 100 == 0) ? T0 : null, (i == 5) ? "too many failures" : null, null));
		}
		return probes;
	}
}
