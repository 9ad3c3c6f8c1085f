package dev.dragnet.server.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.WhoisQuery;
import dev.dragnet.server.probe.ProbeRegistry;
import dev.dragnet.server.probe.TestProbe;
import dev.dragnet.server.schedule.Lane;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Lookups this instance cannot place go to another instance through the {@link TaskForwarder}: only then, never
 * twice, with a lost instance costing an attempt and a refusing one none.
 */
class TaskDispatcherForwardingTests {

	private static final WhoisQuery QUERY = new WhoisQuery("whois.example", 43, "example.com", null, 1000, 1000, null);

	private static final DispatchRequest REQUEST = DispatchRequest.of(Protocol.CAPABILITY_WHOIS, QUERY, "whois.example:43");

	private final ProbeRegistry registry = new ProbeRegistry();

	private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

	private final TargetStatistics statistics = new TargetStatistics();

	private final Peers peers = new Peers();

	private final Cooldowns cooldowns = new Cooldowns(this.clock);

	private final TaskDispatcher dispatcher = dispatcher();

	private TaskDispatcher dispatcher() {
		TaskDispatcher created = new TaskDispatcher(this.registry, new DispatchProperties(Duration.ofSeconds(15), 3,
				Duration.ofSeconds(10), 100, Duration.ofSeconds(60), Duration.ofHours(24), Duration.ofSeconds(2)),
				this.clock, this.cooldowns, this.statistics);
		created.forwarder(this.peers);
		return created;
	}

	@Test
	void aLookupWithNoLocalProbeRunsOnAnotherInstanceAndShowsItsAttempts() {
		this.peers.instance("b", (request) -> Mono.just(answered("probe-on-b")));
		StepVerifier.create(this.dispatcher.dispatch(REQUEST))
			.assertNext((done) -> {
				assertThat(done.probe()).isEqualTo("probe-on-b");
				assertThat(done.result().text()).isEqualTo("Domain Name: EXAMPLE.COM");
				assertThat(done.attempts()).extracting(Attempt::probe, Attempt::outcome).containsExactly(tuple("probe-on-b", "OK"));
			})
			.verifyComplete();
		assertThat(this.peers.calls).containsExactly("b");
		assertThat(this.statistics.snapshot()).as("the instance that ran it counts it, not this one")
			.allSatisfy((s) -> assertThat(s.lookups()).isZero());
	}

	@Test
	void aLookupALocalProbeMayTakeStaysHere() {
		TestProbe.connect(this.registry, "local", 2).respondWith((task) -> TestProbe.ok(task, "Domain Name: LOCAL"));
		this.peers.instance("b", (request) -> Mono.just(answered("probe-on-b")));
		StepVerifier.create(this.dispatcher.dispatch(REQUEST))
			.assertNext((done) -> assertThat(done.probe()).isEqualTo("local"))
			.verifyComplete();
		assertThat(this.peers.calls).isEmpty();
	}

	/**
	 * Lookups are spread over the fleet in proportion to each instance's probes: with a million probes elsewhere and
	 * one here, a lookup goes elsewhere although the local probe is free (it stays here once in a million).
	 */
	@Test
	void aLookupGoesWhereTheFleetsProbesAreEvenWhenALocalProbeIsFree() {
		TestProbe.connect(this.registry, "local", 2).respondWith((task) -> TestProbe.ok(task, "Domain Name: LOCAL"));
		this.peers.probes = 1_000_000;
		this.peers.instance("b", (request) -> Mono.just(answered("probe-on-b")));
		StepVerifier.create(this.dispatcher.dispatch(REQUEST))
			.assertNext((done) -> assertThat(done.probe()).isEqualTo("probe-on-b"))
			.verifyComplete();
		assertThat(this.peers.calls).containsExactly("b");
	}

	@Test
	void aLookupSpreadToAnInstanceThatDeclinesRunsHere() {
		TestProbe.connect(this.registry, "local", 2).respondWith((task) -> TestProbe.ok(task, "Domain Name: LOCAL"));
		this.peers.probes = 1_000_000;
		this.peers.instance("b", (request) -> Mono.error(ForwardException.refused("b", "every probe there is resting",
				Duration.ofSeconds(7))));
		StepVerifier.create(this.dispatcher.dispatch(REQUEST))
			.assertNext((done) -> {
				assertThat(done.probe()).isEqualTo("local");
				assertThat(done.result().text()).isEqualTo("Domain Name: LOCAL");
			})
			.verifyComplete();
		assertThat(this.peers.calls).containsExactly("b");
	}

	@Test
	void aLocalProbeThatGotNothingWhereAnotherInstanceGotTheAnswerRestsFromThatServer() {
		TestProbe.connect(this.registry, "local", 2).respondWith((task) -> TestProbe.ok(task, ""));
		this.peers.instance("b", (request) -> Mono.just(answered("probe-on-b")));
		StepVerifier.create(this.dispatcher.dispatch(TaskDispatcherTests.EMPTY_AWARE))
			.assertNext((done) -> assertThat(done.attempts()).extracting(Attempt::probe, Attempt::outcome)
				.containsExactly(tuple("local", "ERROR"), tuple("probe-on-b", "OK")))
			.verifyComplete();
		assertThat(this.cooldowns.cooling("whois.example:43")).containsExactly("local");
	}

