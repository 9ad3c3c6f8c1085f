package dev.dragnet.server.whois.bulk;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link WideMerge}: flatMap's contract for single-answer work, at any width. */
class WideMergeTests {

	@Test
	void everyAnswerComesOutOnceInTheOrderTheyEndAndNoMoreThanTheConcurrencyRunAtOnce() {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		StepVerifier.withVirtualTime(() -> WideMerge.merge(Flux.range(1, 100), (i) -> Mono.delay(Duration.ofMillis(101 - i))
			.doOnSubscribe((s) -> most.accumulateAndGet(running.incrementAndGet(), Math::max))
			.doOnTerminate(running::decrementAndGet)
			.thenReturn(i), 10).collectList())
			.thenAwait(Duration.ofSeconds(60))
			.assertNext((answers) -> {
				assertThat(answers).hasSize(100).doesNotHaveDuplicates();
				assertThat(answers.subList(0, 10)).as("the first ten start together; the last of them ends first")
					.startsWith(10, 9, 8);
			})
			.verifyComplete();
		assertThat(most).hasValue(10);
	}

	@Test
	void withoutDemandAtMostTheConcurrencyIsAskedOfTheSourceAndAnswersWait() {
		AtomicLong asked = new AtomicLong();
		List<Sinks.One<Integer>> work = new CopyOnWriteArrayList<>();
		Flux<Integer> merged = WideMerge.merge(Flux.range(1, 1000).doOnRequest(asked::addAndGet), (i) -> {
			Sinks.One<Integer> one = Sinks.one();
			work.add(one);
			return one.asMono().map((answer) -> answer + i);
		}, 4);
		StepVerifier.create(merged, 0)
			.then(() -> assertThat(asked).hasValue(4))
			.then(() -> work.forEach((one) -> one.tryEmitValue(0)))
			.then(() -> assertThat(asked).as("answers wait for demand and hold their slot").hasValue(4))
			.thenRequest(2)
			.expectNext(1, 2)
			.then(() -> assertThat(asked).as("two answers taken: two more asked").hasValue(6))
			.thenCancel()
			.verify();
	}

	@Test
	void workWithoutAnAnswerFreesItsSlot() {
		StepVerifier.create(WideMerge.merge(Flux.range(1, 50),
				(i) -> (i % 2 == 0) ? Mono.just(i).publishOn(Schedulers.parallel()) : Mono.<Integer>empty(), 3))
			.expectNextCount(25)
			.verifyComplete();
	}

	@Test
	void aFailedPieceOfWorkEndsTheWholeAndCancelsTheRest() {
		AtomicInteger cancelled = new AtomicInteger();
		AtomicInteger sourceCancelled = new AtomicInteger();
		Flux<Integer> merged = WideMerge.merge(Flux.range(1, 100).doOnCancel(sourceCancelled::incrementAndGet),
				(i) -> (i == 3) ? Mono.<Integer>error(new IllegalStateException("lookup 3 broke"))
						: Mono.<Integer>never().doOnCancel(cancelled::incrementAndGet), 5);
		StepVerifier.create(merged).expectErrorMessage("lookup 3 broke").verify(Duration.ofSeconds(5));
		assertThat(cancelled).as("the other lookups under way").hasValue(2);
		assertThat(sourceCancelled).hasValue(1);
	}

	@Test
	void aSourceErrorEndsTheWhole() {
		StepVerifier.create(WideMerge.merge(Flux.concat(Flux.range(1, 3), Flux.error(new IllegalStateException("body cut"))),
				(i) -> Mono.<Integer>never(), 8))
			.expectErrorMessage("body cut")
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void cancellingCancelsTheSourceAndEveryPieceOfWorkUnderWay() {
		AtomicInteger cancelled = new AtomicInteger();
		AtomicInteger sourceCancelled = new AtomicInteger();
		Disposable subscribed = WideMerge.merge(Flux.range(1, 100).doOnCancel(sourceCancelled::incrementAndGet),
				(i) -> Mono.<Integer>never().doOnCancel(cancelled::incrementAndGet), 7)
			.subscribe();
		assertThat(cancelled).hasValue(0);
		subscribed.dispose();
		assertThat(cancelled).hasValue(7);
		assertThat(sourceCancelled).hasValue(1);
	}

	@Test
	void cancelledAtOnceTheSourceIsCancelledAndNothingStarts() {
		AtomicInteger started = new AtomicInteger();
		AtomicInteger sourceCancelled = new AtomicInteger();
		StepVerifier.create(WideMerge.merge(Flux.range(1, 100).doOnCancel(sourceCancelled::incrementAndGet),
				(i) -> Mono.<Integer>never().doOnSubscribe((s) -> started.incrementAndGet()), 7))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		assertThat(started).hasValue(0);
		assertThat(sourceCancelled).hasValue(1);
	}

	@Test
	void theSubscribersContextReachesTheWork() {
		StepVerifier.create(WideMerge.merge(Flux.range(1, 3),
				(i) -> Mono.deferContextual((context) -> Mono.just(context.get("lane") + " " + i)), 2)
			.contextWrite(Context.of("lane", "bulk")))
			.expectNextCount(3)
			.verifyComplete();
		StepVerifier.create(WideMerge.merge(Flux.range(1, 3), (i) -> Mono.deferContextual((context) -> Mono.just(
				context.<String>get("lane"))), 2).contextWrite(Context.of("lane", "bulk")))
			.expectNext("bulk", "bulk", "bulk")
			.verifyComplete();
	}

	@Test
	void answersFromManyThreadsAtOnceAreAllDelivered() {
		StepVerifier.create(WideMerge.merge(Flux.range(1, 20_000),
				(i) -> Mono.fromCallable(() -> i).subscribeOn(Schedulers.parallel()), 1024).reduce(0L, Long::sum))
			.expectNext(20_000L * 20_001L / 2)
			.verifyComplete();
	}
}
