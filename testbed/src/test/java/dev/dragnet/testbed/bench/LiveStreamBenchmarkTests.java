package dev.dragnet.testbed.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

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

	@Test
	void optionsAreCheckedAsEveryBenchmarkChecksThem() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> LiveStreamBenchmark.Options.parse(new String[] { "--probs", "5" }))
			.withMessageContaining("unknown option --probs");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> LiveStreamBenchmark.Options.parse(new String[] { "--probes", "0" }))
			.withMessageContaining("--probes must be a whole number from 1 to 15000");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> LiveStreamBenchmark.Options.parse(new String[] { "--seconds", "5", "--seconds", "6" }))
			.withMessageContaining("given twice");
	}
}
