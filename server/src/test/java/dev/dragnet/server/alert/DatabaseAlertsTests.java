package dev.dragnet.server.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.dragnet.server.db.DatabaseStatus.Availability;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseAlertsTests {

	private static final Duration AFTER = Duration.ofSeconds(60);

	private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

	private final Sinks.Many<Availability> changes = Sinks.many().unicast().onBackpressureBuffer();

	private StepVerifier.FirstStep<Alert> alerts() {
		return StepVerifier.withVirtualTime(() -> {
			AlertProperties properties = new AlertProperties(List.of("ops@dragnet.test"), "dragnet@dragnet.test",
					"[dragnet]", Duration.ofSeconds(30), 10, 10,
					new AlertProperties.Retry(Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofHours(1)),
					new AlertProperties.Digest(false, 3, Duration.ofHours(24)), AFTER);
			return new DatabaseAlerts(properties, Schedulers.parallel()).alerts(this.changes.asFlux());
		});
	}

	private void emit(boolean up, Instant at, String reason) {
		this.changes.tryEmitNext(new Availability(up, at, up ? null : reason));
	}

	@Test
	void aBlipShorterThanTheThresholdRaisesNothing() {
		alerts().then(() -> emit(true, T0, null))
			.then(() -> emit(false, T0, "Connection refused"))
			.thenAwait(AFTER.minusSeconds(1))
			.then(() -> emit(true, T0.plus(AFTER).minusSeconds(1), null))
			.thenAwait(AFTER.multipliedBy(3))
			.expectNoEvent(Duration.ofSeconds(1))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void anOutageGivesOneMessageAndItsEndOneMore() {
		alerts().then(() -> emit(false, T0, "Connection refused"))
			.expectNoEvent(AFTER.minusSeconds(1))
			.thenAwait(Duration.ofSeconds(1))
			.assertNext((alert) -> {
				assertThat(alert.kind()).isEqualTo(Alert.Kind.DATABASE_DOWN);
				assertThat(alert.subject()).isEqualTo("[dragnet] the database is unreachable");
				assertThat(alert.body()).contains("unreachable since 2026-12-02 10:00:00 UTC", "Connection refused");
			})
			.thenAwait(AFTER.multipliedBy(10))
			.expectNoEvent(Duration.ofSeconds(1))
			.then(() -> emit(true, T0.plusSeconds(200), null))
			.assertNext((alert) -> {
				assertThat(alert.kind()).isEqualTo(Alert.Kind.DATABASE_BACK);
				assertThat(alert.subject()).isEqualTo("[dragnet] the database is back");
				assertThat(alert.body()).contains("unreachable for 3m 20s", "Connection refused");
			})
			.then(() -> emit(false, T0.plusSeconds(300), "timeout"))
			.then(() -> emit(true, T0.plusSeconds(301), null))
			.thenAwait(AFTER.multipliedBy(2))
			.expectNoEvent(Duration.ofSeconds(1))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}
}
