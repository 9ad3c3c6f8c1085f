package dev.dragnet.server.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.dragnet.server.probe.ProbeStateChange;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeAlertsTests {

	private static final Duration ROUND = Duration.ofSeconds(30);

	private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

	private final Sinks.Many<ProbeStateChange> changes = Sinks.many().unicast().onBackpressureBuffer();

	private static AlertProperties properties(AlertProperties.Digest digest) {
		return new AlertProperties(List.of("ops@dragnet.test"), "dragnet@dragnet.test", "[dragnet]", ROUND, 10, 10,
				new AlertProperties.Retry(Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofHours(1)), digest,
				Duration.ofSeconds(60));
	}

	private static AlertProperties.Digest noDigest() {
		return new AlertProperties.Digest(false, 3, Duration.ofHours(24));
	}

	private StepVerifier.FirstStep<Alert> alerts(AlertProperties properties) {
		return StepVerifier.withVirtualTime(
				() -> new ProbeAlerts(properties, VirtualTimeScheduler.get()).alerts(this.changes.asFlux()));
	}

	private static ProbeStateChange down(String probe, List<String> tasks) {
		return new ProbeStateChange(probe, ProbeStateChange.Kind.INEFFECTIVE, "192.0.2.1", T0, T0.minusSeconds(12),
				"missed 2 pings in a row", tasks, List.of());
	}

	private static ProbeStateChange back(String probe) {
		return new ProbeStateChange(probe, ProbeStateChange.Kind.RECOVERED, "192.0.2.1", T0.plusSeconds(600), T0.plusSeconds(600),
				null, List.of(), List.of());
	}

	private void emit(ProbeStateChange change) {
		this.changes.tryEmitNext(change);
	}

	@Test
	void downsWithinARoundMakeOneMessageWithEachProbeAndTheirCount() {
		alerts(properties(noDigest()))
			.then(() -> emit(down("p1", List.of("task a-1: whois 'example.test' at whois.example:43"))))
			.thenAwait(Duration.ofSeconds(10))
			.then(() -> emit(down("p2", List.of())))
			.expectNoEvent(ROUND.minusSeconds(10).minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((alert) -> {
				assertThat(alert.kind()).isEqualTo(Alert.Kind.PROBES_DOWN);
				assertThat(alert.subject()).isEqualTo("[dragnet] 2 probes down: p1, p2");
				assertThat(alert.subjects()).containsExactly("p1", "p2");
				assertThat(alert.body()).startsWith("2 probes became ineffective")
					.contains("p1 at 192.0.2.1", "p2 at 192.0.2.1", "missed 2 pings in a row",
							"last seen:      2026-03-01 09:59:48 UTC (12s before)",
							"1 task in flight, 0 campaign blocks", "task a-1: whois 'example.test' at whois.example:43",
							"nothing: no task in flight, no campaign block");
			})
			.expectNoEvent(Duration.ofHours(1))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aProbeDownIsReportedOnceAndItsRecoveryOnce() {
		alerts(properties(noDigest()))
			.then(() -> emit(down("p1", List.of())))
			.thenAwait(ROUND)
			.assertNext((alert) -> assertThat(alert.subject()).isEqualTo("[dragnet] 1 probe down: p1"))
			.then(() -> emit(down("p1", List.of())))
			.expectNoEvent(ROUND.multipliedBy(3))
			.then(() -> emit(back("p1")))
			.assertNext((alert) -> {
				assertThat(alert.kind()).isEqualTo(Alert.Kind.PROBE_RECOVERED);
				assertThat(alert.subject()).isEqualTo("[dragnet] probe p1 is back");
				assertThat(alert.body()).contains("effective again since 2026-03-01 10:10:00 UTC, after 10m 0s down",
						"missed 2 pings in a row");
			})
			.then(() -> emit(back("p1")))
			.expectNoEvent(ROUND.multipliedBy(3))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aProbeBackWithinTheRoundIsNotReportedAtAll() {
		alerts(properties(noDigest()))
			.then(() -> emit(down("p1", List.of())))
			.thenAwait(Duration.ofSeconds(5))
			.then(() -> emit(back("p1")))
			.expectNoEvent(ROUND.multipliedBy(4))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aFlappingProbeGetsOneNoticeThenGoesQuietUntilTheDigest() {
		AlertProperties.Digest digest = new AlertProperties.Digest(true, 2, Duration.ofHours(24));
		alerts(properties(digest))
			// Two outages within the threshold: reported and recovered as usual.
			.then(() -> emit(down("p1", List.of())))
			.thenAwait(ROUND)
			.assertNext((alert) -> assertThat(alert.kind()).isEqualTo(Alert.Kind.PROBES_DOWN))
			.then(() -> emit(back("p1")))
			.assertNext((alert) -> assertThat(alert.kind()).isEqualTo(Alert.Kind.PROBE_RECOVERED))
			.then(() -> emit(down("p1", List.of())))
			.thenAwait(ROUND)
			.assertNext((alert) -> assertThat(alert.kind()).isEqualTo(Alert.Kind.PROBES_DOWN))
			.then(() -> emit(back("p1")))
			.assertNext((alert) -> assertThat(alert.kind()).isEqualTo(Alert.Kind.PROBE_RECOVERED))
			// The third down crosses the threshold: one notice, even though it is back before the round ends.
			.then(() -> emit(down("p1", List.of())))
			.then(() -> emit(back("p1")))
			.thenAwait(ROUND)
			.assertNext((alert) -> assertThat(alert.body()).contains("flapping:", "down 3 times"))
			// From then on: quiet.
			.then(() -> emit(down("p1", List.of())))
			.thenAwait(ROUND)
			.then(() -> emit(back("p1")))
			.then(() -> emit(down("p1", List.of())))
			.expectNoEvent(Duration.ofHours(23))
			.thenAwait(Duration.ofHours(1))
			.assertNext((alert) -> {
				assertThat(alert.kind()).isEqualTo(Alert.Kind.FLAPPING_DIGEST);
				assertThat(alert.subject()).isEqualTo("[dragnet] digest: 1 flapping probe: p1");
				assertThat(alert.body()).contains("went down:      5 times", "now:            down");
			})
			// It was down as the period ended: its recovery is reported again.
			.then(() -> emit(back("p1")))
			.assertNext((alert) -> assertThat(alert.kind()).isEqualTo(Alert.Kind.PROBE_RECOVERED))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}
}
