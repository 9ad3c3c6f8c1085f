package dev.dragnet.server.live;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.dragnet.server.probe.ProbeService.ProbeView;
import dev.dragnet.server.probe.ProbeState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the live feed makes of successive readings of the fleet: a few numbers, and only what changed. */
class FleetWatchTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private final FleetWatch watch = new FleetWatch();

	@Test
	void theSummaryCountsByStateAndTrustAndTheFirstReadingHasNoChanges() {
		FleetWatch.Reading reading = this.watch.observe(List.of(probe("a", ProbeState.EFFECTIVE, 10, 1),
				quarantined(probe("b", ProbeState.EFFECTIVE, 0, 0)), probe("c", ProbeState.INEFFECTIVE, 5, 5),
				revoked(probe("d", ProbeState.INEFFECTIVE, 7, 0))), T0);
		assertThat(reading.summary()).isEqualTo(new FleetWatch.FleetSummary(4, 2, 1, 1, 1, 0, 22, 6, 0, 0));
		assertThat(reading.changes()).isNull();
	}

	@Test
	void countersAndLastSeenAreNotChangesButStateQuarantineRevocationAdditionAndRemovalAre() {
		this.watch.observe(List.of(probe("a", ProbeState.EFFECTIVE, 0, 0), probe("b", ProbeState.EFFECTIVE, 0, 0),
				probe("c", ProbeState.EFFECTIVE, 0, 0), probe("gone", ProbeState.INEFFECTIVE, 0, 0)), T0);
		FleetWatch.Reading busy = this.watch.observe(List.of(probe("a", ProbeState.EFFECTIVE, 50, 3),
				probe("b", ProbeState.EFFECTIVE, 9, 0), probe("c", ProbeState.EFFECTIVE, 1, 0),
				probe("gone", ProbeState.INEFFECTIVE, 0, 0)), T0.plusSeconds(1));
		assertThat(busy.changes()).isNull();
		assertThat(busy.summary().answeredPerSecond()).isEqualTo(63.0);

		FleetWatch.Reading changed = this.watch.observe(List.of(probe("a", ProbeState.INEFFECTIVE, 50, 3),
				quarantined(probe("b", ProbeState.EFFECTIVE, 9, 0)), revoked(probe("c", ProbeState.EFFECTIVE, 1, 0)),
				probe("new", ProbeState.EFFECTIVE, 0, 0)), T0.plusSeconds(2));
		assertThat(changed.changes().omitted()).isZero();
		assertThat(changed.changes().changes()).containsExactly(
				new FleetWatch.ProbeChange("a", FleetWatch.Change.CHANGED, ProbeState.INEFFECTIVE, null, false),
				new FleetWatch.ProbeChange("b", FleetWatch.Change.CHANGED, ProbeState.EFFECTIVE, "disagreed", false),
				new FleetWatch.ProbeChange("c", FleetWatch.Change.CHANGED, ProbeState.EFFECTIVE, null, true),
				new FleetWatch.ProbeChange("gone", FleetWatch.Change.REMOVED, null, null, false),
				new FleetWatch.ProbeChange("new", FleetWatch.Change.ADDED, ProbeState.EFFECTIVE, null, false));
	}

	@Test
	void aReadingListsAtMostAHundredChangesAndCountsTheRest() {
		List<ProbeView> before = new ArrayList<>();
		List<ProbeView> after = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			before.add(probe(String.format("probe-%05d", i), ProbeState.EFFECTIVE, i, 0));
			after.add(probe(String.format("probe-%05d", i), (i % 40 == 0) ? ProbeState.INEFFECTIVE : ProbeState.EFFECTIVE,
					i, 0));
		}
		this.watch.observe(before, T0);
		FleetWatch.ProbeChanges changes = this.watch.observe(after, T0.plusMillis(500)).changes();
		assertThat(changes.changes()).hasSize(FleetWatch.MAX_CHANGES);
		assertThat(changes.omitted()).isEqualTo(250 - FleetWatch.MAX_CHANGES);
	}

	private static ProbeView probe(String name, ProbeState state, long completed, long failed) {
		return new ProbeView(name, "192.0.2.1", state, "1.0", T0, T0, 0, completed, failed, 0, null, null, false, null,
				null, null);
	}

	private static ProbeView quarantined(ProbeView p) {
		return new ProbeView(p.name(), p.remoteAddress(), p.state(), p.version(), p.connectedSince(), p.lastSeen(),
				p.inFlight(), p.completed(), p.failed(), p.throttled(), null, null, false, null, "disagreed", null);
	}

	private static ProbeView revoked(ProbeView p) {
		return new ProbeView(p.name(), p.remoteAddress(), p.state(), p.version(), p.connectedSince(), p.lastSeen(),
				p.inFlight(), p.completed(), p.failed(), p.throttled(), null, null, true, T0, null, null);
	}
}
