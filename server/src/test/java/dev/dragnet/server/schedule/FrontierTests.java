package dev.dragnet.server.schedule;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.server.dispatch.Cooldowns;
import dev.dragnet.server.probe.ProbeRegistry;
import dev.dragnet.server.probe.TestProbe;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/** The frontier's ledger, lanes, admission and learned pace, on virtual time. */
class FrontierTests {

	private static final String TARGET = "whois.example:43";

	private static final Pace ONE_PER_SECOND = new Pace(1000, 1);

	private final ProbeRegistry registry = new ProbeRegistry();

	private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

	private final Cooldowns cooldowns = new Cooldowns(this.clock);

	private final ScheduleProperties properties = new ScheduleProperties(Duration.ofSeconds(20), Duration.ofMinutes(10),
			Duration.ofMinutes(10), Duration.ofMillis(100), 2.0, Duration.ofSeconds(60), Duration.ofSeconds(30), 0.1,
			Duration.ofSeconds(1), 20);

	private final Frontier frontier = new Frontier(this.registry, this.properties, this.clock, this.cooldowns, 1000,
			null);

	private final List<String> granted = new CopyOnWriteArrayList<>();

	private final List<Disposable> running = new CopyOnWriteArrayList<>();

	private static Frontier.Ask ask(String who, Lane lane, Duration maxWait) {
		return new Frontier.Ask(TARGET, Protocol.CAPABILITY_WHOIS, ONE_PER_SECOND, lane, maxWait, Set.of(), false);
	}

	/** Asks for a turn as {@code who}; records the grant (and releases it at once) when it comes. */
	private void take(String who, Lane lane) {
		this.running.add(this.frontier.turn(ask(who, lane, Duration.ofMinutes(5))).subscribe((grant) -> {
			this.granted.add(who + "@" + grant.probe().name());
			grant.claim();
			grant.release();
		}));
	}

