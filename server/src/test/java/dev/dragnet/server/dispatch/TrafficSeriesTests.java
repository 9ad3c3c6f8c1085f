package dev.dragnet.server.dispatch;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrafficSeriesTests {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final TrafficSeries series = new TrafficSeries(this.now::get);

	@Test
	void countsEachSecondByOutcomeAndGivesLatencyPercentiles() {
		for (int i = 1; i <= 100; i++) {
			this.series.record("OK", i);
		}
		this.series.record("TRUNCATED", 1000);
		this.series.record("THROTTLED", 5);
		this.series.record("TIMEOUT", 5);
		this.series.record("NO_ANSWER", 5);
		this.now.addAndGet(1000);
		TrafficSeries.Traffic traffic = this.series.snapshot();
		assertThat(traffic.seconds()).hasSize(TrafficSeries.SECONDS);
		TrafficSeries.Second last = traffic.seconds().get(TrafficSeries.SECONDS - 1);
		assertThat(last).isEqualTo(new TrafficSeries.Second(1_000_000L, 101, 1, 2));
		assertThat(traffic.ok()).isEqualTo(101);
		assertThat(traffic.p50Millis()).isEqualTo(51);
		assertThat(traffic.p95Millis()).isEqualTo(96);
		assertThat(traffic.lookupsPerSecond()).isEqualTo(104 / 60.0);
	}

	@Test
	void theCurrentSecondIsLeftOutUntilItIsOver() {
		this.series.record("OK", 10);
		assertThat(this.series.snapshot().ok()).isZero();
	}

	@Test
	void forgetsWhatIsOlderThanAMinuteAndKeepsItsSize() {
		this.series.record("OK", 10);
		this.now.addAndGet(59_999);
		assertThat(this.series.snapshot().ok()).isEqualTo(1);
		this.now.addAndGet(1_001);
		TrafficSeries.Traffic traffic = this.series.snapshot();
		assertThat(traffic.ok()).isZero();
		assertThat(traffic.p50Millis()).isNull();
		// A bucket reused for a later second starts from zero.
		this.series.record("THROTTLED", 1);
		this.now.addAndGet(1000);
		assertThat(this.series.snapshot().seconds().get(TrafficSeries.SECONDS - 1).ok()).isZero();
	}

	@Test
	void keepsABoundedSampleOfLatenciesPerSecond() {
		for (int i = 0; i < 10 * TrafficSeries.LATENCIES_PER_SECOND; i++) {
			this.series.record("OK", 7);
		}
		this.now.addAndGet(1000);
		TrafficSeries.Traffic traffic = this.series.snapshot();
		assertThat(traffic.ok()).isEqualTo(10L * TrafficSeries.LATENCIES_PER_SECOND);
		assertThat(traffic.p95Millis()).isEqualTo(7);
	}
}
