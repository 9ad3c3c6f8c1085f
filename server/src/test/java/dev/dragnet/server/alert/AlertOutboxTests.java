package dev.dragnet.server.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailSendException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

class AlertOutboxTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	/** Send attempts, by subject, in order. */
	private final List<String> attempts = new CopyOnWriteArrayList<>();

	private static AlertProperties properties(int capacity, Duration giveUpAfter) {
		return new AlertProperties(List.of("ops@dragnet.test"), "dragnet@dragnet.test", "[dragnet]",
				Duration.ofSeconds(30), capacity, 10,
				new AlertProperties.Retry(Duration.ofSeconds(1), Duration.ofSeconds(8), giveUpAfter),
				new AlertProperties.Digest(false, 3, Duration.ofHours(24)), Duration.ofSeconds(60));
	}

	private static Alert alert(String subject) {
		return new Alert(Alert.Kind.PROBES_DOWN, Instant.EPOCH, subject, "body", List.of("p1"));
	}

	/** An SMTP server that refuses the first {@code failures} attempts, then takes everything. */
	private Mono<Void> smtpDownFor(int failures, AtomicInteger count, Alert alert) {
		return Mono.defer(() -> {
			this.attempts.add(alert.subject());
			return (count.incrementAndGet() <= failures) ? Mono.error(new MailSendException("Couldn't connect to host"))
					: Mono.empty();
		});
	}

	private StepVerifier.FirstStep<Alert> deliver(AlertProperties properties, Function<Alert, Mono<Void>> send,
			Alert... alerts) {
		return StepVerifier.withVirtualTime(() -> new AlertOutbox(send, properties, this.meters, VirtualTimeScheduler.get())
			.deliver(Flux.just(alerts)));
	}

	private double counter(String name, String... tags) {
		Counter counter = this.meters.find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Test
	void aFailedSendIsRetriedWithExponentialBackoffAndArrivesOnce() {
		AtomicInteger count = new AtomicInteger();
		deliver(properties(10, Duration.ofHours(1)), (a) -> smtpDownFor(3, count, a), alert("a1"))
			// Tries at 0, 1 s, 3 s and 7 s: waits of 1, 2 and 4 seconds.
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(6999))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((sent) -> assertThat(sent.subject()).isEqualTo("a1"))
			.verifyComplete();
		assertThat(this.attempts).containsExactly("a1", "a1", "a1", "a1");
		assertThat(counter("dragnet.alerts.failed", "kind", "PROBES_DOWN")).isEqualTo(3);
		assertThat(counter("dragnet.alerts.sent", "kind", "PROBES_DOWN")).isEqualTo(1);
	}

	@Test
	void theBackoffIsCappedAndLaterAlertsWaitInOrderWhileTheServerIsDown() {
		AtomicInteger count = new AtomicInteger();
		deliver(properties(10, Duration.ofHours(1)), (a) -> smtpDownFor(6, count, a), alert("a1"), alert("a2"),
				alert("a3"))
			// Waits 1, 2, 4, 8, 8, 8 (capped): the first alert goes out at 31 s, the others right after.
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(30999))
			.thenAwait(Duration.ofMillis(1))
			.expectNextMatches((a) -> a.subject().equals("a1"))
			.expectNextMatches((a) -> a.subject().equals("a2"))
			.expectNextMatches((a) -> a.subject().equals("a3"))
			.verifyComplete();
		assertThat(this.attempts).containsExactly("a1", "a1", "a1", "a1", "a1", "a1", "a1", "a2", "a3");
	}

	@Test
	void aFullOutboxDropsItsOldestAlertAndCountsIt() {
		AtomicInteger count = new AtomicInteger();
		deliver(properties(2, Duration.ofHours(1)), (a) -> smtpDownFor(2, count, a), alert("a1"), alert("a2"),
				alert("a3"), alert("a4"), alert("a5"))
			.thenAwait(Duration.ofSeconds(3))
			.expectNextMatches((a) -> a.subject().equals("a1"))
			.expectNextMatches((a) -> a.subject().equals("a4"))
			.expectNextMatches((a) -> a.subject().equals("a5"))
			.verifyComplete();
		assertThat(counter("dragnet.alerts.dropped", "reason", "outbox-full")).isEqualTo(2);
	}

	@Test
	void anAlertIsGivenUpAfterItsTimeAndTheNextOneGoesOn() {
		deliver(properties(10, Duration.ofSeconds(10)), (a) -> Mono.defer(() -> {
			this.attempts.add(a.subject());
			return a.subject().equals("doomed") ? Mono.error(new MailSendException("Connection refused")) : Mono.empty();
		}), alert("doomed"), alert("next"))
			// Tries at 0, 1, 3, 7 and 15 s; the failure at 15 s is past the 10 s limit.
			.thenAwait(Duration.ofSeconds(15))
			.expectNextMatches((a) -> a.subject().equals("next"))
			.verifyComplete();
		assertThat(this.attempts).containsExactly("doomed", "doomed", "doomed", "doomed", "doomed", "next");
		assertThat(counter("dragnet.alerts.dropped", "reason", "gave-up")).isEqualTo(1);
	}

	@Test
	void aMessageThatCannotBeBuiltIsNotRetried() {
		deliver(properties(10, Duration.ofHours(1)), (a) -> Mono.defer(() -> {
			this.attempts.add(a.subject());
			return Mono.error(new MailParseException("bad address"));
		}), alert("broken"))
			.expectSubscription()
			.verifyComplete();
		assertThat(this.attempts).containsExactly("broken");
		assertThat(counter("dragnet.alerts.dropped", "reason", "gave-up")).isEqualTo(1);
	}
}
