package dev.dragnet.testbed.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiveStreamBenchmarkTests {

	@Test
	void theSampleTimerIsReadFromPrometheusText() {
		String body = """
				# HELP dragnet_live_sample_seconds Samples of the status page's state
				# TYPE dragnet_live_sample_seconds summary
				dragnet_live_sample_seconds_count 42
				dragnet_live_sample_seconds_sum 3.5
				# TYPE dragnet_live_sample_seconds_max gauge
				dragnet_live_sample_seconds_max 0.25
				""";
		assertThat(LiveStreamBenchmark.sampleTimer(body)).containsExactly(42, 3.5);
	}

	@Test
	void aServerWithoutTheTimerGivesMinusOne() {
		assertThat(LiveStreamBenchmark.sampleTimer("dragnet_probes{state=\"effective\"} 3\n")).containsExactly(-1, -1);
	}
}
