package dev.dragnet.server.campaign;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A running campaign waits (and says why) only while work is left and no probe can use any of its sources. */
class CampaignViewTests {

	private static final Instant NOW = Instant.parse("2026-12-02T19:00:00Z");

	private static final CampaignView.SourceRest CHANGED = new CampaignView.SourceRest("p1", "hackertarget",
			NOW.plusSeconds(3600), "PAGE_CHANGED", "its page changed: layout check failed");

	@Test
	void noUsableSourceWithWorkLeftIsWaitingWithTheReason() {
		CampaignView view = view(CampaignState.RUNNING, 5).live(new CampaignView.Capacity(1, 0, List.of(CHANGED)));
		assertThat(view.capacity().usableSources()).isZero();
		assertThat(view.waiting()).isNotNull();
		assertThat(view.waiting().reason()).contains("hackertarget").contains("p1").contains("PAGE_CHANGED");
		assertThat(view.waiting().until()).isEqualTo(CHANGED.until());
		assertThat(view.waiting().resting()).containsExactly(CHANGED);
	}

	@Test
	void noProbeAtAllIsWaitingForProbes() {
		CampaignView view = view(CampaignState.RUNNING, 5).live(new CampaignView.Capacity(0, 0, List.of()));
		assertThat(view.waiting().reason()).isEqualTo("no probe that runs campaigns is connected");
		assertThat(view.waiting().until()).isNull();
	}

	@Test
	void aUsableSourceOrNoWorkLeftIsNotWaiting() {
		assertThat(view(CampaignState.RUNNING, 5).live(new CampaignView.Capacity(2, 1, List.of(CHANGED))).waiting())
			.isNull();
		assertThat(view(CampaignState.RUNNING, 0).live(new CampaignView.Capacity(1, 0, List.of(CHANGED))).waiting())
			.as("the last blocks are leased: nothing waits").isNull();
	}

	@Test
	void aCampaignThatDoesNotRunHasNoCapacity() {
		CampaignView paused = view(CampaignState.PAUSED, 5).live(new CampaignView.Capacity(1, 0, List.of(CHANGED)));
		assertThat(paused.capacity()).isNull();
		assertThat(paused.waiting()).isNull();
	}

	private static CampaignView view(CampaignState state, long pending) {
		CampaignView.Progress progress = new CampaignView.Progress(new CampaignView.ByState(pending, 1, 2, 0),
				new CampaignView.ByState(pending * 16, 16, 32, 0), 3, null, null);
		return new CampaignView(1, "c", state, 16, List.of("hackertarget"), false, 128, 8, NOW, NOW, null, progress,
				null, null, null);
	}
}
