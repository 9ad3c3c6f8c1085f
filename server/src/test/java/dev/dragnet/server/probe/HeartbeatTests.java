package dev.dragnet.server.probe;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatTests {

	private static final Duration INTERVAL = Duration.ofSeconds(10);

	@Test
	void aSilentProbeFailsAfterTwoMissedPings() {
		Heartbeat heartbeat = new Heartbeat(2);
		List<Long> pings = new CopyOnWriteArrayList<>();
		StepVerifier.withVirtualTime(() -> heartbeat.run(INTERVAL, VirtualTimeScheduler.get(), pings::add))
			.expectSubscription()
			.thenAwait(INTERVAL)
			.then(() -> assertThat(pings).containsExactly(1L))
			.thenAwait(INTERVAL)
			.then(() -> assertThat(pings).containsExactly(1L, 2L))
			.expectNoEvent(Duration.ofSeconds(9))
			.thenAwait(Duration.ofSeconds(1))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(Heartbeat.MissedPingsException.class)
				.hasMessage("missed 2 pings in a row"))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aProbeThatAnswersStaysAlive() {
		Heartbeat heartbeat = new Heartbeat(2);
		StepVerifier.withVirtualTime(() -> heartbeat.run(INTERVAL, VirtualTimeScheduler.get(), heartbeat::pong))
			.expectSubscription()
			.expectNoEvent(Duration.ofMinutes(10))
			.then(() -> assertThat(heartbeat.missed()).isZero())
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void oneLatePongClearsTheCount() {
		Heartbeat heartbeat = new Heartbeat(2);
		List<Long> pings = new CopyOnWriteArrayList<>();
		StepVerifier.withVirtualTime(() -> heartbeat.run(INTERVAL, VirtualTimeScheduler.get(), pings::add))
			.expectSubscription()
			.thenAwait(INTERVAL.multipliedBy(2))
			.then(() -> heartbeat.pong(2))
			.as("two fresh pings must be missed again")
			.expectNoEvent(Duration.ofSeconds(29))
			.thenAwait(Duration.ofSeconds(1))
			.expectError(Heartbeat.MissedPingsException.class)
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void pongsForPingsNeverSentAreIgnored() {
		Heartbeat heartbeat = new Heartbeat(2);
		heartbeat.pong(99);
		assertThat(heartbeat.missed()).isZero();
	}
}
