package dev.dragnet.server.probe;

import java.time.Clock;
import java.util.List;

import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Protocol;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundQueueTests {

	@Test
	void holdsAtMostItsCapacityInOrder() {
		OutboundQueue<Integer> queue = new OutboundQueue<>(20);
		for (int i = 0; i < 20; i++) {
			assertThat(queue.offer(i)).isTrue();
		}
		assertThat(queue.offer(20)).as("full").isFalse();
		assertThat(queue.size()).isEqualTo(20);
		assertThat(queue.poll()).isZero();
		assertThat(queue.offer(20)).as("a slot freed").isTrue();
		for (int i = 1; i <= 20; i++) {
			assertThat(queue.poll()).isEqualTo(i);
		}
		assertThat(queue.poll()).isNull();
		assertThat(queue.isEmpty()).isTrue();
		assertThat(queue.size()).isZero();
	}

	@Test
	void aSessionRefusesFramesBeyondItsBound() {
		ProbeSession session = new ProbeSession(new Hello("p", "t", "1", Protocol.VERSION, List.of("whois"), 1),
				"192.0.2.1", Clock.systemUTC());
		int queued = 0;
		while (session.ping(queued + 1)) {
			queued++;
		}
		assertThat(queued).as("max concurrency + 64, with nobody writing").isEqualTo(65);
	}
}
