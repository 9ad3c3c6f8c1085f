package dev.dragnet.server.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.Task;
import dev.dragnet.protocol.WhoisQuery;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeEventsTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

	private final ProbeEvents events = new ProbeEvents(new StaticListableBeanFactory().getBeanProvider(Clock.class));

	private static ProbeSession session(String name) {
		return new ProbeSession(new Hello(name, "t", "1", Protocol.VERSION, List.of("whois"), 2), "192.0.2.7", CLOCK);
	}

	@Test
	void aProbeConnectsGoesDownWithItsWorkAndComesBack() {
		ProbeSession first = session("p1");
		ProbeSession second = session("p1");
		this.events.changes()
			.as(StepVerifier::create)
			.then(() -> this.events.connected(first))
			.assertNext((change) -> {
				assertThat(change.kind()).isEqualTo(ProbeStateChange.Kind.CONNECTED);
				assertThat(change.state()).isEqualTo(ProbeState.EFFECTIVE);
				assertThat(change.remoteAddress()).isEqualTo("192.0.2.7");
			})
			.then(() -> {
				first.grant(1);
				first.tryReserve();
				first.send(new Task("t-1", 1000, new WhoisQuery("whois.example", 43, "example.test", null, 100, 100, null)))
					.subscribe(null, (ex) -> { });
				first.close("missed 2 pings in a row");
				this.events.ineffective(first, "missed 2 pings in a row", List.of("block 3 of campaign 1 (10.0.0.0 - 10.0.0.15)"));
			})
			.assertNext((change) -> {
				assertThat(change.kind()).isEqualTo(ProbeStateChange.Kind.INEFFECTIVE);
				assertThat(change.reason()).isEqualTo("missed 2 pings in a row");
				assertThat(change.lastSeen()).isEqualTo(CLOCK.instant());
				assertThat(change.tasks()).containsExactly("task t-1: whois 'example.test' at whois.example:43");
				assertThat(change.blocks()).containsExactly("block 3 of campaign 1 (10.0.0.0 - 10.0.0.15)");
				assertThat(change.wasBusy()).isTrue();
				assertThat(this.events.down()).containsExactly("p1");
			})
			.then(() -> this.events.connected(second))
			.assertNext((change) -> {
				assertThat(change.kind()).isEqualTo(ProbeStateChange.Kind.RECOVERED);
				assertThat(this.events.down()).isEmpty();
			})
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aSlowSubscriberLosesOnlyItsOldestChangesAndOthersMissNothing() {
		ProbeSession session = session("p2");
		AtomicInteger seenByAnother = new AtomicInteger();
		StepVerifier.create(this.events.changes(), 0)
			.then(() -> this.events.changes().subscribe((change) -> seenByAnother.incrementAndGet()))
			.then(() -> {
				for (int i = 0; i < ProbeEvents.BUFFER + 5; i++) {
					this.events.connected(session);
				}
				this.events.ineffective(session, "connection closed", List.of());
			})
			.thenRequest(ProbeEvents.BUFFER)
			.expectNextCount(ProbeEvents.BUFFER - 1)
			.assertNext((last) -> assertThat(last.kind()).isEqualTo(ProbeStateChange.Kind.INEFFECTIVE))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		assertThat(seenByAnother).hasValue(ProbeEvents.BUFFER + 6);
	}
}
