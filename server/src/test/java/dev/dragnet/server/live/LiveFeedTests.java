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
			parts("probes", List.of("a"), "whois", 0, "campaigns", List.of()));

	private final AtomicInteger samples = new AtomicInteger();

	private final Sinks.Empty<Void> stopping = Sinks.empty();

	private final Supplier<Mono<Map<String, Object>>> sampler = () -> Mono.fromSupplier(() -> {
		this.samples.incrementAndGet();
		return this.world.get();
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
			.assertNext((e) -> assertEvent(e, "probes", 1, List.of("a")))
			.assertNext((e) -> assertEvent(e, "whois", 2, 0))
			.assertNext((e) -> assertEvent(e, "campaigns", 3, List.of()))
			.then(() -> this.world.set(parts("probes", List.of("a"), "whois", 1, "campaigns", List.of())))
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
				.doOnNext((t) -> this.world.set(parts("probes", List.of("a", "b"), "whois", 0, "campaigns", List.of())))
				.then(Mono.empty());
			Flux<ServerSentEvent<Object>> again = Flux.defer(() -> feed.events(lastId.get()));
			return Flux.concat(first, meanwhile, again);
		})
			.expectNextCount(4)
			.thenAwait(Duration.ofSeconds(1))
			.assertNext((hello) -> assertThat(((LiveFeed.Hello) hello.data()).resumedFrom()).isEqualTo(3))
			.assertNext((e) -> assertEvent(e, "probes", 4, List.of("a", "b")))
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
			step = step.then(() -> this.world.set(parts("probes", names, "whois", 0, "campaigns", List.of())))
				.thenAwait(Duration.ofMillis(500));
		}
		step.thenRequest(10)
			.assertNext((e) -> assertEvent(e, "probes", 103, List.of("probe-99")))
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
