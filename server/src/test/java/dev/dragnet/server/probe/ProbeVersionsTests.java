package dev.dragnet.server.probe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeVersionsTests {

	@Test
	void versionsCompareByTheirNumbers() {
		assertThat(ProbeVersions.atLeast("anything", null)).isTrue();
		assertThat(ProbeVersions.atLeast("0.2.0", "0.2")).isTrue();
		assertThat(ProbeVersions.atLeast("0.10.0", "0.9.5")).isTrue();
		assertThat(ProbeVersions.atLeast("1.0.0-SNAPSHOT", "1.0")).isTrue();
		assertThat(ProbeVersions.atLeast("0.9.7", "1.0")).isFalse();
		assertThat(ProbeVersions.atLeast("0.1.0-SNAPSHOT", "0.1.1")).isFalse();
	}

	@Test
	void aVersionWithoutANumberIsTooOldForAnyMinimum() {
		assertThat(ProbeVersions.atLeast("dev", "0.0.1")).isFalse();
		assertThat(ProbeVersions.atLeast(null, "0.0.1")).isFalse();
	}
}
