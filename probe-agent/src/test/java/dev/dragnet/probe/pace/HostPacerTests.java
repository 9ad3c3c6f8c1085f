package dev.dragnet.probe.pace;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dragnet.protocol.Pace;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HostPacer} on virtual time: each request emits the virtual millisecond it started at, so the assertions read
 * as a timetable.
 */
class HostPacerTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final HostPacer pacer = new HostPacer(this.time, 4);

	/** A request that notes when it started and then takes {@code duration}. */
	private Mono<Long> request(String host, Pace pace, Duration duration) {
		return this.pacer.paced(host, pace,
				Mono.fromCallable(() -> this.time.now(TimeUnit.MILLISECONDS)).delayElement(duration, this.time));
	}

	@Test
	void startsAreAtLeastTheIntervalApart() {
		Pace pace = new Pace(1000, 10);
		StepVerifier.withVirtualTime(() -> Flux.merge(request("whois.example", pace, Duration.ZERO),
				request("whois.example", pace, Duration.ZERO), request("whois.example", pace, Duration.ZERO)),
				() -> this.time, Long.MAX_VALUE)
			.expectNext(0L)
			.expectNoEvent(Duration.ofMillis(999))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(1000L)
			.expectNoEvent(Duration.ofMillis(999))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(2000L)
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void noMoreThanMaxConnectionsAreOpenAtOnce() {
		Pace pace = new Pace(0, 2);
		AtomicInteger open = new AtomicInteger();
		AtomicInteger mostOpen = new AtomicInteger();
		Mono<Long> one = this.pacer.paced("rdap.example", pace, Mono.defer(() -> {
			mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
			long started = this.time.now(TimeUnit.MILLISECONDS);
			return Mono.delay(Duration.ofSeconds(1), this.time).thenReturn(started).doOnTerminate(open::decrementAndGet);
		}));
		StepVerifier.withVirtualTime(() -> Flux.merge(one, one, one, one), () -> this.time, Long.MAX_VALUE)
			.expectSubscription()
			.then(() -> assertThat(this.pacer.open("rdap.example")).isEqualTo(2))
			.then(() -> assertThat(this.pacer.waiting("rdap.example")).isEqualTo(2))
			.thenAwait(Duration.ofSeconds(1))
			.expectNext(0L, 0L)
			.thenAwait(Duration.ofSeconds(1))
			.expectNext(1000L, 1000L)
			.expectComplete()
			.verify(WAIT);
		assertThat(mostOpen.get()).isEqualTo(2);
	}

	@Test
	void differentHostsArePacedIndependently() {
		Pace pace = new Pace(60_000, 1);
		StepVerifier.withVirtualTime(() -> Flux.merge(request("a.example", pace, Duration.ofSeconds(1)),
				request("b.example", pace, Duration.ofSeconds(1)), request("A.EXAMPLE", pace, Duration.ofSeconds(1))),
				() -> this.time, Long.MAX_VALUE)
			.thenAwait(Duration.ofSeconds(1))
			.expectNext(0L, 0L)
			.expectNoEvent(Duration.ofSeconds(58))
			.thenAwait(Duration.ofSeconds(2))
			.expectNext(60_000L)
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void cancellingAnOpenRequestFreesItsSlot() {
		Pace pace = new Pace(0, 1);
		Mono<Long> stuck = this.pacer.paced("whois.example", pace, Mono.<Long>never())
			.timeout(Duration.ofSeconds(5), this.time)
			.onErrorReturn(-1L);
		StepVerifier.withVirtualTime(() -> Flux.merge(stuck, request("whois.example", pace, Duration.ZERO)),
				() -> this.time, Long.MAX_VALUE)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(4999))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(-1L, 5000L)
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void cancellingAWaitingRequestLeavesTheQueue() {
		Pace pace = new Pace(0, 1);
		Disposable holder = this.pacer.paced("whois.example", pace, Mono.never()).subscribe();
		Disposable waiter = this.pacer.paced("whois.example", pace, Mono.just(1)).subscribe();
		assertThat(this.pacer.waiting("whois.example")).isEqualTo(1);
		waiter.dispose();
		assertThat(this.pacer.waiting("whois.example")).isZero();
		assertThat(this.pacer.open("whois.example")).isEqualTo(1);
		holder.dispose();
		assertThat(this.pacer.open("whois.example")).isZero();
		assertThat(this.pacer.trackedHosts()).isZero();
	}

	@Test
	void anErrorFreesTheSlotToo() {
		Pace pace = new Pace(0, 1);
		StepVerifier.withVirtualTime(() -> Flux.merge(
				this.pacer.paced("h.example", pace, Mono.<Long>error(new IllegalStateException("boom")))
					.onErrorReturn(-1L),
				request("h.example", pace, Duration.ZERO)), () -> this.time, Long.MAX_VALUE)
			.expectNext(-1L, 0L)
			.expectComplete()
			.verify(WAIT);
		assertThat(this.pacer.open("h.example")).isZero();
	}

	@Test
	void requestsWithoutAPaceAreNotDelayed() {
		StepVerifier.withVirtualTime(() -> Flux.merge(request("h.example", null, Duration.ofSeconds(1)),
				request("h.example", null, Duration.ofSeconds(1)), request("h.example", null, Duration.ofSeconds(1))),
				() -> this.time, Long.MAX_VALUE)
			.thenAwait(Duration.ofSeconds(1))
			.expectNext(0L, 0L, 0L)
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void theWaitingQueueIsBounded() {
		Pace pace = new Pace(0, 1);
		this.pacer.paced("h.example", pace, Mono.never()).subscribe();
		for (int i = 0; i < 4; i++) {
			this.pacer.paced("h.example", pace, Mono.never()).subscribe();
		}
		this.pacer.paced("h.example", pace, Mono.just(1))
			.as(StepVerifier::create)
			.expectError(PaceQueueFullException.class)
			.verify(WAIT);
	}

	@Test
	void idleHostsAreForgottenOnceTheirIntervalHasPassed() {
		Pace pace = new Pace(2000, 1);
		StepVerifier.withVirtualTime(() -> Flux.concat(request("h.example", pace, Duration.ZERO), later()),
				() -> this.time, Long.MAX_VALUE)
			.expectNext(0L)
			.then(() -> assertThat(this.pacer.trackedHosts()).isEqualTo(1)) // remembers the last start
			.thenAwait(Duration.ofMillis(1999))
			.then(() -> assertThat(this.pacer.trackedHosts()).isEqualTo(1))
			.thenAwait(Duration.ofMillis(1))
			.then(() -> assertThat(this.pacer.trackedHosts()).isZero())
			.thenAwait(Duration.ofSeconds(10))
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void thousandsOfHostsLeaveNothingBehind() {
		Pace pace = new Pace(100, 2);
		StepVerifier.withVirtualTime(() -> Flux.concat(
				Flux.range(0, 5000).flatMap((i) -> request("host" + i + ".example", pace, Duration.ZERO), 64), later()),
				() -> this.time, Long.MAX_VALUE)
			.expectNextCount(5000)
			.thenAwait(Duration.ofMillis(100))
			.then(() -> assertThat(this.pacer.trackedHosts()).isZero())
			.thenAwait(Duration.ofSeconds(10))
			.expectComplete()
			.verify(WAIT);
	}

	/** Keeps a virtual-time script open for ten seconds, so that assertions can follow the last request. */
	private Mono<Long> later() {
		return Mono.delay(Duration.ofSeconds(10), this.time).then(Mono.empty());
	}
}
