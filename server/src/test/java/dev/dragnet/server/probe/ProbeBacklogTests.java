package dev.dragnet.server.probe;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.dragnet.server.probe.ProbeBacklog.Pending;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeBacklogTests {

	private static final Instant S1 = Instant.parse("2026-12-02T10:00:00Z");

	private static final Instant S2 = Instant.parse("2026-12-02T10:05:00Z");

	private static Pending connected(Instant since) {
		return new Pending(true, "192.0.2.1", ProbeState.EFFECTIVE, "1.0", List.of("whois"), 4, since, since, null,
				null, new long[3]);
	}

	private static Pending touched(Instant since, Instant seen, long completed) {
		return new Pending(false, null, null, null, List.of(), 0, since, seen, null, null, new long[] { completed, 0, 0 });
	}

	private static Pending disconnected(Instant since, Instant at) {
		return new Pending(false, null, ProbeState.INEFFECTIVE, null, List.of(), 0, since, at, at, "connection closed",
				new long[] { 1, 1, 0 });
	}

	@Test
	void keepsTheLatestStateOfEachProbeWithEveryCounter() {
		ProbeBacklog backlog = new ProbeBacklog(10);
		backlog.add("p", connected(S1));
		backlog.add("p", touched(S1, S1.plusSeconds(5), 3));
		backlog.add("p", disconnected(S1, S1.plusSeconds(9)));

		Pending waiting = backlog.snapshot().get("p");
		assertThat(waiting.row()).isTrue();
		assertThat(waiting.state()).isEqualTo(ProbeState.INEFFECTIVE);
		assertThat(waiting.disconnectReason()).isEqualTo("connection closed");
		assertThat(waiting.lastSeen()).isEqualTo(S1.plusSeconds(9));
		assertThat(waiting.counters()).containsExactly(4, 1, 0);
	}

	@Test
	void theEndOfAReplacedSessionDoesNotEndItsSuccessor() {
		ProbeBacklog backlog = new ProbeBacklog(10);
		backlog.add("p", connected(S2));
		backlog.add("p", disconnected(S1, S2.plusSeconds(1)));

		Pending waiting = backlog.snapshot().get("p");
		assertThat(waiting.state()).isEqualTo(ProbeState.EFFECTIVE);
		assertThat(waiting.sessionSince()).isEqualTo(S2);
		assertThat(waiting.counters()).containsExactly(1, 1, 0);
	}

	@Test
	void aStateThatFailedToBeWrittenWaitsBeforeWhatCameMeanwhile() {
		ProbeBacklog backlog = new ProbeBacklog(10);
		backlog.add("p", connected(S1));
		Map.Entry<String, Pending> taken = backlog.take().orElseThrow();
		assertThat(backlog.holds("p")).isTrue();
		backlog.add("p", disconnected(S1, S1.plusSeconds(9)));
		assertThat(backlog.take()).isEmpty(); // p is being written: its newer state waits

		backlog.failed("p", taken.getValue());
		Pending waiting = backlog.snapshot().get("p");
		assertThat(waiting.row()).isTrue();
		assertThat(waiting.state()).isEqualTo(ProbeState.INEFFECTIVE);

		backlog.take().orElseThrow();
		backlog.written("p");
		assertThat(backlog.holds("p")).isFalse();
		assertThat(backlog.isEmpty()).isTrue();
	}

	@Test
	void isBoundedDroppingTheOldest() {
		ProbeBacklog backlog = new ProbeBacklog(2);
		backlog.add("a", connected(S1));
		backlog.add("b", connected(S1));
		backlog.add("c", connected(S1));
		assertThat(backlog.snapshot()).containsOnlyKeys("b", "c");
	}
}
