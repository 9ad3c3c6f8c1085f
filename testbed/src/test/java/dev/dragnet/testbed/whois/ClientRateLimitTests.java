package dev.dragnet.testbed.whois;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientRateLimitTests {

	private final AtomicLong nanos = new AtomicLong();

	private final ClientRateLimit limit = ClientRateLimit.of(10, 2, this.nanos::get);

	@Test
	void aBurstIsAllowedThenTheExcessIsRefused() {
		assertThat(this.limit.tryAcquire("127.0.0.2")).isTrue();
		assertThat(this.limit.tryAcquire("127.0.0.2")).isTrue();
		assertThat(this.limit.tryAcquire("127.0.0.2")).isFalse();
		assertThat(this.limit.allowed()).isEqualTo(2);
		assertThat(this.limit.refused()).isEqualTo(1);
	}

	@Test
	void aClientKeepingToTheRateIsNeverRefused() {
		for (int i = 0; i < 1000; i++) {
			assertThat(this.limit.tryAcquire("127.0.0.2")).as("query %d", i).isTrue();
			this.nanos.addAndGet(this.limit.interval().toNanos());
		}
	}

	@Test
	void aClientGoingTwiceTooFastGetsAboutHalfRefused() {
		for (int i = 0; i < 1000; i++) {
			this.limit.tryAcquire("127.0.0.2");
			this.nanos.addAndGet(this.limit.interval().toNanos() / 2);
		}
		assertThat(this.limit.allowed()).isBetween(500L, 502L);
	}

	@Test
	void eachAddressHasItsOwnBucket() {
		this.limit.tryAcquire("127.0.0.2");
		this.limit.tryAcquire("127.0.0.2");
		assertThat(this.limit.tryAcquire("127.0.0.2")).isFalse();
		assertThat(this.limit.tryAcquire("127.0.0.3")).isTrue();
		assertThat(this.limit.clients()).isEqualTo(2);
	}

	@Test
	void refusedQueriesTakeNoToken() {
		this.limit.tryAcquire("127.0.0.2");
		this.limit.tryAcquire("127.0.0.2");
		for (int i = 0; i < 5; i++) {
			assertThat(this.limit.tryAcquire("127.0.0.2")).isFalse();
		}
		this.nanos.addAndGet(this.limit.interval().toNanos());
		assertThat(this.limit.tryAcquire("127.0.0.2")).isTrue();
	}
}
