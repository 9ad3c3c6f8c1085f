package dev.dragnet.server.web;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClientSlotsTests {

	@Test
	void eachClientHoldsAtMostItsShare() {
		ClientSlots slots = new ClientSlots(2);
		assertThat(slots.tryTake("10.0.0.1")).isTrue();
		assertThat(slots.tryTake("10.0.0.1")).isTrue();
		assertThat(slots.tryTake("10.0.0.1")).isFalse();
		assertThat(slots.tryTake("10.0.0.2")).as("another client").isTrue();
		assertThat(slots.held("10.0.0.1")).isEqualTo(2);
		slots.release("10.0.0.1");
		assertThat(slots.tryTake("10.0.0.1")).isTrue();
	}

	@Test
	void releasingEverythingForgetsTheClient() {
		ClientSlots slots = new ClientSlots(1);
		assertThat(slots.tryTake("a")).isTrue();
		slots.release("a");
		slots.release("a");
		assertThat(slots.held("a")).isZero();
		assertThat(slots.tryTake("a")).isTrue();
	}

	@Test
	void zeroMeansNoLimit() {
		ClientSlots slots = new ClientSlots(0);
		for (int i = 0; i < 1000; i++) {
			assertThat(slots.tryTake("a")).isTrue();
		}
		assertThatIllegalArgumentException().isThrownBy(() -> new ClientSlots(-1));
	}

	@Test
	void aClientIsItsAddress() {
		assertThat(ClientSlots.client(new InetSocketAddress("127.0.0.2", 4711))).isEqualTo("127.0.0.2");
		assertThat(ClientSlots.client(null)).isEqualTo("unknown");
	}
}
