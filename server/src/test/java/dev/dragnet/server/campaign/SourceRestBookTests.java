package dev.dragnet.server.campaign;

import java.time.Clock;
import java.util.List;
import java.util.stream.IntStream;

import dev.dragnet.protocol.SourceRests;
import dev.dragnet.server.probe.ProbeRegistry;
import dev.dragnet.server.probe.ProbeSession;
import dev.dragnet.server.probe.TestProbe;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** What a probe reports of its sources' rests is its own text: kept bounded and printable. */
class SourceRestBookTests {

	private final ProbeRegistry registry = new ProbeRegistry();

	private final SourceRestBook book = new SourceRestBook(this.registry,
			new DefaultListableBeanFactory().getBeanProvider(Clock.class));

	@Test
	void aRestIsShownPrintableAndCut() {
		CampaignView.SourceRest rest = new CampaignView.SourceRest("p1", "site\nINFO forged", null, "THROTTLED\u0000",
				"slow down\r\n" + "x".repeat(1_000));
		assertThat(rest.source()).isEqualTo("site?INFO forged");
		assertThat(rest.verdict()).isEqualTo("THROTTLED?");
		assertThat(rest.reason()).startsWith("slow down??xxx")
			.endsWith("...")
			.hasSize(CampaignView.SourceRest.MAX_REASON + 3);
		assertThat(new CampaignView.SourceRest("p1", "ptr", null, null, null).reason()).isNull();
	}

	@Test
	void aReportOfMoreSourcesThanAProbeCanHaveKeepsTheFirstOnly() {
		ProbeSession session = TestProbe.connect(this.registry, "flooder", 1).session();
		List<SourceRests.Rest> flood = IntStream.range(0, 1_000)
			.mapToObj((i) -> new SourceRests.Rest("site-" + i, 0, null, null))
			.toList();
		this.book.reported(session, new SourceRests(flood));
		assertThat(this.book.canUse(session, List.of("site-0"))).isTrue();
		assertThat(this.book.canUse(session, List.of("site-" + (SourceRestBook.MAX_SOURCES - 1)))).isTrue();
		assertThat(this.book.canUse(session, List.of("site-" + SourceRestBook.MAX_SOURCES))).as("past the cap").isFalse();
		assertThat(this.book.canUse(session, List.of("site-999"))).isFalse();
	}
}
