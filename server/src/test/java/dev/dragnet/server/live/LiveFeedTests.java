package dev.dragnet.server.live;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The live feed on virtual time: what each client is sent, when, and how much the server holds for it. */
class LiveFeedTests {

	private static final LiveProperties PROPERTIES = new LiveProperties(Duration.ofMillis(500), Duration.ofSeconds(15),
			Duration.ofSeconds(2));

	private final AtomicReference<Map<String, Object>> world = new AtomicReference<>(
			parts("fleet", List.of("a"), "whois", 0, "campaigns", List.of()));

	private final AtomicInteger samples = new AtomicInteger();

	private final Sinks.Empty<Void> stopping = Sinks.empty();

	/** The probe changes the next sample carries, once. */
	private final AtomicReference<Object> changes = new AtomicReference<>();

	private final Supplier<Mono<LiveSample>> sampler = () -> Mono.fromSupplier(() -> {
		this.samples.incrementAndGet();
		return new LiveSample(this.world.get(), this.changes.getAndSet(null));
	});

	private LiveFeed feed() {
		return new LiveFeed(this.sampler, PROPERTIES, this.stopping.asMono(), Schedulers.parallel());
	}

	@Test
	void aNewClientGetsHelloThenEveryPartThenOnlyWhatChanges() {
		AtomicReference<LiveFeed> feed = new AtomicReference<>();
		StepVerifier.withVirtualTime(() -> {
			feed.set(feed());
			return feed.get().events(null);
		})
			.assertNext((hello) -> {
				assertThat(hello.event()).isEqualTo("hello");
				assertThat(hello.retry()).isEqualTo(Duration.ofSeconds(2));
				assertThat(((LiveFeed.Hello) hello.data()).resumedFrom()).isZero();
			})
			.assertNext((e) -> assertEvent(e, "fleet", 1, List.of("a")))
			.assertNext((e) -> assertEvent(e, "whois", 2, 0))
			.assertNext((e) -> assertEvent(e, "campaigns", 3, List.of()))
			.then(() -> this.world.set(parts("fleet", List.of("a"), "whois", 1, "campaigns", List.of())))
			.thenAwait(Duration.ofMillis(500))
			.assertNext((e) -> assertEvent(e, "whois", 4, 1))
			.thenAwait(Duration.ofSeconds(2))
			.expectNoEvent(Duration.ofMillis(500))
			.then(() -> feed.get().alert(Map.of("subject", "probe a is down")))
			.thenAwait(Duration.ofMillis(500))
			.assertNext((e) -> assertEvent(e, "alert", 5, Map.of("subject", "probe a is down")))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void anIdleStreamGetsAHeartbeatComment() {
		StepVerifier.withVirtualTime(() -> feed().events(null))
			.expectNextCount(4)
			.expectNoEvent(Duration.ofMillis(14_900))
			.thenAwait(Duration.ofMillis(100))
			.assertNext((e) -> assertThat(e.comment()).isEqualTo("heartbeat"))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aReconnectingClientOfThisRunGetsOnlyWhatItMissed() {
		AtomicReference<String> lastId = new AtomicReference<>();
		StepVerifier.withVirtualTime(() -> {
			LiveFeed feed = feed();
			Flux<ServerSentEvent<Object>> first = feed.events(null).take(4).doOnNext((e) -> lastId.set(e.id()));
			// Disconnected for a second, during which the probes change.
			Mono<ServerSentEvent<Object>> meanwhile = Mono.delay(Duration.ofSeconds(1))
				.doOnNext((t) -> this.world.set(parts("fleet", List.of("a", "b"), "whois", 0, "campaigns", List.of())))
				.then(Mono.empty());
			Flux<ServerSentEvent<Object>> again = Flux.defer(() -> feed.events(lastId.get()));
			return Flux.concat(first, meanwhile, again);
		})
			.expectNextCount(4)
			.thenAwait(Duration.ofSeconds(1))
			.assertNext((hello) -> assertThat(((LiveFeed.Hello) hello.data()).resumedFrom()).isEqualTo(3))
			.assertNext((e) -> assertEvent(e, "fleet", 4, List.of("a", "b")))
			.expectNoEvent(Duration.ofSeconds(1))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void anIdFromAnotherRunOrUnreadableGetsEverything() {
		LiveFeed feed = feed();
		for (String id : List.of("otherrun-2", "garbage", "-", feed.events(null).take(2).blockLast(Duration.ofSeconds(5)).id() + "x")) {
			StepVerifier.create(feed.events(id).take(4))
				.assertNext((hello) -> assertThat(((LiveFeed.Hello) hello.data()).resumedFrom()).isZero())
				.expectNextCount(3)
				.verifyComplete();
		}
	}

	@Test
	void aSlowClientSkipsIntermediateStatesAndNothingQueuesForIt() {
		StepVerifier.Step<ServerSentEvent<Object>> step = StepVerifier.withVirtualTime(() -> feed().events(null), 4)
			.expectNextCount(4);
		// While the client reads nothing, the probe list changes at every one of 100 samples.
		for (int i = 0; i < 100; i++) {
			List<String> names = List.of("probe-" + i);
			step = step.then(() -> this.world.set(parts("fleet", names, "whois", 0, "campaigns", List.of())))
				.thenAwait(Duration.ofMillis(500));
		}
		step.thenRequest(10)
			.assertNext((e) -> assertEvent(e, "fleet", 103, List.of("probe-99")))
			.expectNoEvent(Duration.ofSeconds(1))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void oneSampleServesEveryClientAndSamplingStopsWithTheLastOne() {
		StepVerifier.withVirtualTime(() -> {
			LiveFeed feed = feed();
			return Flux.merge(feed.events(null), feed.events(null), feed.events(null));
		})
			.expectNextCount(12)
			.thenAwait(Duration.ofSeconds(10))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		// One sample at the start and one per interval for the three of them, not three.
		assertThat(this.samples.get()).isBetween(20, 22);
	}

	@Test
	void everyStreamEndsWhenTheServerStops() {
		StepVerifier.withVirtualTime(() -> feed().events(null))
			.expectNextCount(4)
			.then(this.stopping::tryEmitEmpty)
			.verifyComplete();
	}

	@Test
	void onlyTheLatestAlertsAreKept() {
		LiveFeed feed = feed();
		for (int i = 0; i < LiveFeed.ALERTS_KEPT + 10; i++) {
			feed.alert(Map.of("n", i));
		}
		List<ServerSentEvent<Object>> events = feed.events(null)
			.take(1 + 3 + LiveFeed.ALERTS_KEPT)
			.collectList()
			.block(Duration.ofSeconds(5));
		List<Object> alerts = events.stream()
			.filter((e) -> "alert".equals(e.event()))
			.map(ServerSentEvent::data)
			.toList();
		assertThat(alerts).hasSize(LiveFeed.ALERTS_KEPT).first().isEqualTo(Map.of("n", 10));
	}

	@Test
	void probeChangesGoAsSmallEventsToClientsThatHaveAStateAndNotToNewOnes() {
		AtomicReference<LiveFeed> feed = new AtomicReference<>();
		StepVerifier.withVirtualTime(() -> {
			feed.set(feed());
			// Changes in the very first sample: a new client reads the table, so it is not sent them.
			this.changes.set(List.of("b added"));
			return feed.get().events(null);
		})
			.assertNext((hello) -> assertThat(hello.event()).isEqualTo("hello"))
			.assertNext((e) -> assertEvent(e, "fleet", 1, List.of("a")))
			.assertNext((e) -> assertEvent(e, "whois", 2, 0))
			.assertNext((e) -> assertEvent(e, "campaigns", 3, List.of()))
			.then(() -> this.changes.set(List.of("c added")))
			.thenAwait(Duration.ofMillis(500))
			.assertNext((e) -> assertEvent(e, "probes-changed", 5, List.of("c added")))
			// Nothing changes: nothing is sent, however long.
			.thenAwait(Duration.ofSeconds(5))
			.expectNoEvent(Duration.ofMillis(500))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aReconnectingClientGetsTheProbeChangesItMissedWhileTheyAreKept() {
		AtomicReference<String> lastId = new AtomicReference<>();
		StepVerifier.withVirtualTime(() -> {
			LiveFeed feed = feed();
			Flux<ServerSentEvent<Object>> first = feed.events(null).take(4).doOnNext((e) -> lastId.set(e.id()));
			Flux<ServerSentEvent<Object>> again = Flux.defer(() -> feed.events(lastId.get()));
			// The other client keeps the samples going while the first is away.
			Flux<ServerSentEvent<Object>> watcher = feed.events(null).ignoreElements().flux();
			return Flux.merge(watcher, Flux.concat(first, Mono.delay(Duration.ofSeconds(2)).then(Mono.empty()), again));
		})
			.expectNextCount(4)
			.then(() -> this.changes.set(List.of("b added")))
			.thenAwait(Duration.ofMillis(500))
			.then(() -> this.changes.set(List.of("a ineffective")))
			.thenAwait(Duration.ofMillis(1500))
			.assertNext((hello) -> assertThat(hello.event()).isEqualTo("hello"))
			.assertNext((e) -> assertEvent(e, "probes-changed", 4, List.of("b added")))
			.assertNext((e) -> assertEvent(e, "probes-changed", 5, List.of("a ineffective")))
			.expectNoEvent(Duration.ofSeconds(1))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aClientBehindByMoreChangesThanAreKeptIsToldToReadTheTableAgainAndGetsNoBacklog() {
		StepVerifier.Step<ServerSentEvent<Object>> step = StepVerifier.withVirtualTime(() -> feed().events(null), 4)
			.expectNextCount(4);
		// While the client reads nothing, probes change at every one of 25 samples (12.5 s: no heartbeat yet).
		for (int i = 0; i < LiveFeed.CHANGES_KEPT + 5; i++) {
			List<String> change = List.of("probe-" + i + " changed");
			step = step.then(() -> this.changes.set(change)).thenAwait(Duration.ofMillis(500));
		}
		step.thenRequest(100)
			.assertNext((e) -> {
				assertThat(e.event()).isEqualTo("probes-resync");
				assertThat(e.id()).isNull();
			})
			.expectNoEvent(Duration.ofMillis(400))
			// From then on, changes again.
			.then(() -> this.changes.set(List.of("probe-x added")))
			.thenAwait(Duration.ofMillis(500))
			.assertNext((e) -> assertEvent(e, "probes-changed", 29, List.of("probe-x added")))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	private static void assertEvent(ServerSentEvent<Object> event, String name, long version, Object data) {
		assertThat(event.event()).isEqualTo(name);
		assertThat(event.id()).endsWith("-" + version);
		assertThat(event.data()).isEqualTo(data);
	}

	private static Map<String, Object> parts(Object... pairs) {
		Map<String, Object> parts = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			parts.put((String) pairs[i], pairs[i + 1]);
		}
		return parts;
	}
}
