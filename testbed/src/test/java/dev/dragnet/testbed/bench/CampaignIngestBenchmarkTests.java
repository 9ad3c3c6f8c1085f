package dev.dragnet.testbed.bench;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CampaignIngestBenchmarkTests {

	@Test
	void defaultsAreAThousandProbesOnASlash12AtTheServersBlockSize() {
		CampaignIngestBenchmark.Options options = CampaignIngestBenchmark.Options.parse(new String[0]);
		assertThat(options.probes()).isEqualTo(1000);
		assertThat(options.slots()).isEqualTo(2);
		assertThat(options.addresses()).isEqualTo(1_048_576);
		assertThat(options.blockSize()).as("0: the campaign names none, the server's default applies").isZero();
		assertThat(options.namesEvery()).isEqualTo(4);
		assertThat(options.serverProperties()).isEmpty();
		assertThat(options.profile()).isNull();
		assertThat(options.maxTime()).isEqualTo(Duration.ofSeconds(1800));
	}

	@Test
	void optionsAreRead() {
		CampaignIngestBenchmark.Options options = CampaignIngestBenchmark.Options.parse(new String[] { "--probes", "32",
				"--slots", "4", "--addresses", "65536", "--block-size", "4096", "--names-every", "2",
				"--server-properties", "dragnet.probes.ping-interval=60s a.b=c", "--profile", "/tmp/i.jfr" });
		assertThat(options.probes()).isEqualTo(32);
		assertThat(options.slots()).isEqualTo(4);
		assertThat(options.addresses()).isEqualTo(65_536);
		assertThat(options.blockSize()).isEqualTo(4096);
		assertThat(options.namesEvery()).isEqualTo(2);
		assertThat(options.serverProperties()).containsExactly("dragnet.probes.ping-interval=60s", "a.b=c");
		assertThat(options.profile()).isEqualTo("/tmp/i.jfr");
	}

	@Test
	void badOptionsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CampaignIngestBenchmark.Options.parse(new String[] {
				"--probes", "0" })).withMessageContaining("--probes");
		assertThatIllegalArgumentException().isThrownBy(() -> CampaignIngestBenchmark.Options.parse(new String[] {
				"--addresses", "99999999" })).withMessageContaining("--addresses");
		assertThatIllegalArgumentException().isThrownBy(() -> CampaignIngestBenchmark.Options.parse(new String[] {
				"--lines", "5" })).withMessageContaining("unknown option --lines");
		assertThatIllegalArgumentException().isThrownBy(() -> CampaignIngestBenchmark.Options.parse(new String[] {
				"--server-properties", "novalue" })).withMessageContaining("name=value");
	}

	@Test
	void theRuleGivesOneToThreeDistinctNamesToAboutOneAddressInN() {
		long named = 0;
		for (long address = CampaignIngestBenchmark.FIRST; address < CampaignIngestBenchmark.FIRST + 40_000; address++) {
			List<String> names = CampaignIngestBenchmark.names(address, 4);
			assertThat(names).hasSizeLessThanOrEqualTo(3).doesNotHaveDuplicates();
			assertThat(CampaignIngestBenchmark.names(address, 4)).as("the same every time").isEqualTo(names);
			named += names.isEmpty() ? 0 : 1;
		}
		assertThat(named).isBetween(9_000L, 11_000L);
		Set<String> all = new HashSet<>(CampaignIngestBenchmark.names(CampaignIngestBenchmark.FIRST + 1, 1));
		all.retainAll(CampaignIngestBenchmark.names(CampaignIngestBenchmark.FIRST + 2, 1));
		assertThat(all).as("no name on two addresses").isEmpty();
	}
}