	@Test
	void aProbeStartsAtMostOneQueryPerIntervalAndTheRestWaitOnTheServer() {
		TestProbe.connect(this.registry, "a", 8);
		for (int i = 0; i < 3; i++) {
			take("q" + i, Lane.INTERACTIVE);
		}
		assertThat(this.granted).containsExactly("q0@a");
		assertThat(this.frontier.queued()).isEqualTo(2);
		this.clock.advanceTimeBy(Duration.ofMillis(999));
		assertThat(this.granted).hasSize(1);
		this.clock.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.granted).containsExactly("q0@a", "q1@a");
		this.clock.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.granted).containsExactly("q0@a", "q1@a", "q2@a");
		assertThat(this.frontier.queued()).isZero();
	}

	@Test
	void twoProbesShareTheWorkEachAtItsOwnPace() {
		TestProbe.connect(this.registry, "a", 8);
		TestProbe.connect(this.registry, "b", 8);
		for (int i = 0; i < 4; i++) {
			take("q" + i, Lane.INTERACTIVE);
		}
		assertThat(this.granted).hasSize(2).extracting((g) -> g.substring(g.indexOf('@') + 1))
			.containsExactlyInAnyOrder("a", "b");
		this.clock.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.granted).hasSize(4);
	}

	@Test
	void anInteractiveLookupGoesAheadOfQueuedBulkLinesAndBulkRequestsTakeTurns() {
		TestProbe.connect(this.registry, "a", 8);
		Lane bulkX = new Lane("x", null, false);
		Lane bulkY = new Lane("y", null, false);
		take("x0", bulkX);
		take("x1", bulkX);
		take("x2", bulkX);
		take("y0", bulkY);
		take("y1", bulkY);
		take("i0", Lane.INTERACTIVE);
		this.clock.advanceTimeBy(Duration.ofSeconds(5));
		assertThat(this.granted).extracting((g) -> g.substring(0, g.indexOf('@')))
			.containsExactly("x0", "i0", "x1", "y0", "x2", "y1");
	}

	@Test
	void aBulkLineAnInteractiveLookupJoinedIsPromotedAheadOfTheOtherBulkLines() {
		TestProbe.connect(this.registry, "a", 8);
		Lane bulk = new Lane("x", null, false);
		take("x0", bulk);
		take("x1", bulk);
		Frontier.Ask joined = ask("x2", bulk, Duration.ofMinutes(5));
		this.running.add(this.frontier.turn(joined).subscribe((grant) -> {
			this.granted.add("x2@" + grant.probe().name());
			grant.release();
		}));
		this.frontier.promote(joined);
		this.clock.advanceTimeBy(Duration.ofSeconds(5));
		assertThat(this.granted).extracting((g) -> g.substring(0, g.indexOf('@'))).containsExactly("x0", "x2", "x1");
	}

	@Test
	void aLookupWhoseEstimatedWaitExceedsItsMaxWaitIsRefusedWithTheEstimate() {
		TestProbe.connect(this.registry, "a", 8);
		for (int i = 0; i < 6; i++) {
			take("q" + i, Lane.INTERACTIVE);
		}
		StepVerifier.create(this.frontier.turn(ask("late", Lane.INTERACTIVE, Duration.ofSeconds(3))))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(Frontier.WaitTooLong.class).hasMessageContaining("maxWait");
				// five ahead at one a second, the first after a second
				assertThat(((Frontier.WaitTooLong) ex).estimate()).isEqualTo(Duration.ofSeconds(6));
			})
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(this.frontier.turn(ask("patient", Lane.INTERACTIVE, Duration.ofSeconds(7))))
			.expectSubscription()
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		assertThat(this.frontier.queued()).as("the cancelled lookup left the queue").isEqualTo(5);
	}

	@Test
	void aSingleLookupDoesNotWaitOutARestButABulkLineDoes() {
		TestProbe.connect(this.registry, "a", 8);
		this.cooldowns.coolDown("a", TARGET, Duration.ofSeconds(7));
		StepVerifier.create(this.frontier.turn(ask("single", Lane.INTERACTIVE, Duration.ofSeconds(20))))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).hasMessageContaining("resting");
				assertThat(((Frontier.WaitTooLong) ex).estimate()).isEqualTo(Duration.ofSeconds(7));
			})
			.verify(Duration.ofSeconds(5));
		take("line", new Lane("bulk", null, false));
		this.clock.advanceTimeBy(Duration.ofMillis(6999));
		assertThat(this.granted).isEmpty();
		this.clock.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.granted).containsExactly("line@a");
	}

	@Test
	void aThrottleSlowsThePairDownAndQuietTimeSpeedsItUpAgainNeverPastTheConfiguredPace() {
		TestProbe.connect(this.registry, "a", 8);
		take("first", Lane.INTERACTIVE);
		this.frontier.throttled("a", TARGET, Duration.ofSeconds(1));
		assertThat(this.frontier.load(TARGET).learnedIntervalMillis()).isEqualTo(2000);
		this.frontier.throttled("a", TARGET, Duration.ofSeconds(1));
		assertThat(this.frontier.load(TARGET).learnedIntervalMillis()).isEqualTo(4000);
		// 0.25 q/s, plus 0.1 q/s each quiet 30 s: 0.35 (2858 ms), 0.45 (2223 ms), ... back to 1 q/s
		this.clock.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(this.frontier.load(TARGET).learnedIntervalMillis()).isEqualTo(2858);
		this.clock.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(this.frontier.load(TARGET).learnedIntervalMillis()).isEqualTo(2223);
		this.clock.advanceTimeBy(Duration.ofMinutes(10));
		assertThat(this.frontier.load(TARGET).learnedIntervalMillis()).isNull();
		assertThat(this.frontier.load(TARGET).configuredIntervalMillis()).isEqualTo(1000);
	}

	@Test
	void aSlowedPairStartsNoSoonerThanItsLearnedIntervalAndTheProbeGetsALooserPace() {
		TestProbe.connect(this.registry, "a", 8);
		take("first", Lane.INTERACTIVE);
		this.frontier.throttled("a", TARGET, Duration.ofMillis(1));
		this.clock.advanceTimeBy(Duration.ofMillis(1));
		List<Pace> sent = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 2; i++) {
			this.running.add(this.frontier.turn(ask("q" + i, Lane.INTERACTIVE, Duration.ofMinutes(1))).subscribe((g) -> {
				this.granted.add("q@" + g.probe().name());
				sent.add(g.pace());
				g.claim();
				g.release();
			}));
		}
		// the first start already booked the next one a configured second later; then 2 s apart
		this.clock.advanceTimeBy(Duration.ofMillis(999));
		assertThat(this.granted).hasSize(2);
		this.clock.advanceTimeBy(Duration.ofMillis(1999));
		assertThat(this.granted).hasSize(2);
		this.clock.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.granted).hasSize(3);
		assertThat(sent).allSatisfy((pace) -> assertThat(pace).isEqualTo(new Pace(1900, 1)));
	}

	@Test
	void aConnectionIsHeldUntilTheAttemptIsReleased() {
		TestProbe.connect(this.registry, "a", 8);
		Pace unhurried = new Pace(0, 1);
		List<Frontier.Grant> grants = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 2; i++) {
			this.running.add(this.frontier
				.turn(new Frontier.Ask(TARGET, Protocol.CAPABILITY_WHOIS, unhurried, Lane.INTERACTIVE, Duration.ofMinutes(1),
						Set.of(), false))
				.subscribe(grants::add));
		}
		assertThat(grants).hasSize(1);
		this.clock.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(grants).as("one connection at a time").hasSize(1);
		grants.get(0).release();
		assertThat(grants).hasSize(2);
	}

	@Test
	void queuedLookupsFailAtOnceWhenTheLastProbeGoes() {
		TestProbe a = TestProbe.connect(this.registry, "a", 8);
		take("q0", Lane.INTERACTIVE);
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		this.running.add(this.frontier.turn(ask("q1", new Lane("bulk", null, false), Duration.ofMinutes(1)))
			.subscribe((g) -> { }, errors::add));
		a.disconnect("gone");
		this.clock.advanceTimeBy(Duration.ofMillis(Frontier.RECHECK_MILLIS));
		assertThat(errors).singleElement().isInstanceOf(Frontier.NoCandidate.class);
		assertThat(this.frontier.queued()).isZero();
	}

	@Test
	void aTurnGoesToTheProbeWithTheFewestQueriesOpenThereAndNeverToAnExcludedOne() {
		TestProbe.connect(this.registry, "a", 8);
		TestProbe.connect(this.registry, "b", 8);
		TestProbe.connect(this.registry, "c", 8);
		Pace unhurried = new Pace(0, 4);
		List<Frontier.Grant> grants = new CopyOnWriteArrayList<>();
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		java.util.function.Function<Set<String>, Frontier.Ask> asking = (excluded) -> new Frontier.Ask(TARGET,
				Protocol.CAPABILITY_WHOIS, unhurried, Lane.INTERACTIVE, Duration.ofMinutes(1), excluded, false);
		// held grants: each new turn goes to a probe with fewer queries open at the target
		for (int i = 0; i < 3; i++) {
			this.running.add(this.frontier.turn(asking.apply(Set.of())).subscribe(grants::add));
		}
		assertThat(grants).extracting((g) -> g.probe().name()).containsExactlyInAnyOrder("a", "b", "c");
		Frontier.Grant onA = grants.stream().filter((g) -> g.probe().name().equals("a")).findFirst().orElseThrow();
		onA.release();
		this.running.add(this.frontier.turn(asking.apply(Set.of("a"))).subscribe(grants::add));
		assertThat(grants.get(3).probe().name()).as("a has none open, but is excluded").isIn("b", "c");
		this.running.add(this.frontier.turn(asking.apply(Set.of())).subscribe(grants::add));
		assertThat(grants.get(4).probe().name()).as("the only probe with none open").isEqualTo("a");
		this.running.add(this.frontier.turn(asking.apply(Set.of("a", "b", "c"))).subscribe(grants::add, errors::add));
		assertThat(errors).as("only excluded probes could take it").singleElement()
			.isInstanceOf(Frontier.NoCandidate.class);
		assertThat(this.frontier.queued()).isZero();
	}
}
