package dev.dragnet.testbed.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ProbeFootprintBenchmarkTests {

	@Test
	void defaultsStartTheProbeAsTheReadmeDoesWith64SlotsAndASlowRegistry() {
		ProbeFootprintBenchmark.Options options = ProbeFootprintBenchmark.Options.parse(new String[0]);
		assertThat(options.probeJvms()).containsExactly(List.of(ProbeFootprintBenchmark.USER_JVM.split(" ")));
		assertThat(options.concurrency()).isEqualTo(64);
		assertThat(options.lines()).isEqualTo(4000);
		assertThat(options.answerDelay()).isEqualTo(Duration.ofMillis(1000));
		assertThat(options.answerBytes()).isEqualTo(4096);
		assertThat(options.idle()).isEqualTo(Duration.ofSeconds(30));
		assertThat(options.starts()).isEqualTo(3);
		assertThat(options.warmUp()).isEqualTo(2000);
		assertThat(options.diagnose()).isFalse();
		assertThat(options.workDir()).isNull();
	}

	@Test
	void optionsAreRead() {
		ProbeFootprintBenchmark.Options options = parse("--probe-jvm", "-Xmx64m -XX:+UseSerialGC ; defaults;-Xss256k",
				"--concurrency", "32", "--lines", "500", "--answer-delay", "250", "--answer-bytes", "1000", "--idle", "5",
				"--starts", "1", "--warm-up", "0", "--diagnose", "true", "--max-time", "30");
		assertThat(options.probeJvms()).containsExactly(List.of("-Xmx64m", "-XX:+UseSerialGC"), List.of(),
				List.of("-Xss256k"));
		assertThat(options.concurrency()).isEqualTo(32);
		assertThat(options.lines()).isEqualTo(500);
		assertThat(options.answerDelay()).isEqualTo(Duration.ofMillis(250));
		assertThat(options.answerBytes()).isEqualTo(1000);
		assertThat(options.idle()).isEqualTo(Duration.ofSeconds(5));
		assertThat(options.starts()).isEqualTo(1);
		assertThat(options.warmUp()).isZero();
		assertThat(options.diagnose()).isTrue();
		assertThat(options.maxTime()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void aSetOfOptionsMayNameAnotherProbeJar() {
		List<List<String>> sets = ProbeFootprintBenchmark.Options
			.jvmSets("jar=/tmp/before/dragnet-probe.jar -Xmx64m; jar=/tmp/b.jar defaults; -Xmx64m");
		assertThat(sets).containsExactly(List.of("jar=/tmp/before/dragnet-probe.jar", "-Xmx64m"),
				List.of("jar=/tmp/b.jar"), List.of("-Xmx64m"));
		Path fallback = Path.of("probe-agent/target/dragnet-probe.jar");
		assertThat(ProbeFootprintBenchmark.jar(sets.get(0), fallback)).isEqualTo(Path.of("/tmp/before/dragnet-probe.jar"));
		assertThat(ProbeFootprintBenchmark.jar(sets.get(2), fallback)).isEqualTo(fallback);
		assertThat(ProbeFootprintBenchmark.label(sets.get(0))).isEqualTo("dragnet-probe.jar: -Xmx64m");
		assertThat(ProbeFootprintBenchmark.label(sets.get(1))).isEqualTo("b.jar: (JVM defaults)");
		assertThat(ProbeFootprintBenchmark.label(sets.get(2))).isEqualTo("-Xmx64m");
	}

	@Test
	void badOptionsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--probe-jvm", "jar= -Xmx64m"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--probe-jvm", "-Xmx64m jar=/tmp/x.jar"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--probe-jvm", "-Xmx64m;;-Xss1m"))
			.withMessageContaining("defaults");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--probe-jvm", "Xmx64m"))
			.withMessageContaining("'-'");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--concurrency", "0"))
			.withMessageContaining("--concurrency");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--concurrency", "2000"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--idle", "soon"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--diagnose", "yes"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--rate", "1")).withMessageContaining("--rate");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--lines"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--idle", "5", "--idle", "6"))
			.withMessageContaining("twice");
	}

	@Test
	void missingJarsAreNamed() {
		ProbeFootprintBenchmark.Options options = parse("--probe-jar", "/nonexistent/probe.jar");
		assertThatIllegalArgumentException().isThrownBy(options::ready).withMessageContaining("/nonexistent/probe.jar");
	}

	@Test
	void theRegistryAnswerIsTheBenchRecordPaddedToAboutTheSizeAsked() {
		String record = ProbeFootprintBenchmark.record(4096);
		assertThat(record).startsWith(WhoisPacingBenchmark.RECORD).hasSizeBetween(3900, 4096);
		assertThat(ProbeFootprintBenchmark.record(10)).isEqualTo(WhoisPacingBenchmark.RECORD);
	}

	@Test
	void nativeMemorySummaryIsShortenedToTheCategoriesOfAMegabyteOrMore() {
		String summary = """
				Native Memory Tracking:

				Total: reserved=1423442KB, committed=85758KB
				       malloc: 14380KB #120021
				       mmap:   reserved=1409062KB, committed=71378KB

				-                 Java Heap (reserved=65536KB, committed=24576KB)
				                            (mmap: reserved=65536KB, committed=24576KB)\s

				-                     Class (reserved=1050248KB, committed=5896KB)
				                            (classes #6012)
				-                    Thread (reserved=20580KB, committed=1080KB)
				-                   Symbol (reserved=1024KB, committed=512KB)
				""";
		assertThat(ProbeFootprintBenchmark.committed(summary))
			.isEqualTo("Total 83.7, Java Heap 24.0, Class 5.8, Thread 1.1");
	}

	private static ProbeFootprintBenchmark.Options parse(String... args) {
		return ProbeFootprintBenchmark.Options.parse(args);
	}
}
