package dev.dragnet.probe;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class ReconnectBackoffTests {

	private static final Duration MIN = Duration.ofSeconds(1);

	private static final Duration MAX = Duration.ofSeconds(60);

	@Test
	void ceilingDoublesPerAttemptUpToTheMaximum() {
		assertThat(ReconnectBackoff.delay(0, MIN, MAX, 1.0)).isEqualTo(Duration.ofSeconds(1));
		assertThat(ReconnectBackoff.delay(1, MIN, MAX, 1.0)).isEqualTo(Duration.ofSeconds(2));
		assertThat(ReconnectBackoff.delay(2, MIN, MAX, 1.0)).isEqualTo(Duration.ofSeconds(4));
		assertThat(ReconnectBackoff.delay(5, MIN, MAX, 1.0)).isEqualTo(Duration.ofSeconds(32));
		assertThat(ReconnectBackoff.delay(6, MIN, MAX, 1.0)).isEqualTo(MAX);
		assertThat(ReconnectBackoff.delay(100, MIN, MAX, 1.0)).isEqualTo(MAX);
		assertThat(ReconnectBackoff.delay(Integer.MAX_VALUE, MIN, MAX, 1.0)).isEqualTo(MAX);
	}

	@Test
	void jitterStaysBetweenZeroAndTheCeiling() {
		Random random = new Random(7);
		for (int attempt = 0; attempt < 20; attempt++) {
			Duration ceiling = ReconnectBackoff.ceiling(attempt, MIN, MAX);
			assertThat(ceiling).isBetween(MIN, MAX);
			for (int i = 0; i < 100; i++) {
				assertThat(ReconnectBackoff.delay(attempt, MIN, MAX, random.nextDouble())).isBetween(Duration.ZERO,
						ceiling);
			}
		}
		assertThat(ReconnectBackoff.delay(4, MIN, MAX, 0.0)).isEqualTo(Duration.ZERO);
		assertThat(ReconnectBackoff.delay(4, MIN, MAX, 0.5)).isEqualTo(Duration.ofSeconds(8));
	}

	@Test
	void jitteredDelaysDiffer() {
		ReconnectBackoff backoff = new ReconnectBackoff(MIN, MAX);
		for (int i = 0; i < 10; i++) {
			backoff.next();
		}
		assertThat(Flux.range(0, 20).map(i -> backoff.next()).distinct().count().block(Duration.ofSeconds(1)))
			.isGreaterThan(10);
	}

	@Test
	void resetStartsOverFromTheMinimum() {
		ReconnectBackoff backoff = new ReconnectBackoff(MIN, MAX, () -> 1.0);
		assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
		assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(2));
		assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(4));
		backoff.reset();
		assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void retriesFollowTheScheduleInVirtualTime() {
		StepVerifier.withVirtualTime(() -> {
			ReconnectBackoff backoff = new ReconnectBackoff(MIN, Duration.ofSeconds(4), () -> 1.0);
			return Flux.range(1, 4).concatMap(attempt -> Mono.delay(backoff.next()).thenReturn(attempt));
		})
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(999))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(1)
			.expectNoEvent(Duration.ofMillis(1999))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(2)
			.expectNoEvent(Duration.ofMillis(3999))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(3)
			.expectNoEvent(Duration.ofMillis(3999)) // capped at the maximum
			.thenAwait(Duration.ofMillis(1))
			.expectNext(4)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void fullJitterFromASeededRandomSpreadsAFleetOverTheWholeCeiling() {
		Random random = new Random(42);
		ReconnectBackoff backoff = new ReconnectBackoff(MIN, MAX, random::nextDouble);
		long[] quarters = new long[4];
		for (int probe = 0; probe < 4000; probe++) {
			backoff.reset();
			long millis = backoff.next().toMillis();
			assertThat(millis).isBetween(0L, 1000L);
			quarters[(int) Math.min(3, millis / 250)]++;
		}
		assertThat(Arrays.stream(quarters).boxed().toList()).allSatisfy((count) -> assertThat(count).isBetween(850L, 1150L));
	}

	@Test
	void anAdvisedWaitComesOnTopOfTheJitteredDelayAndCountsAsAnAttempt() {
		ReconnectBackoff backoff = new ReconnectBackoff(MIN, MAX, () -> 0.5);
		assertThat(backoff.after(Duration.ofSeconds(3))).isEqualTo(Duration.ofMillis(3500));
		assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1)); // the second attempt's ceiling is 2 s
		backoff.reset();
		assertThat(backoff.after(Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
		backoff.reset();
		assertThat(backoff.after(Duration.ofMillis(-20))).isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void anAdvisedWaitIsBounded() {
		ReconnectBackoff backoff = new ReconnectBackoff(MIN, MAX, () -> 0.0);
		assertThat(backoff.after(Duration.ofDays(3))).isEqualTo(ReconnectBackoff.MAX_ADVISED_WAIT);
	}

	@Test
	void anAdvisedWaitIsHonouredInVirtualTime() {
		StepVerifier.withVirtualTime(() -> {
			ReconnectBackoff backoff = new ReconnectBackoff(MIN, MAX, () -> 0.25);
			return Mono.delay(backoff.after(Duration.ofSeconds(8))).thenReturn("reconnect");
		})
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(8249))
			.thenAwait(Duration.ofMillis(1))
			.expectNext("reconnect")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}
}
