package dev.dragnet.testbed.bench;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import dev.dragnet.testbed.whois.ClientRateLimit;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A bulk of {@code lines} domains of one registry through the server and {@code probes} probe processes. The
 * fake registry answers after {@code latency} and allows each source address {@code rate} queries a second
 * (a token bucket of {@code burst}); over that it sends a throttle notice. Each probe leaves from its own
 * loopback address ({@code --bind-address 127.0.0.N}), so the registry counts each apart, as a real one counts
 * each cafe PC. The server's pace for the registry is the registry's real interval divided by
 * {@code pace-factor}: 1 is "set right", 2 is "twice too fast", which the server must learn its way out of.
 *
 * <p>The bound is {@code probes x rate}. Throughput is measured over all lines and over the second half of the
 * answers (after learning).
 */
final class WhoisPacingBenchmark {

	/** A throttle notice with no named wait (.nl's words), so the server has to learn the rate. */
	static final String NOTICE = "maximum number of requests per second exceeded\r\n";

	static final String RECORD = """
			Domain Name: %s\r
			Registry Domain ID: 1_BENCH\r
			Registrar: Bench Registrar\r
			Creation Date: 2020-01-01T00:00:00Z\r
			Registry Expiry Date: 2030-01-01T00:00:00Z\r
			Domain Status: ok https://icann.org/epp#ok\r
			Name Server: ns1.bench.example\r
			""";

	private WhoisPacingBenchmark() {
	}

	static void run(Options options) throws Exception {
		ClientRateLimit limit = ClientRateLimit.of(options.rate, options.burst);
		WhoisBehaviour registry = WhoisBehaviour.delayed(options.latency,
				WhoisBehaviour.perClient(limit, WhoisBehaviour.template(RECORD), WhoisBehaviour.text(NOTICE)));
		Duration pace = Duration.ofNanos((long) (limit.interval().toNanos() / options.paceFactor));
		System.out.printf(Locale.ROOT, "whois-pacing: %d lines, %d probes, registry %s after %d ms, server pace %d ms "
				+ "(factor %.1f), work dir %s%n", options.lines, options.probes, limit, options.latency.toMillis(),
				pace.toMillis(), options.paceFactor, options.workDir);
		try (FakeWhoisServer whois = FakeWhoisServer.start().fallback(registry);
				Fleet fleet = Fleet.startServer(options.serverJar, options.workDir, serverProperties(pace))) {
			HttpResponse<String> routed = fleet.send("PUT", "/api/whois-servers/bench", "application/json",
					"{\"host\":\"127.0.0.1\",\"port\":" + whois.port() + ",\"queryFormat\":\"%s\"}");
			if (routed.statusCode() != 200) {
				throw new IOException("could not route .bench to the fake: " + routed.statusCode() + " " + routed.body());
			}
			for (int i = 0; i < options.probes; i++) {
				fleet.startProbe(options.probeJar, "bench-probe-" + (i + 1), List.of("--allow-private-servers",
						"--concurrency", Integer.toString(options.concurrency), "--bind-address", "127.0.0." + (i + 10)));
			}
			fleet.awaitEffectiveProbes(options.probes, Duration.ofMinutes(1));
			Tally tally = bulk(fleet, options);
			report(options, limit, tally);
		}
	}

	private static List<String> serverProperties(Duration pace) {
		return List.of("dragnet.whois.allow-private-servers=true",
				"dragnet.whois.suffix-pace[bench].min-interval=" + pace.toMillis() + "ms",
				"dragnet.whois.suffix-pace[bench].max-connections=2", "dragnet.rdap.refresh-enabled=false",
				"logging.level.dev.dragnet=warn");
	}

	private static Tally bulk(Fleet fleet, Options options) throws IOException, InterruptedException {
		String run = Long.toString(System.currentTimeMillis(), 36);
		StringBuilder body = new StringBuilder(options.lines * 24);
		for (int i = 1; i <= options.lines; i++) {
			body.append('d').append(i).append('-').append(run).append(".bench\n");
		}
		HttpRequest request = HttpRequest.newBuilder(fleet.uri("/api/whois/bulk"))
			.POST(HttpRequest.BodyPublishers.ofString(body.toString()))
			.header("Content-Type", "text/plain")
			.header("Accept", "application/x-ndjson")
			.timeout(options.maxTime)
			.build();
		Tally tally = new Tally(System.nanoTime());
		HttpResponse<Stream<String>> response = fleet.http().send(request, HttpResponse.BodyHandlers.ofLines());
		if (response.statusCode() != 200) {
			throw new IOException("bulk answered " + response.statusCode());
		}
		try (Stream<String> lines = response.body()) {
			lines.filter((line) -> !line.isBlank()).forEach(tally::add);
		}
		return tally;
	}

