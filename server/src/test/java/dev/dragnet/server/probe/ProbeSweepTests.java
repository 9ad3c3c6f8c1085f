package dev.dragnet.server.probe;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Ping;
import dev.dragnet.protocol.Protocol;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeSweepTests {

	private static final Duration INTERVAL = Duration.ofSeconds(10);

	private final ProbeRegistry registry = new ProbeRegistry();

	private final List<List<ProbeSession>> saves = new CopyOnWriteArrayList<>();

	private final List<ProbeSweep.Visit> visits = new CopyOnWriteArrayList<>();

	@Test
	void aSilentProbeIsClosedAfterTwoMissedPingsAndAnAnsweringOneStays() {
		Probe silent = Probe.connect(this.registry, "silent", false);
		Probe answering = Probe.connect(this.registry, "answering", true);
		ProbeSweep sweep = sweep(this::recordSave);
		StepVerifier.withVirtualTime(() -> sweep.run(VirtualTimeScheduler.get()).doOnNext(this.visits::add).then())
			.expectSubscription()
			.thenAwait(INTERVAL.multipliedBy(2))
			.then(() -> {
				assertThat(silent.pings).as("one ping an interval").hasSize(2);
				assertThat(silent.session.isEffective()).as("two pings missed, the third visit not come yet").isTrue();
			})
			.thenAwait(INTERVAL)
			.then(() -> {
				assertThat(silent.session.isEffective()).isFalse();
				assertThat(silent.kicked.get().getCode()).isEqualTo(Protocol.CLOSE_MISSED_PINGS);
				assertThat(silent.kicked.get().getReason()).isEqualTo("missed 2 pings in a row");
				assertThat(silent.pings).as("no ping after the close").hasSize(2);
				assertThat(answering.session.isEffective()).isTrue();
				assertThat(answering.pings).hasSize(3);
			})
			.thenAwait(INTERVAL.multipliedBy(30))
			.then(() -> {
				assertThat(answering.session.isEffective()).isTrue();
				assertThat(answering.kicked.get()).isNull();
				assertThat(answering.pings).hasSize(33);
			})
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		assertThat(this.visits.stream().flatMap((visit) -> visit.closed().stream())).containsExactly("silent");
	}

	@Test
	void eachSessionIsPingedAndSavedOnceAnIntervalInSlicesSpreadOverIt() {
		List<Probe> probes = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			probes.add(Probe.connect(this.registry, "p" + i, true));
		}
		ProbeSweep sweep = sweep(this::recordSave);
		StepVerifier.withVirtualTime(() -> sweep.run(VirtualTimeScheduler.get()).doOnNext(this.visits::add).then())
			.expectSubscription()
			.thenAwait(INTERVAL)
			.then(() -> {
				assertThat(probes).allSatisfy((probe) -> assertThat(probe.pings).hasSize(1));
				assertThat(this.visits).hasSize(ProbeSweep.SLICES);
				assertThat(this.visits.stream().mapToInt(ProbeSweep.Visit::pinged).sum()).isEqualTo(100);
				assertThat(this.visits.stream().filter((visit) -> visit.pinged() > 0).count())
					.as("the fleet is spread over the slices, not pinged at once")
					.isGreaterThan(ProbeSweep.SLICES / 2);
				assertThat(this.saves.stream().mapToInt(List::size).sum()).isEqualTo(100);
				assertThat(this.saves.stream().flatMap(List::stream).distinct().count()).isEqualTo(100);
			})
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aSaveThatHangsHoldsUpNoPingNorClose() {
		Probe silent = Probe.connect(this.registry, "silent", false);
		Probe answering = Probe.connect(this.registry, "answering", true);
		AtomicInteger asked = new AtomicInteger();
		ProbeSweep sweep = sweep((sessions) -> {
			asked.incrementAndGet();
			return Mono.never();
		});
		StepVerifier.withVirtualTime(() -> sweep.run(VirtualTimeScheduler.get()).then())
			.expectSubscription()
			.thenAwait(INTERVAL.multipliedBy(5))
			.then(() -> {
				assertThat(asked).as("one save at a time: the first never ends").hasValue(1);
				assertThat(answering.pings).hasSize(5);
				assertThat(silent.session.isEffective()).isFalse();
			})
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aFailedSaveIsLoggedAndTheSweepGoesOn() {
		Probe answering = Probe.connect(this.registry, "answering", true);
		AtomicInteger asked = new AtomicInteger();
		ProbeSweep sweep = sweep((sessions) -> {
			asked.incrementAndGet();
			return Mono.error(new IllegalStateException("no table"));
		});
		StepVerifier.withVirtualTime(() -> sweep.run(VirtualTimeScheduler.get()).then())
			.expectSubscription()
			.thenAwait(INTERVAL.multipliedBy(3))
			.then(() -> {
				assertThat(asked).hasValue(3);
				assertThat(answering.pings).hasSize(3);
			})
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void shortIntervalsHaveFewerSlices() {
		assertThat(ProbeSweep.slices(Duration.ofSeconds(10))).isEqualTo(ProbeSweep.SLICES);
		assertThat(ProbeSweep.slices(Duration.ofMillis(4))).isEqualTo(4);
		assertThat(ProbeSweep.slices(Duration.ofNanos(10))).isOne();
	}

	private ProbeSweep sweep(Function<List<ProbeSession>, Mono<Void>> save) {
		return new ProbeSweep(this.registry, INTERVAL, 2, save);
	}

	private Mono<Void> recordSave(List<ProbeSession> sessions) {
		this.saves.add(List.copyOf(sessions));
		return Mono.empty();
	}

	/** A registered session that answers its pings at once, or never. */
	private static final class Probe {

		final ProbeSession session;

		final List<Long> pings = new CopyOnWriteArrayList<>();

		final AtomicReference<CloseStatus> kicked = new AtomicReference<>();

		private Probe(ProbeSession session) {
			this.session = session;
		}

		static Probe connect(ProbeRegistry registry, String name, boolean answers) {
			ProbeSession session = new ProbeSession(new Hello(name, "t", "1", Protocol.VERSION,
					List.of(Protocol.CAPABILITY_WHOIS), 1), "192.0.2.1", Clock.systemUTC());
			Probe probe = new Probe(session);
			session.outbound().subscribe((frame) -> {
				if (frame instanceof Ping ping) {
					probe.pings.add(ping.seq());
					if (answers) {
						session.pong(ping.seq());
					}
				}
			});
			session.kicked().subscribe(probe.kicked::set);
			registry.register(session);
			return probe;
		}
	}
}