	@Test
	void aLostInstanceCostsAnAttemptAndTheLookupGoesOnElsewhere() {
		this.peers.instance("b", (request) -> Mono.error(ForwardException.lost("b", "connection reset")));
		this.peers.instance("c", (request) -> Mono.just(answered("probe-on-c")));
		StepVerifier.create(this.dispatcher.dispatch(REQUEST))
			.assertNext((done) -> {
				assertThat(done.probe()).isEqualTo("probe-on-c");
				assertThat(done.attempts()).extracting(Attempt::probe, Attempt::outcome)
					.containsExactly(tuple("instance b", "INSTANCE_LOST"), tuple("probe-on-c", "OK"));
			})
			.verifyComplete();
		assertThat(this.peers.calls).containsExactly("b", "c");
	}

	@Test
	void losingEveryInstanceUsesUpTheAttemptsAndFails() {
		for (String id : List.of("b", "c", "d", "e")) {
			this.peers.instance(id, (request) -> Mono.error(ForwardException.lost(id, "connection reset")));
		}
		StepVerifier.create(this.dispatcher.dispatch(REQUEST))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(AttemptsExhaustedException.class)
				.satisfies((e) -> assertThat(((AttemptsExhaustedException) e).attempts()).hasSize(3)))
			.verify(Duration.ofSeconds(5));
		assertThat(this.peers.calls).as("max-attempts bounds the instances tried").containsExactly("b", "c", "d");
	}

	@Test
	void whenEveryInstanceRefusesTheCallerHearsWhyAndWhenToComeBack() {
		this.peers.instance("b", (request) -> Mono.error(ForwardException.refused("b", "every probe there is resting",
				Duration.ofSeconds(7))));
		StepVerifier.create(this.dispatcher.dispatch(REQUEST))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(NoProbeAvailableException.class)
					.hasMessageContaining("no effective probe")
					.hasMessageContaining("instance b: every probe there is resting");
				assertThat(((NoProbeAvailableException) ex).headers().getFirst("Retry-After")).isEqualTo("7");
			})
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aForwardedLookupIsNeverForwardedAgain() {
		this.peers.instance("b", (request) -> Mono.just(answered("probe-on-b")));
		StepVerifier.create(this.dispatcher.dispatchForwarded(REQUEST))
			.expectError(NoProbeAvailableException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(this.peers.calls).isEmpty();
	}

	@Test
	void aSpotCheckKeepsAwayFromTheFirstAnswererOnEveryInstance() {
		TestProbe.connect(this.registry, "local", 2).respondWith((task) -> TestProbe.ok(task, "Domain Name: LOCAL"));
		this.peers.instance("b", (request) -> Mono.just(answered("probe-on-b")));
		StepVerifier.create(this.dispatcher.dispatch(REQUEST.avoiding(Set.of("local"))))
			.assertNext((done) -> assertThat(done.probe()).isEqualTo("probe-on-b"))
			.verifyComplete();
		assertThat(this.peers.excluded).containsExactly(Set.of("local"));
		assertThat(this.peers.forwarded).singleElement().satisfies((r) -> assertThat(r.avoid()).containsExactly("local"));
	}

	@Test
	void anInstanceThatTriedAndFailedEndsTheLookupWithItsAttempts() {
		this.peers.instance("b", (request) -> Mono.error(ForwardException.exhausted("b",
				List.of(new Attempt("probe-on-b", "TIMEOUT", "timed out", 100)))));
		StepVerifier.create(this.dispatcher.dispatch(REQUEST))
			.expectErrorSatisfies((ex) -> assertThat(((AttemptsExhaustedException) ex).attempts())
				.extracting(Attempt::probe).containsExactly("probe-on-b"))
			.verify(Duration.ofSeconds(5));
	}

	private static Dispatched answered(String probe) {
		TaskResult result = new TaskResult("t-1", TaskResult.Outcome.OK, "Domain Name: EXAMPLE.COM", 24, 5, null);
		return new Dispatched(result, probe, List.of(new Attempt(probe, "OK", "OK", 5)), 5);
	}

	/** Other instances, each answering as scripted; records who was asked what. */
	private static final class Peers implements TaskForwarder {

		final Map<String, Function<DispatchRequest, Mono<Dispatched>>> instances = new HashMap<>();

		final List<String> calls = new ArrayList<>();

		final List<Set<String>> excluded = new ArrayList<>();

		final List<DispatchRequest> forwarded = new ArrayList<>();

		/** Effective probes the other instances have, as the fleet view says. */
		int probes;

		void instance(String id, Function<DispatchRequest, Mono<Dispatched>> behaviour) {
			this.instances.put(id, behaviour);
		}

		@Override
		public List<String> peersFor(String capability, Set<String> excludedProbes) {
			this.excluded.add(Set.copyOf(excludedProbes));
			return this.instances.keySet().stream().sorted().toList();
		}

		@Override
		public int probesFor(String capability, Set<String> excludedProbes) {
			return this.probes;
		}

		@Override
		public Mono<Dispatched> forward(String peer, DispatchRequest request, Lane lane, Duration maxWait) {
			this.calls.add(peer);
			this.forwarded.add(request);
			return this.instances.get(peer).apply(request);
		}
	}
}
