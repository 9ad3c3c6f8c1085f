package dev.dragnet.testbed.bench;

import java.time.Duration;
import java.util.List;

import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WhoisThroughputBenchmarkTests {

	@Test
	void defaultsMeasureOneThenFourProbesOf64SlotsWith150000LinesAfter120000() throws Exception {
		WhoisThroughputBenchmark.Options options = WhoisThroughputBenchmark.Options.parse(new String[0]);
		assertThat(options.lines()).isEqualTo(150_000);
		assertThat(options.probes()).containsExactly(1, 4);
		assertThat(options.probeConcurrency()).isEqualTo(64);
		assertThat(options.clientConcurrency()).isZero();
		assertThat(options.cached()).isTrue();
		assertThat(options.warmUp()).isEqualTo(120_000);
		assertThat(options.serverJvm()).isEmpty();
		assertThat(options.profile()).isNull();
		assertThat(options.profileSampling()).isEqualTo("high");
		assertThat(options.maxTime()).isEqualTo(Duration.ofSeconds(600));
		assertThat(options.probeJvm()).as("the probes run as deployed").containsExactly("-Xmx64m", "-Xms8m", "-Xmn2m",
				"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
	}

	@Test
	void optionsAreRead() throws Exception {
		WhoisThroughputBenchmark.Options options = WhoisThroughputBenchmark.Options.parse(new String[] { "--lines",
				"500", "--probes", "2, 3,8", "--probe-concurrency", "16", "--client-concurrency", "40", "--warm-up",
				"0", "--cached", "false", "--server-jvm", " -Xmx512m  -XX:+UseParallelGC ", "--probe-jvm", "-Xmx128m", "--server-properties",
				"logging.level.dev.dragnet=warn a.b=c", "--profile", "/tmp/x", "--profile-sampling", "max", "--max-time", "30" });
		assertThat(options.lines()).isEqualTo(500);
		assertThat(options.probes()).containsExactly(2, 3, 8);
		assertThat(options.probeConcurrency()).isEqualTo(16);
		assertThat(options.clientConcurrency()).isEqualTo(40);
		assertThat(options.warmUp()).isZero();
		assertThat(options.cached()).isFalse();
		assertThat(options.serverJvm()).containsExactly("-Xmx512m", "-XX:+UseParallelGC");
		assertThat(options.probeJvm()).containsExactly("-Xmx128m");
		assertThat(options.profile()).isEqualTo("/tmp/x");
		assertThat(options.profileSampling()).isEqualTo("max");
		assertThat(WhoisThroughputBenchmark.serverProperties(options)).contains("dragnet.whois.pace.min-interval=0ms",
				"dragnet.whois.default-policy=whois", "logging.level.dev.dragnet=warn", "a.b=c");
		assertThat(options.maxTime()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void badOptionsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--probes", "4,1")).withMessageContaining("ascending");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--probes", "1,,4"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--probes", "0"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--lines", "0")).withMessageContaining("--lines");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--lines", "many"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--cached", "yes"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--profile-sampling", "often"))
			.withMessageContaining("--profile-sampling");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--server-properties", "noequals"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--rate", "10")).withMessageContaining("--rate");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--lines"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("--lines", "5", "--lines", "6"))
			.withMessageContaining("twice");
	}

	@Test
	void missingJarsAreNamed() throws Exception {
		WhoisThroughputBenchmark.Options options = parse("--server-jar", "/nonexistent/server.jar");
		assertThatIllegalArgumentException().isThrownBy(options::ready).withMessageContaining("/nonexistent/server.jar");
	}

	@Test
	void directClientQueriesEveryDomainOnceOnItsOwnConnection() throws Exception {
		try (FakeWhoisServer whois = FakeWhoisServer.start().fallback(WhoisBehaviour.template("Domain Name: %s\r\n"))) {
			List<String> domains = WhoisThroughputBenchmark.domains(50, "t");
			WhoisThroughputBenchmark.Direct direct = WhoisThroughputBenchmark.direct(whois.port(), domains, 8);
			assertThat(direct.ok()).isEqualTo(50);
			assertThat(direct.failed()).isZero();
			assertThat(whois.queries()).containsExactlyInAnyOrderElementsOf(domains);
			assertThat(whois.connectionCount()).isEqualTo(50);
		}
	}

	@Test
	void cpuSecondsOfThisProcessAreReadWhereProcExists() {
		double seconds = ProcCpu.seconds(ProcessHandle.current().pid());
		if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self"))) {
			assertThat(seconds).isPositive();
		}
		else {
			assertThat(seconds).isEqualTo(-1);
		}
		assertThat(ProcCpu.seconds(Long.MAX_VALUE)).isEqualTo(-1);
	}

	private static WhoisThroughputBenchmark.Options parse(String... args) throws Exception {
		return WhoisThroughputBenchmark.Options.parse(args);
	}
}
