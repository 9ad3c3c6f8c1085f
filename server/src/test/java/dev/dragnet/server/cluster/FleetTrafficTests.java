package dev.dragnet.server.cluster;

import java.util.List;

import dev.dragnet.server.dispatch.TrafficSeries;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FleetTrafficTests {

	@Test
	void instancesLastMinutesAddUpSecondBySecond() {
		TrafficSeries.Traffic a = new TrafficSeries.Traffic(
				List.of(new TrafficSeries.Second(100, 3, 1, 0), new TrafficSeries.Second(101, 2, 0, 1)), 2.5, 5, 1, 1, 40L,
				90L);
		TrafficSeries.Traffic b = new TrafficSeries.Traffic(
				List.of(new TrafficSeries.Second(101, 4, 0, 0), new TrafficSeries.Second(102, 1, 0, 0)), 2.0, 15, 0, 0, 20L,
				300L);
		TrafficSeries.Traffic merged = FleetStatistics.mergeTraffic(List.of(a, b));
		assertThat(merged.seconds()).containsExactly(new TrafficSeries.Second(100, 3, 1, 0),
				new TrafficSeries.Second(101, 6, 0, 1), new TrafficSeries.Second(102, 1, 0, 0));
		assertThat(merged.lookupsPerSecond()).isEqualTo(4.5);
		assertThat(merged.ok()).isEqualTo(20);
		assertThat(merged.throttled()).isEqualTo(1);
		assertThat(merged.failed()).isEqualTo(1);
		assertThat(merged.p50Millis()).as("weighted by successes: (40*5 + 20*15) / 20").isEqualTo(25L);
		assertThat(merged.p95Millis()).as("the highest").isEqualTo(300L);
	}

	@Test
	void oneInstanceIsItsOwnFleet() {
		TrafficSeries.Traffic only = new TrafficSeries.Traffic(List.of(), 0, 0, 0, 0, null, null);
		assertThat(FleetStatistics.mergeTraffic(List.of(only))).isSameAs(only);
	}
}
