package dev.dragnet.testbed.bench;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class FleetHeapBenchmarkTests {

	@Test
	void defaultsMeasureTenThenFiftyThousandSessionsInAGigabyte() throws Exception {
		FleetHeapBenchmark.Options options = FleetHeapBenchmark.Options.parse(new String[0]);
		assertThat(options.sessions()).containsExactly(10_000, 50_000);
		assertThat(options.serverHeap()).isEqualTo("1g");
		assertThat(options.pingInterval()).isEqualTo(Duration.ofSeconds(10));
		assertThat(options.missedPings()).isEqualTo(2);
		assertThat(options.top()).isEqualTo(20);
	}

	@Test
	void optionsAreRead() throws Exception {
		FleetHeapBenchmark.Options options = FleetHeapBenchmark.Options.parse(new String[] { "--sessions", "100, 2000",
				"--server-heap", "768m", "--ping-interval", "3", "--missed-pings", "4", "--top", "5", "--heap-dump", "fleet.hprof" });
		assertThat(options.sessions()).containsExactly(100, 2000);
		assertThat(options.serverHeap()).isEqualTo("768m");
		assertThat(options.pingInterval()).isEqualTo(Duration.ofSeconds(3));
		assertThat(options.missedPings()).isEqualTo(4);
		assertThat(options.top()).isEqualTo(5);
		assertThat(options.heapDump()).isEqualTo(Path.of("fleet.hprof"));
	}

	@Test
	void badOptionsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--sessions", "500,100"))
			.withMessageContaining("ascending");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--sessions", "0"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--server-heap", "lots"))
			.withMessageContaining("--server-heap");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--ping-interval", "-1"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--probes", "10"))
			.withMessageContaining("--probes");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--top", "1", "--top", "2"))
			.withMessageContaining("twice");
	}

	@Test
	void aClassHistogramIsReadIntoBytesByClassAndItsTotal() {
		FleetHeapBenchmark.Heap heap = FleetHeapBenchmark.histogram("""
				12345:
				 num     #instances         #bytes  class name (module)
				-------------------------------------------------------
				   1:         40000        3200000  [B (java.base@17.0.15)
				   2:         10000         480000  java.util.concurrent.ConcurrentHashMap$Node (java.base@17.0.15)
				   3:             2             64  dev.dragnet.server.probe.ProbeSession
				Total         50002        3680064
				""");
		assertThat(heap.live()).isEqualTo(3_680_064);
		assertThat(heap.classes()).containsOnlyKeys("[B", "java.util.concurrent.ConcurrentHashMap$Node",
				"dev.dragnet.server.probe.ProbeSession");
		assertThat(heap.classes().get("[B")).containsExactly(40_000, 3_200_000);
	}

	@Test
	void aHistogramWithoutItsTotalIsAnError() {
		assertThatIllegalStateException().isThrownBy(() -> FleetHeapBenchmark.histogram("jcmd: no such process"));
	}

	private static FleetHeapBenchmark.Options parse(String... args) throws Exception {
		return FleetHeapBenchmark.Options.parse(args);
	}
}
