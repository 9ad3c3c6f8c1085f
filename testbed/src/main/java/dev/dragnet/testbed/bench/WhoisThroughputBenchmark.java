package dev.dragnet.testbed.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dragnet's own cost per WHOIS lookup (issue 12): a bulk of {@code lines} distinct domains through the server jar
 * and {@code probes} probe jars to a fake registry that answers every query with a small record at once and
 * limits no one, with the server's pace off. The bound is a direct client on this machine querying the same fake
 * over TCP at the same concurrency (the probes' slots together), one new connection per lookup as a probe makes.
 *
 * <p>For each probe count (ascending; probes are added to the same server) it measures the direct client, the
 * bulk (every lookup a cache miss), and the same bulk again (every lookup a cache hit), with the CPU seconds the
 * server, its PostgreSQL, the probes and this JVM (the fake and the clients) spent on each. Nothing here asserts a
 * time.
 */
final class WhoisThroughputBenchmark {

	static final String SUFFIX = "bench";

	private WhoisThroughputBenchmark() {
	}

	static void run(Options options) throws Exception {
		System.out.printf(Locale.ROOT, "whois-throughput: %d lines, probes %s of %d slots, %d cores, load %.2f, work dir %s%n",
				options.lines, options.probes, options.probeConcurrency, Runtime.getRuntime().availableProcessors(),
				ProcCpu.loadAverage(), options.workDir);
		try (FakeWhoisServer whois = FakeWhoisServer.start().fallback(WhoisBehaviour.template(WhoisPacingBenchmark.RECORD));
				Fleet fleet = Fleet.startServer(options.serverJar, options.workDir, options.serverJvm,
						serverProperties(options))) {
			HttpResponse<String> routed = fleet.send("PUT", "/api/whois-servers/" + SUFFIX, "application/json",
					"{\"host\":\"127.0.0.1\",\"port\":" + whois.port() + ",\"queryFormat\":\"%s\"}");
			if (routed.statusCode() != 200) {
				throw new IOException("could not route ." + SUFFIX + " to the fake: " + routed.statusCode() + " "
						+ routed.body());
			}
			FleetMeter meter = new FleetMeter(fleet);
			List<String> report = new ArrayList<>();
			int started = 0;
			for (int probes : options.probes) {
				for (; started < probes; started++) {
					fleet.startProbe(options.probeJar, "bench-probe-" + (started + 1), options.probeJvm,
							List.of("--allow-private-servers", "--concurrency", Integer.toString(options.probeConcurrency)));
				}
				fleet.awaitEffectiveProbes(probes, Duration.ofMinutes(1));
				int concurrency = (options.clientConcurrency > 0) ? options.clientConcurrency
						: probes * options.probeConcurrency;
				if (options.warmUp > 0) {
					// before each probe count, not only the first: the probes just started compile their hot paths
					// in the first thousands of tasks, as the direct client does in its first lookups
					direct(whois.port(), domains(options.warmUp, "wc" + probes), concurrency);
					Tally warm = bulk(fleet, domains(options.warmUp, "w" + probes), options.maxTime);
					System.out.printf(Locale.ROOT, "warm-up, %d probes: %d lines, %d answers, %.0f lookups/s%n", probes,
							options.warmUp, warm.answers(), warm.throughput());
				}
				report.add(measure(options, fleet, whois, meter, probes, concurrency));
			}
			System.out.println();
			System.out.println("whois-throughput result (CPU: milliseconds per lookup; JIT: the part of the server's and "
					+ "the probes' CPU their JIT compiler threads spent; machine: busy share of all cores)");
			System.out.println("| probes | run | lookups/s | of direct | answers | CPU server | CPU PostgreSQL | CPU probes "
					+ "| CPU bench JVM (fake, client) | of which JIT: server / probes | machine |");
			System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
			report.forEach(System.out::print);
		}
	}

	private static String measure(Options options, Fleet fleet, FakeWhoisServer whois, FleetMeter meter, int probes,
			int concurrency) throws Exception {
		String tag = "p" + probes + "-" + Long.toString(System.currentTimeMillis(), 36);
		StringBuilder rows = new StringBuilder();

		FleetMeter.Snapshot before = meter.snapshot();
		long start = System.nanoTime();
		Direct direct = direct(whois.port(), domains(options.lines, "c" + tag), concurrency);
		double directRate = direct.ok / ((System.nanoTime() - start) / 1e9);
		rows.append(row(probes, "direct client, " + concurrency + " at once", directRate, directRate,
				direct.ok + " ok, " + direct.failed + " failed", meter.since(before), direct.ok));
		System.out.printf(Locale.ROOT, "%d probes: direct client %.0f lookups/s%n", probes, directRate);

		List<String> domains = domains(options.lines, "d" + tag);
		Path profile = (options.profile != null) ? Path.of(options.profile + "-p" + probes + ".jfr") : null;
		if (profile != null) {
			String sampling = "method-profiling=" + options.profileSampling;
			Jcmd.tryRun(fleet.serverPid(), "JFR.start", "name=bench", "settings=profile", sampling,
					"filename=" + profile.toAbsolutePath());
			List<Long> probePids = fleet.probePids();
			for (int i = 0; i < probePids.size(); i++) {
				Jcmd.tryRun(probePids.get(i), "JFR.start", "name=bench", "settings=profile", sampling, "filename="
						+ Path.of(options.profile + "-p" + probes + "-probe" + (i + 1) + ".jfr").toAbsolutePath());
			}
		}
		before = meter.snapshot();
		Tally fresh = bulk(fleet, domains, options.maxTime);
		FleetMeter.Usage freshUsage = meter.since(before);
		if (profile != null) {
			Jcmd.tryRun(fleet.serverPid(), "JFR.stop", "name=bench");
			for (long pid : fleet.probePids()) {
				Jcmd.tryRun(pid, "JFR.stop", "name=bench");
			}
		}
		rows.append(row(probes, "Dragnet, new domains (cache misses)", fresh.throughput(), directRate,
				fresh.summary(options.lines), freshUsage, fresh.answers()));
		System.out.printf(Locale.ROOT, "%d probes: Dragnet %.0f lookups/s (%s)%n", probes, fresh.throughput(),
				fresh.summary(options.lines));

		if (options.cached) {
			before = meter.snapshot();
			Tally again = bulk(fleet, domains, options.maxTime);
			rows.append(row(probes, "Dragnet, same domains again (cache hits)", again.throughput(), directRate,
					again.summary(options.lines), meter.since(before), again.answers()));
			System.out.printf(Locale.ROOT, "%d probes: Dragnet again %.0f lookups/s (%s)%n", probes, again.throughput(),
					again.summary(options.lines));
		}
		return rows.toString();
	}

	private static String row(int probes, String run, double rate, double directRate, String answers, FleetMeter.Usage usage,
			long lookups) {
		return String.format(Locale.ROOT, "| %d | %s | %.0f | %.2f | %s | %s | %s | %s | %s | %s / %s | %s |%n", probes, run,
				rate, rate / directRate, answers, perLookup(usage.server(), lookups), perLookup(usage.postgres(), lookups),
				perLookup(usage.probes(), lookups), perLookup(usage.bench(), lookups),
				perLookup(usage.serverJit(), lookups), perLookup(usage.probesJit(), lookups),
				(usage.machineBusy() < 0) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * usage.machineBusy()));
	}

	private static String perLookup(double seconds, long lookups) {
		return (seconds < 0 || lookups == 0) ? "n/a" : String.format(Locale.ROOT, "%.2f", 1000 * seconds / lookups);
	}

	static List<String> serverProperties(Options options) {
		List<String> properties = new ArrayList<>(List.of("dragnet.whois.allow-private-servers=true",
				"dragnet.whois.default-policy=whois", "dragnet.whois.pace.min-interval=0ms",
				"dragnet.whois.pace.max-connections=1024", "dragnet.rdap.refresh-enabled=false"));
		properties.addAll(options.serverProperties);
		return properties;
	}

	static List<String> domains(int count, String tag) {
		List<String> domains = new ArrayList<>(count);
		for (int i = 1; i <= count; i++) {
			domains.add(tag + "-" + i + "." + SUFFIX);
		}
		return domains;
	}

	/** Queries {@code domains} directly, {@code concurrency} at once, each on a new connection as a probe does. */
	static Direct direct(int port, List<String> domains, int concurrency) throws Exception {
		AtomicInteger next = new AtomicInteger();
		LongAdder ok = new LongAdder();
		LongAdder failed = new LongAdder();
		InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
		ExecutorService pool = Executors.newFixedThreadPool(concurrency, (task) -> {
			Thread thread = new Thread(task, "direct-whois-client");
			thread.setDaemon(true);
			return thread;
		});
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int i = 0; i < concurrency; i++) {
				workers.add(pool.submit(() -> {
					byte[] buffer = new byte[8192];
					for (int at = next.getAndIncrement(); at < domains.size(); at = next.getAndIncrement()) {
						if (query(address, domains.get(at), buffer) > 0) {
							ok.increment();
						}
						else {
							failed.increment();
						}
					}
				}));
			}
			for (Future<?> worker : workers) {
				worker.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		return new Direct(ok.sum(), failed.sum());
	}

	/** One query: the answer's length in bytes, or -1 when it failed. */
	private static int query(InetSocketAddress address, String domain, byte[] buffer) {
		try (Socket socket = new Socket()) {
			socket.connect(address, 5000);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write((domain + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			int total = 0;
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				total += read;
			}
			return total;
		}
		catch (IOException ex) {
			return -1;
		}
	}

	static Tally bulk(Fleet fleet, List<String> domains, Duration maxTime)
			throws IOException, InterruptedException {
		StringBuilder body = new StringBuilder(domains.size() * 24);
		domains.forEach((domain) -> body.append(domain).append('\n'));
		HttpRequest request = HttpRequest.newBuilder(fleet.uri("/api/whois/bulk"))
			.POST(HttpRequest.BodyPublishers.ofString(body.toString()))
			.header("Content-Type", "text/plain")
			.header("Accept", "application/x-ndjson")
			.timeout(maxTime)
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

	record Direct(long ok, long failed) {
	}

	/** What a bulk answered: counts, and the time from the request to the last answer. */
	static final class Tally {

		private final JsonMapper json = JsonMapper.builder().build();

		private final long started;

		private long last;

		private int answers;

		private int cached;

		private final Map<String, Integer> problems = new TreeMap<>();

		Tally(long started) {
			this.started = started;
			this.last = started;
		}

		void add(String line) {
			this.last = System.nanoTime();
			this.answers++;
			JsonNode answer = this.json.readTree(line);
			if (answer.has("error")) {
				this.problems.merge("error " + answer.path("error").path("type").asString("?"), 1, Integer::sum);
				return;
			}
			JsonNode result = answer.path("result");
			if (result.path("cached").asBoolean(false)) {
				this.cached++;
			}
			String outcome = result.path("outcome").asString("?");
			if (!"OK".equals(outcome)) {
				this.problems.merge("outcome " + outcome, 1, Integer::sum);
			}
		}

		int answers() {
			return this.answers;
		}

		double throughput() {
			return (this.answers == 0) ? 0 : this.answers / ((this.last - this.started) / 1e9);
		}

		String summary(int lines) {
			return this.answers + " of " + lines + " (" + this.cached + " cached"
					+ (this.problems.isEmpty() ? "" : ", " + this.problems) + ")";
		}
	}

	/** What to run, from {@code --name value} options. */
	record Options(Path serverJar, Path probeJar, int lines, List<Integer> probes, int probeConcurrency,
			int clientConcurrency, int warmUp, boolean cached, List<String> serverJvm, List<String> probeJvm,
			List<String> serverProperties, String profile, String profileSampling, Path workDir, Duration maxTime) {

		static final String USAGE = """

				Options:
				  --server-jar PATH        the server jar (default server/target/dragnet-server.jar)
				  --probe-jar PATH         the probe jar (default probe-agent/target/dragnet-probe.jar)
				  --lines N                distinct domains per bulk and lookups of the direct client (default 150000)
				  --probes LIST            probe counts to measure, ascending, comma-separated; probes are added to
				                           the same server (default 1,4)
				  --probe-concurrency N    each probe's --concurrency (default 64)
				  --client-concurrency N   the direct client's lookups at once (default probes x probe concurrency)
				  --warm-up N              lines through Dragnet and through the direct client, not measured,
				                           before each probe count (default 120000, after which the JIT
				                           compilers have settled; 0 for none)
				  --cached true|false      also run the same domains again, as cache hits (default true)
				  --server-jvm "FLAGS"     extra JVM options for the server, space-separated (after -Xmx1g)
				  --probe-jvm "FLAGS"      the probes' JVM options, space-separated (default as deployed: %s)
				  --server-properties "P"  extra server properties, space-separated name=value
				  --profile PREFIX         record a JFR profile of the server and of each probe during each
				                           cache-miss bulk, into PREFIX-pN.jfr and PREFIX-pN-probeK.jfr
				                           (jcmd JFR.start settings=profile)
				  --profile-sampling LEVEL JFR's method-profiling option for those recordings: normal (a sample per
				                           thread every 20 ms), high (10 ms, the default) or max (1 ms: enough
				                           samples of the probes, at a higher cost)
				  --work-dir PATH          logs and the embedded database (default a new temporary directory)
				  --max-time SECONDS       give up on a bulk after this long (default 600)""".formatted(
				ProbeFootprintBenchmark.USER_JVM);

		private static final List<String> NAMES = List.of("server-jar", "probe-jar", "lines", "probes",
				"probe-concurrency", "client-concurrency", "warm-up", "cached", "server-jvm", "probe-jvm", "server-properties",
				"profile", "profile-sampling", "work-dir", "max-time");

		static Options parse(String[] args) throws IOException {
			Map<String, String> given = BenchArguments.given(args, NAMES);
			Path serverJar = Path.of(given.getOrDefault("server-jar", "server/target/dragnet-server.jar"));
			Path probeJar = Path.of(given.getOrDefault("probe-jar", "probe-agent/target/dragnet-probe.jar"));
			String cached = given.getOrDefault("cached", "true");
			if (!cached.equals("true") && !cached.equals("false")) {
				throw new IllegalArgumentException("--cached must be true or false, not '" + cached + "'");
			}
			Options options = new Options(serverJar, probeJar, number(given, "lines", 150_000, 1),
					BenchArguments.ascending("probes", given.getOrDefault("probes", "1,4"), 64), number(given, "probe-concurrency", 64, 1),
					number(given, "client-concurrency", 0, 1), number(given, "warm-up", 120_000, 0),
					Boolean.parseBoolean(cached), BenchArguments.words(given.get("server-jvm")),
					BenchArguments.words(given.getOrDefault("probe-jvm", ProbeFootprintBenchmark.USER_JVM)),
					BenchArguments.words(given.get("server-properties")),
					given.get("profile"), given.getOrDefault("profile-sampling", "high"),
					given.containsKey("work-dir") ? Path.of(given.get("work-dir")) : null,
					Duration.ofSeconds(number(given, "max-time", 600, 1)));
			if (options.serverProperties.stream().anyMatch((property) -> property.indexOf('=') < 1)) {
				throw new IllegalArgumentException("--server-properties takes name=value pairs, not '"
						+ given.get("server-properties") + "'");
			}
			if (!List.of("normal", "high", "max").contains(options.profileSampling)) {
				throw new IllegalArgumentException("--profile-sampling must be normal, high or max, not '"
						+ options.profileSampling + "'");
			}
			if (options.probeConcurrency > 1024 || options.clientConcurrency > 4096) {
				throw new IllegalArgumentException("need at most 1024 slots per probe and 4096 direct connections");
			}
			return options;
		}

		/** These options with a new temporary work directory when none was given, once the jars are there. */
		Options ready() throws IOException {
			if (!Files.isRegularFile(this.serverJar) || !Files.isRegularFile(this.probeJar)) {
				throw new IllegalArgumentException("no jar at " + this.serverJar + " or " + this.probeJar
						+ " (build with mvn -B -DskipTests package)");
			}
			Path dir = (this.workDir != null) ? this.workDir : Files.createTempDirectory("dragnet-bench-");
			return new Options(this.serverJar, this.probeJar, this.lines, this.probes, this.probeConcurrency,
					this.clientConcurrency, this.warmUp, this.cached, this.serverJvm, this.probeJvm, this.serverProperties, this.profile,
					this.profileSampling, dir, this.maxTime);
		}

		private static int number(Map<String, String> given, String name, int fallback, int least) {
			return BenchArguments.number(given, name, fallback, least, Integer.MAX_VALUE);
		}
	}
}
