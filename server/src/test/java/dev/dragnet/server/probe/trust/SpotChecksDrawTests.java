package dev.dragnet.server.probe.trust;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpotChecksDrawTests {

	@Test
	void anAnswerIsDrawnTheSameWayAtEveryCall() {
		List<Object> answers = new ArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			answers.add(new Object());
		}
		for (Object answer : answers) {
			boolean first = SpotChecks.drawn(answer, 42, 0.3);
			for (int call = 0; call < 3; call++) {
				assertThat(SpotChecks.drawn(answer, 42, 0.3)).isEqualTo(first);
			}
		}
	}

	@Test
	void theShareDrawnIsTheShareAsked() {
		for (double share : new double[] { 0.02, 0.3, 0.9 }) {
			int drawn = 0;
			int n = 100_000;
			for (int i = 0; i < n; i++) {
				if (SpotChecks.drawn(new Object(), 7, share)) {
					drawn++;
				}
			}
			// Binomial: the standard deviation is at most 0.0016 of n here; five of them either way.
			assertThat(drawn / (double) n).as("share %s", share).isBetween(share - 0.008, share + 0.008);
		}
	}

	@Test
	void noneAndAllAreExact() {
		Object answer = new Object();
		assertThat(SpotChecks.drawn(answer, 1, 0)).isFalse();
		assertThat(SpotChecks.drawn(answer, 1, 1)).isTrue();
	}
}