	private static void report(Options options, ClientRateLimit limit, Tally tally) {
		double bound = options.probes * options.rate;
		double all = tally.throughput(0);
		double after = tally.throughput(tally.answers() / 2);
		System.out.printf(Locale.ROOT, "%nwhois-pacing result (pace factor %.1f)%n", options.paceFactor);
		System.out.printf(Locale.ROOT, "| answers | %d of %d lines in %.1f s |%n", tally.answers(), options.lines,
				tally.seconds());
		System.out.printf(Locale.ROOT, "| bound (probes x allowed rate) | %.1f lookups/s |%n", bound);
		System.out.printf(Locale.ROOT, "| throughput, all lines | %.1f lookups/s = %.1f%% of the bound |%n", all,
				100 * all / bound);
		System.out.printf(Locale.ROOT, "| throughput, second half of the answers | %.1f lookups/s = %.1f%% of the bound |%n",
				after, 100 * after / bound);
		System.out.printf(Locale.ROOT, "| error lines | %d %s |%n", tally.errors(), tally.errorTypes());
		System.out.printf(Locale.ROOT, "| throttle notices returned as data | %d |%n", tally.throttledAsData());
		System.out.printf(Locale.ROOT, "| throttle notices the registry sent | %d (of %d queries; %d answered) |%n",
				limit.refused(), limit.refused() + limit.allowed(), limit.allowed());
		System.out.printf(Locale.ROOT, "| source addresses the registry saw | %d |%n", limit.clients());
	}

	/** What came back, line by line, with the time of each answer. */
	private static final class Tally {

		private final JsonMapper json = JsonMapper.builder().build();

		private final long started;

		private final List<Long> times = new ArrayList<>();

		private final Map<String, Integer> errorTypes = new HashMap<>();

		private int errors;

		private int throttledAsData;

		Tally(long started) {
			this.started = started;
		}

		void add(String line) {
			this.times.add(System.nanoTime());
			JsonNode answer = this.json.readTree(line);
			if (answer.has("error")) {
				this.errors++;
				this.errorTypes.merge(answer.path("error").path("type").asString("?"), 1, Integer::sum);
				return;
			}
			JsonNode result = answer.path("result");
			String text = result.path("text").asString("");
			if ("THROTTLED".equals(result.path("outcome").asString("")) || text.contains(NOTICE.strip())) {
				this.throttledAsData++;
			}
		}

		int answers() {
			return this.times.size();
		}

		int errors() {
			return this.errors;
		}

		int throttledAsData() {
			return this.throttledAsData;
		}

		Map<String, Integer> errorTypes() {
			return this.errorTypes;
		}

		double seconds() {
			return this.times.isEmpty() ? 0 : (this.times.get(this.times.size() - 1) - this.started) / 1e9;
		}

		/** Answers per second from the answer at {@code from} (0: from the request) to the last. */
		double throughput(int from) {
			if (this.times.size() <= from + 1) {
				return 0;
			}
			long start = (from == 0) ? this.started : this.times.get(from);
			long end = this.times.get(this.times.size() - 1);
			int counted = this.times.size() - from;
			return counted / ((end - start) / 1e9);
		}
	}

	/** What to run, from {@code --name value} options. */
	record Options(Path serverJar, Path probeJar, int lines, int probes, double rate, int burst, Duration latency,
			double paceFactor, int concurrency, Path workDir, Duration maxTime) {

		static final String USAGE = """

				Options:
				  --server-jar PATH    the server jar (default server/target/dragnet-server.jar)
				  --probe-jar PATH     the probe jar (default probe-agent/target/dragnet-probe.jar)
				  --lines N            bulk lines, one domain each (default 4000)
				  --probes N           probe processes, each from its own loopback address (default 4)
				  --rate R             queries a second the registry allows each address (default 10)
				  --burst N            queries an address may send at once after a pause (default 2)
				  --latency MS         the registry's answer time in milliseconds (default 50)
				  --pace-factor F      server pace = the registry's interval / F: 1 set right, 2 twice too fast (default 1)
				  --concurrency N      each probe's concurrency (default 16)
				  --work-dir PATH      logs and the embedded database (default a new temporary directory)
				  --max-time SECONDS   give up on the bulk after this long (default 1800)""";

		private static final List<String> NAMES = List.of("server-jar", "probe-jar", "lines", "probes", "rate", "burst",
				"latency", "pace-factor", "concurrency", "work-dir", "max-time");

		static Options parse(String[] args) throws IOException {
			Map<String, String> given = BenchArguments.given(args, NAMES);
			Options options = new Options(Path.of(given.getOrDefault("server-jar", "server/target/dragnet-server.jar")),
					Path.of(given.getOrDefault("probe-jar", "probe-agent/target/dragnet-probe.jar")),
					BenchArguments.number(given, "lines", 4000, 1, 1_000_000),
					BenchArguments.number(given, "probes", 4, 1, 200), Double.parseDouble(given.getOrDefault("rate", "10")),
					BenchArguments.number(given, "burst", 2, 1, 10_000),
					Duration.ofMillis(BenchArguments.number(given, "latency", 50, 1, 60_000)),
					Double.parseDouble(given.getOrDefault("pace-factor", "1")),
					BenchArguments.number(given, "concurrency", 16, 1, 1024),
					given.containsKey("work-dir") ? Path.of(given.get("work-dir"))
							: Files.createTempDirectory("dragnet-bench-"),
					Duration.ofSeconds(BenchArguments.number(given, "max-time", 1800, 1, 86_400)));
			if (!Files.isRegularFile(options.serverJar) || !Files.isRegularFile(options.probeJar)) {
				throw new IllegalArgumentException("no jar at " + options.serverJar + " or " + options.probeJar
						+ " (build with mvn -B -DskipTests package)");
			}
			if (options.probes > 200 || !(options.rate > 0) || !(options.paceFactor > 0)) {
				throw new IllegalArgumentException("need 1..200 probes, a positive rate and a positive pace factor");
			}
			return options;
		}
	}
}
