package dev.dragnet.server.dispatch;

import java.time.Duration;
import java.util.function.Supplier;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.Task;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.WhoisQuery;
import dev.dragnet.server.probe.ProbeRegistry;
import dev.dragnet.server.probe.TestProbe;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class TaskDispatcherTests {

	private static final Duration ATTEMPT = Duration.ofSeconds(15);

	private static final Duration ACQUIRE = Duration.ofSeconds(10);

	private static final WhoisQuery QUERY = new WhoisQuery("whois.example", 43, "example.com", null, 1000, 1000, null);

	private final ProbeRegistry registry = new ProbeRegistry();

	private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

	private final Cooldowns cooldowns = new Cooldowns(this.clock);

	private final TargetStatistics statistics = new TargetStatistics();

	/** Marks answers that start with "LIMIT" as throttled, asking for a 30 s rest. */
	private static final DispatchRequest THROTTLE_AWARE = new DispatchRequest(Protocol.CAPABILITY_WHOIS, QUERY,
			"whois.example:43", (r) -> (r.text() != null && r.text().startsWith("LIMIT"))
					? r.reclassified(TaskResult.Outcome.THROTTLED, "quota text", 30_000L) : r);

	private Mono<Dispatched> dispatchThrottleAware() {
		TaskDispatcher dispatcher = new TaskDispatcher(this.registry, properties(3),
				this.clock, this.cooldowns, this.statistics);
		return dispatcher.dispatch(THROTTLE_AWARE);
	}

	@Test
	void aThrottledProbeRestsForThatServerWhileAnotherAnswers() {
		TestProbe.connect(this.registry, "a", 4).respondWith((task) -> TestProbe.ok(task, "LIMIT EXCEEDED"));
		TestProbe.connect(this.registry, "b", 1).respondWith((task) -> TestProbe.ok(task, "Domain Name: X"));
		StepVerifier.create(dispatchThrottleAware())
			.assertNext((done) -> {
				assertThat(done.probe()).isEqualTo("b");
				assertThat(done.attempts()).extracting(Attempt::probe, Attempt::outcome)
					.containsExactly(tuple("a", "THROTTLED"), tuple("b", "OK"));
			})
			.verifyComplete();
		assertThat(this.cooldowns.cooling("whois.example:43")).containsExactly("a");
		assertThat(this.cooldowns.cooling("whois.other:43")).as("only that server").isEmpty();
		assertThat(this.statistics.snapshot()).singleElement().satisfies((s) -> {
			assertThat(s.lookups()).isEqualTo(2);
			assertThat(s.throttles()).isEqualTo(1);
			assertThat(s.successes()).isEqualTo(1);
		});
	}

	@Test
	void aRestingProbeGetsNoTaskForThatServerUntilItsRestEnds() {
		TestProbe a = TestProbe.connect(this.registry, "a", 4);
		this.cooldowns.coolDown("a", "whois.example:43", Duration.ofSeconds(30));
		StepVerifier.create(dispatchThrottleAware())
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(NoProbeAvailableException.class).hasMessageContaining("resting");
				assertThat(((NoProbeAvailableException) ex).headers().getFirst("Retry-After")).isEqualTo("30");
			})
			.verify(Duration.ofSeconds(5));
		assertThat(a.pending()).isEmpty();
	}

	@Test
	void theRestEndsAfterTheWaitTheServerNamed() {
		TestProbe.connect(this.registry, "a", 4).respondWith((task) -> TestProbe.ok(task, "LIMIT"));
		StepVerifier.create(dispatchThrottleAware())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(NoProbeAvailableException.class)
				.hasMessageContaining("30s"))
			.verify(Duration.ofSeconds(5));
		assertThat(this.cooldowns.cooling("whois.example:43")).containsExactly("a");
		this.clock.advanceTimeBy(Duration.ofSeconds(29));
		assertThat(this.cooldowns.cooling("whois.example:43")).containsExactly("a");
		this.clock.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.cooldowns.cooling("whois.example:43")).isEmpty();
	}

	/** Refuses an answer of nothing, as the WHOIS classifier does (the forwarding tests ask it too). */
	static final DispatchRequest EMPTY_AWARE = new DispatchRequest(Protocol.CAPABILITY_WHOIS, QUERY,
			"whois.example:43", (r) -> (r.text() != null && r.text().isBlank())
					? r.reclassified(TaskResult.Outcome.ERROR, "the server closed the connection without answering", null) : r);

	@Test
	void aProbeThatGotNothingWhereAnotherGotTheAnswerRestsFromThatServer() {
		TestProbe a = TestProbe.connect(this.registry, "a", 4).respondWith((task) -> TestProbe.ok(task, ""));
		TestProbe.connect(this.registry, "b", 1).respondWith((task) -> TestProbe.ok(task, "Domain Name: X"));
		TaskDispatcher dispatcher = new TaskDispatcher(this.registry, properties(3), this.clock, this.cooldowns,
				this.statistics);
		StepVerifier.create(dispatcher.dispatch(EMPTY_AWARE))
			.assertNext((done) -> assertThat(done.attempts()).extracting(Attempt::probe, Attempt::outcome)
				.containsExactly(tuple("a", "ERROR"), tuple("b", "OK")))
			.verifyComplete();
		assertThat(this.cooldowns.cooling("whois.example:43")).as("a silent ban of a's address").containsExactly("a");
		assertThat(this.cooldowns.restMillis("whois.example:43", "a")).isEqualTo(60_000);
		assertThat(this.cooldowns.cooling("whois.other:43")).as("only that server").isEmpty();
		this.clock.advanceTimeBy(Duration.ofSeconds(60));
		assertThat(this.cooldowns.cooling("whois.example:43")).isEmpty();
		assertThat(a.pending()).isEmpty();
	}

	@Test
	void aProbeThatGotNothingIsNotRestedWhenTheNextProbeRefusedTheTaskItself() {
		TestProbe.connect(this.registry, "a", 4).respondWith((task) -> TestProbe.ok(task, ""));
		TestProbe.connect(this.registry, "b", 1).respondWith((task) -> outcome(task, TaskResult.Outcome.REFUSED));
		TaskDispatcher dispatcher = new TaskDispatcher(this.registry, properties(3), this.clock, this.cooldowns,
				this.statistics);
		StepVerifier.create(dispatcher.dispatch(EMPTY_AWARE))
			.assertNext((done) -> assertThat(done.result().outcome()).isEqualTo(TaskResult.Outcome.REFUSED))
			.verifyComplete();
		assertThat(this.cooldowns.cooling("whois.example:43")).as("b's refusal is no answer from the server").isEmpty();
	}

	@Test
	void whenEveryProbeGetsNothingNoneRestsAndTheLookupFails() {
		TestProbe.connect(this.registry, "a", 4).respondWith((task) -> TestProbe.ok(task, ""));
		TestProbe.connect(this.registry, "b", 1).respondWith((task) -> TestProbe.ok(task, " \r\n"));
		TaskDispatcher dispatcher = new TaskDispatcher(this.registry, properties(3), this.clock, this.cooldowns,
				this.statistics);
		StepVerifier.create(dispatcher.dispatch(EMPTY_AWARE))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(AttemptsExhaustedException.class))
			.verify(Duration.ofSeconds(5));
		assertThat(this.cooldowns.cooling("whois.example:43")).as("a broken server, or a query it never answers")
			.isEmpty();
	}

	private static DispatchProperties properties(int maxAttempts) {
		return new DispatchProperties(ATTEMPT, maxAttempts, ACQUIRE, 100, Duration.ofSeconds(60), Duration.ofHours(24),
				Duration.ofSeconds(60));
	}

	private Mono<Dispatched> dispatch(int maxAttempts) {
		TaskDispatcher dispatcher = new TaskDispatcher(this.registry,
				properties(maxAttempts), VirtualTimeScheduler.get());
		return dispatcher.dispatch(Protocol.CAPABILITY_WHOIS, QUERY);
	}

	private static TaskResult outcome(Task task, TaskResult.Outcome outcome) {
		return new TaskResult(task.id(), outcome, null, 0, 1, outcome + " at the probe");
	}

	private StepVerifier.FirstStep<Dispatched> verify(Supplier<Mono<Dispatched>> dispatch) {
		return StepVerifier.withVirtualTime(dispatch);
	}

	@Test
	void anAnswerCompletesTheLookup() {
		TestProbe.connect(this.registry, "a", 4).respondWith((task) -> TestProbe.ok(task, "Domain Name: EXAMPLE.COM"));
		verify(() -> dispatch(3))
			.assertNext((done) -> {
				assertThat(done.probe()).isEqualTo("a");
				assertThat(done.result().text()).isEqualTo("Domain Name: EXAMPLE.COM");
				assertThat(done.attempts()).hasSize(1);
			})
			.verifyComplete();
	}

	@Test
	void theTaskCarriesADeadlineShorterThanTheAttemptTimeout() {
		TestProbe a = TestProbe.connect(this.registry, "a", 1);
		verify(() -> dispatch(1))
			.expectSubscription()
			.then(() -> assertThat(a.pending()).singleElement()
				.satisfies((task) -> assertThat(task.deadlineMillis()).isEqualTo(14_000)))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aSilentProbeTimesOutAndTheTaskMovesToAnother() {
		TestProbe silent = TestProbe.connect(this.registry, "silent", 4);
		verify(() -> dispatch(3))
			.expectSubscription()
			.then(() -> assertThat(silent.pending()).hasSize(1))
			.expectNoEvent(ATTEMPT.minusMillis(1))
			.then(() -> TestProbe.connect(this.registry, "b", 4).respondWith((task) -> TestProbe.ok(task, "from b")))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((done) -> {
				assertThat(done.probe()).isEqualTo("b");
				assertThat(done.attempts()).extracting(Attempt::probe, Attempt::outcome)
					.containsExactly(tuple("silent", "NO_ANSWER"),
							tuple("b", "OK"));
			})
			.verifyComplete();
		assertThat(silent.session().availableCredits()).as("the silent probe keeps its credit until it answers")
			.isEqualTo(3);
	}

	@Test
	void aFailedAttemptIsRetriedOnADifferentProbe() {
		// Equal load, so the probe with more free credit ("a") is chosen first.
		TestProbe.connect(this.registry, "a", 4).respondWith((task) -> outcome(task, TaskResult.Outcome.CONNECT_FAILED));
		TestProbe.connect(this.registry, "b", 1).respondWith((task) -> TestProbe.ok(task, "b"));
		verify(() -> dispatch(3))
			.assertNext((done) -> {
				assertThat(done.probe()).isEqualTo("b");
				assertThat(done.attempts()).extracting(Attempt::probe).containsExactly("a", "b");
			})
			.verifyComplete();
	}

	@Test
	void aProbeLostMidTaskHandsItToAnother() {
		TestProbe a = TestProbe.connect(this.registry, "a", 4);
		verify(() -> dispatch(3))
			.expectSubscription()
			.then(() -> assertThat(a.pending()).hasSize(1))
			.then(() -> TestProbe.connect(this.registry, "c", 1).respondWith((task) -> TestProbe.ok(task, "c")))
			.then(() -> a.disconnect("connection closed"))
			.assertNext((done) -> {
				assertThat(done.probe()).isEqualTo("c");
				assertThat(done.attempts().get(0).outcome()).isEqualTo("PROBE_LOST");
			})
			.verifyComplete();
	}

	@Test
	void whenEveryAttemptFailsTheErrorNamesEachProbe() {
		for (String name : new String[] { "a", "b", "c", "d" }) {
			TestProbe.connect(this.registry, name, 1).respondWith((task) -> outcome(task, TaskResult.Outcome.TIMEOUT));
		}
		verify(() -> dispatch(3))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(AttemptsExhaustedException.class);
				assertThat(((AttemptsExhaustedException) ex).attempts()).hasSize(3)
					.extracting(Attempt::probe)
					.doesNotHaveDuplicates();
				assertThat(ex.getMessage()).startsWith("3 attempt(s) failed: probe ");
			})
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void withFewerProbesThanAttemptsItStopsWhenEveryProbeWasTried() {
		TestProbe.connect(this.registry, "only", 1).respondWith((task) -> outcome(task, TaskResult.Outcome.ERROR));
		verify(() -> dispatch(3))
			.expectErrorSatisfies((ex) -> assertThat(((AttemptsExhaustedException) ex).attempts()).hasSize(1))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aRefusalIsNotRetried() {
		TestProbe.connect(this.registry, "a", 1).respondWith((task) -> outcome(task, TaskResult.Outcome.REFUSED));
		verify(() -> dispatch(3))
			.assertNext((done) -> {
				assertThat(done.result().outcome()).isEqualTo(TaskResult.Outcome.REFUSED);
				assertThat(done.attempts()).hasSize(1);
			})
			.verifyComplete();
	}

	@Test
	void withNoProbeTheLookupFailsAtOnceWithRetryAfter() {
		verify(() -> dispatch(3))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(NoProbeAvailableException.class).hasMessageContaining("no effective probe");
				assertThat(((NoProbeAvailableException) ex).headers().getFirst("Retry-After")).isNotNull();
			})
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void theServerNeverSendsMoreTasksThanCredits() {
		TestProbe a = TestProbe.connect(this.registry, "a", 1);
		StepVerifier.withVirtualTime(() -> Mono.zip(dispatch(1), dispatch(1)))
			.expectSubscription()
			.then(() -> assertThat(a.pending()).as("one credit, one task").hasSize(1))
			.then(() -> a.answer(TestProbe.ok(a.pending().get(0), "first")))
			.thenAwait(Duration.ofMillis(200))
			.then(() -> assertThat(a.pending()).as("the returned credit lets the second go").hasSize(1))
			.then(() -> a.answer(TestProbe.ok(a.pending().get(0), "second")))
			.assertNext((both) -> assertThat(both.getT1().result().text() + both.getT2().result().text())
				.isIn("firstsecond", "secondfirst"))
			.verifyComplete();
	}

	@Test
	void aTaskWaitsForCreditOnlyAsLongAsTheAcquireTimeout() {
		TestProbe.connect(this.registry, "busy", 0);
		verify(() -> dispatch(3))
			.expectSubscription()
			.expectNoEvent(ACQUIRE.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(NoProbeAvailableException.class)
				.hasMessageContaining("busy"))
			.verify(Duration.ofSeconds(5));
	}
}
