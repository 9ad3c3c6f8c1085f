package dev.dragnet.server.probe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatTests {

	@Test
	void pingsCountAsMissedUntilAnswered() {
		Heartbeat heartbeat = new Heartbeat();
		assertThat(heartbeat.next()).isEqualTo(1);
		assertThat(heartbeat.next()).isEqualTo(2);
		assertThat(heartbeat.missed()).isEqualTo(2);
	}

	@Test
	void aPongForTheLatestPingClearsTheCount() {
		Heartbeat heartbeat = new Heartbeat();
		heartbeat.next();
		heartbeat.next();
		heartbeat.pong(2);
		assertThat(heartbeat.missed()).isZero();
	}

	@Test
	void aLatePongForAnEarlierPingLeavesTheLaterOnesMissed() {
		Heartbeat heartbeat = new Heartbeat();
		heartbeat.next();
		heartbeat.next();
		heartbeat.next();
		heartbeat.pong(1);
		assertThat(heartbeat.missed()).isEqualTo(2);
		heartbeat.pong(1);
		assertThat(heartbeat.missed()).as("a stale pong changes nothing").isEqualTo(2);
	}

	@Test
	void pongsForPingsNeverSentAreIgnored() {
		Heartbeat heartbeat = new Heartbeat();
		heartbeat.pong(99);
		assertThat(heartbeat.missed()).isZero();
		heartbeat.next();
		assertThat(heartbeat.missed()).as("the pong for 99 did not answer ping 1 in advance").isOne();
	}
}
