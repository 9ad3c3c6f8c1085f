package dev.dragnet.testbed.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.dragnet.testbed.swarm.ProbeSwarm;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the status page's event stream costs one viewer with a large fleet: the server jar on its embedded PostgreSQL,
 * {@code probes} simulated probes ({@link ProbeSwarm}: real WebSocket sessions with the shared token, answering
 * pings) and one viewer of {@code GET /api/events} counting the bytes it receives. Measured twice for
 * {@code seconds} each after a warm-up: at steady state (every probe connected), and under churn (every second
 * {@code churn} probes drop their connection and come back two seconds later). Also prints what one page of the
 * probe table and the whole list weigh, the latter being what every {@code probes} event carried before.
 *
 * <p>What the fleet costs the server while one viewer watches: in each phase, the samples the server took (its
 * {@code dragnet.live.sample} timer: how many, against the two a second of the default interval, and the mean time
 * of one) and the CPU of the server and of its PostgreSQL; and, at steady state after the phases, the time of
 * {@code GET /api/probes?page=0&size=50} (what the page fetches), {@value #PAGE_FETCHES} times one after the other.
 *
 * <p>The bound is 50 KB/s per viewer.
 */
final class LiveStreamBenchmark {

	static final double BOUND_BYTES_PER_SECOND = 50_000;

	/** Samples a second at the default {@code dragnet.live.sample-interval} of 500 ms. */
	static final double SAMPLES_PER_SECOND = 2;

	static final int PAGE_FETCHES = 20;

	private LiveStreamBenchmark() {
	}

	static void run(Options options) throws Exception {
		System.out.printf(Locale.ROOT, "live-stream: %d simulated probes, %d s per phase, churn %d probes/s, load %.2f,"
				+ " work dir %s%n", options.probes, options.seconds, options.churn, ProcCpu.loadAverage(),
				options.workDir);
		try (Fleet fleet = Fleet.startServer(options.serverJar, options.workDir, List.of("logging.level.dev.dragnet=warn",
				"dragnet.rdap.refresh-enabled=false"))) {
			long started = System.nanoTime();
			URI server = URI.create("ws://127.0.0.1:" + fleet.uri("/").getPort());
			try (ProbeSwarm swarm = ProbeSwarm.connect(server, Fleet.PROBE_TOKEN, "swarm", options.probes, 200,
					Duration.ofMinutes(10))) {
				System.out.printf(Locale.ROOT, "%d probes welcomed in %.1f s%n", swarm.welcomed(),
						(System.nanoTime() - started) / 1e9);
				fleet.awaitEffectiveCount(options.probes, Duration.ofMinutes(5));
				Viewer viewer = Viewer.open(fleet);
				Thread.sleep(options.warmUp.toMillis());
				Phase steady = viewer.measure(fleet, options.seconds);
				Phase churn;
				try (Churn churning = Churn.start(swarm, options.churn)) {
					Thread.sleep(options.warmUp.toMillis());
					churn = viewer.measure(fleet, options.seconds);
				}
				Thread.sleep(options.warmUp.toMillis());
				double[] pageMillis = timePages(fleet);
				viewer.close();
				report(fleet, options, swarm, steady, churn, pageMillis);
			}
		}
	}

	private static String get(Fleet fleet, String path) throws IOException, InterruptedException {
		HttpResponse<String> response = fleet.http().send(HttpRequest.newBuilder(fleet.uri(path))
			.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException("GET " + path + " answered " + response.statusCode());
		}
		return response.body();
	}

	/** {@value #PAGE_FETCHES} fetches of one page of the table, one after the other: the median and the longest, in ms. */
	private static double[] timePages(Fleet fleet) throws IOException, InterruptedException {
		double[] millis = new double[PAGE_FETCHES];
		for (int i = 0; i < PAGE_FETCHES; i++) {
			long start = System.nanoTime();
			get(fleet, "/api/probes?page=0&size=50&sort=name,asc");
			millis[i] = (System.nanoTime() - start) / 1e6;
		}
		Arrays.sort(millis);
		return new double[] { millis[PAGE_FETCHES / 2], millis[PAGE_FETCHES - 1] };
	}

	/** The count and the sum in seconds of the server's {@code dragnet.live.sample} timer, or -1s. */
	static double[] sampleTimer(Fleet fleet) throws IOException, InterruptedException {
		String body = get(fleet, "/actuator/prometheus");
		return sampleTimer(body);
	}

	static double[] sampleTimer(String prometheus) {
		double count = -1;
		double sum = -1;
		for (String line : prometheus.split("\n")) {
			if (line.startsWith("dragnet_live_sample_seconds_count")) {
				count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
			else if (line.startsWith("dragnet_live_sample_seconds_sum")) {
				sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return new double[] { count, sum };
	}

	private static void report(Fleet fleet, Options options, ProbeSwarm swarm, Phase steady, Phase churn,
			double[] pageMillis) throws IOException, InterruptedException {
		long page = get(fleet, "/api/probes?page=0&size=50&sort=name,asc").getBytes(StandardCharsets.UTF_8).length;
		long whole = get(fleet, "/api/probes").getBytes(StandardCharsets.UTF_8).length;
		System.out.printf(Locale.ROOT, "%nlive-stream result (%d probes; bound %.0f KB/s per viewer)%n", options.probes,
				BOUND_BYTES_PER_SECOND / 1000);
		System.out.printf(Locale.ROOT, "| phase | stream | of the bound | events |%n|---|---|---|---|%n");
		System.out.printf(Locale.ROOT, "| steady state, %d s | %.2f KB/s | %.1f%% | %s |%n", options.seconds,
				steady.bytesPerSecond() / 1000, 100 * steady.bytesPerSecond() / BOUND_BYTES_PER_SECOND, steady.events());
		System.out.printf(Locale.ROOT, "| churn of %d probes/s, %d s | %.2f KB/s | %.1f%% | %s |%n", options.churn,
				options.seconds, churn.bytesPerSecond() / 1000, 100 * churn.bytesPerSecond() / BOUND_BYTES_PER_SECOND,
				churn.events());
		System.out.printf(Locale.ROOT, "| one page of the table (50 rows, on demand) | %.1f KB | | |%n", page / 1000.0);
		System.out.printf(Locale.ROOT, "| the whole list (what each `probes` event carried before) | %.1f KB | | |%n",
				whole / 1000.0);
		System.out.printf(Locale.ROOT, "| sessions the server closed | %d | | |%n", swarm.closedByServer());
		System.out.printf(Locale.ROOT, "%nWhat watching costs the server (samples against the %.0f a second of the default"
				+ " interval)%n| phase | samples | of the interval's | mean time of a sample | server CPU | PostgreSQL CPU"
				+ " | load |%n|---|---|---|---|---|---|---|%n", SAMPLES_PER_SECOND);
		for (Phase phase : List.of(steady, churn)) {
			System.out.printf(Locale.ROOT, "| %s | %.2f/s | %.2f | %.1f ms | %.1f%% of a core | %.1f%% of a core | %.2f |%n",
					(phase == steady) ? "steady state" : "churn", phase.samplesPerSecond(),
					phase.samplesPerSecond() / SAMPLES_PER_SECOND, phase.millisPerSample(),
					100 * phase.usage().server() / phase.seconds(), 100 * phase.usage().postgres() / phase.seconds(),
					phase.load());
		}
		System.out.printf(Locale.ROOT, "%nGET /api/probes?page=0&size=50 at steady state, %d times: median %.1f ms,"
				+ " longest %.1f ms (load %.2f)%n", PAGE_FETCHES, pageMillis[0], pageMillis[1], ProcCpu.loadAverage());
	}

	/**
	 * The bytes and events received over one phase; the samples the server took ({@code samples}, {@code sampleSeconds}
	 * their total time), the CPU it and its PostgreSQL used, and the load average at the end.
	 */
	record Phase(long bytes, double seconds, Map<String, Long> events, double samples, double sampleSeconds,
			FleetMeter.Usage usage, double load) {

		double bytesPerSecond() {
			return this.bytes / this.seconds;
		}

		double samplesPerSecond() {
			return this.samples / this.seconds;
		}

		double millisPerSample() {
			return (this.samples > 0) ? 1000 * this.sampleSeconds / this.samples : -1;
		}
	}

	/** One {@code GET /api/events}, read on its own thread: bytes and events counted as they arrive. */
	private static final class Viewer implements AutoCloseable {

		private final AtomicLong bytes = new AtomicLong();

		private final Map<String, Long> events = new HashMap<>();

		private final InputStream body;

		private final Thread reader;

		private Viewer(InputStream body) {
			this.body = body;
			this.reader = new Thread(this::read, "viewer");
			this.reader.setDaemon(true);
			this.reader.start();
		}

		static Viewer open(Fleet fleet) throws IOException, InterruptedException {
			HttpResponse<InputStream> response = fleet.http().send(HttpRequest.newBuilder(fleet.uri("/api/events"))
				.header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
			if (response.statusCode() != 200) {
				throw new IOException("GET /api/events answered " + response.statusCode());
			}
			return new Viewer(response.body());
		}

		private void read() {
			try (BufferedReader lines = new BufferedReader(new InputStreamReader(this.body, StandardCharsets.UTF_8))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					this.bytes.addAndGet(line.getBytes(StandardCharsets.UTF_8).length + 1);
					String name = line.startsWith("event:") ? line.substring(6).trim()
							: line.startsWith(":") ? "(heartbeat)" : null;
					if (name != null) {
						synchronized (this.events) {
							this.events.merge(name, 1L, Long::sum);
						}
					}
				}
			}
			catch (IOException ex) {
				// closed
			}
		}

		Phase measure(Fleet fleet, int seconds) throws IOException, InterruptedException {
			FleetMeter meter = new FleetMeter(fleet);
			double[] fromTimer = sampleTimer(fleet);
			FleetMeter.Snapshot fromCpu = meter.snapshot();
			long fromBytes = this.bytes.get();
			Map<String, Long> fromEvents = snapshot();
			long start = System.nanoTime();
			Thread.sleep(seconds * 1000L);
			double elapsed = (System.nanoTime() - start) / 1e9;
			FleetMeter.Usage usage = meter.since(fromCpu);
			double[] timer = sampleTimer(fleet);
			Map<String, Long> counted = new TreeMap<>();
			snapshot().forEach((name, n) -> {
				long delta = n - fromEvents.getOrDefault(name, 0L);
				if (delta > 0) {
					counted.put(name, delta);
				}
			});
			if (!this.reader.isAlive()) {
				throw new IllegalStateException("the event stream ended");
			}
			return new Phase(this.bytes.get() - fromBytes, elapsed, counted, timer[0] - fromTimer[0],
					timer[1] - fromTimer[1], usage, ProcCpu.loadAverage());
		}

		private Map<String, Long> snapshot() {
			synchronized (this.events) {
				return new HashMap<>(this.events);
			}
		}

		@Override
		public void close() throws IOException {
			this.body.close();
		}
	}

	/** Every second, {@code perSecond} probes in turn drop their connection; each comes back two seconds later. */
	private static final class Churn implements AutoCloseable {

		private final Disposable running;

		private Churn(Disposable running) {
			this.running = running;
		}

		static Churn start(ProbeSwarm swarm, int perSecond) {
			AtomicLong next = new AtomicLong();
			Disposable running = Flux.interval(Duration.ofSeconds(1))
				.flatMapIterable((tick) -> {
					List<Integer> batch = new ArrayList<>();
					for (int i = 0; i < perSecond; i++) {
						batch.add((int) (next.getAndIncrement() % swarm.size()));
					}
					return batch;
				})
				.flatMap((index) -> {
					swarm.disconnect(index);
					// One that fails to come back is not counted as a reconnect; the report shows it.
					return Mono.delay(Duration.ofSeconds(2)).then(swarm.reconnect(index)).onErrorResume((ex) -> Mono.empty());
				}, 4 * perSecond + 16)
				.subscribe(null, (ex) -> System.err.println("churn stopped: " + ex));
			return new Churn(running);
		}

		@Override
		public void close() {
			this.running.dispose();
		}
	}

	/** What to run, from {@code --name value} options. */
	record Options(Path serverJar, int probes, int seconds, int churn, Duration warmUp, Path workDir) {

		static final String USAGE = """

				Options:
				  --server-jar PATH    the server jar (default server/target/dragnet-server.jar)
				  --probes N           simulated probes, one WebSocket session each (default 10000)
				  --seconds N          length of each measured phase (default 60)
				  --churn N            probes that drop and come back each second in the churn phase (default 50)
				  --warm-up SECONDS    wait before each phase (default 15)
				  --work-dir PATH      logs and the embedded database (default a new temporary directory)""";

		private static final List<String> NAMES = List.of("server-jar", "probes", "seconds", "churn", "warm-up",
				"work-dir");

		static Options parse(String[] args) throws IOException {
			Map<String, String> given = BenchArguments.given(args, NAMES);
			Options options = new Options(Path.of(given.getOrDefault("server-jar", "server/target/dragnet-server.jar")),
					BenchArguments.number(given, "probes", 10_000, 1, 15_000),
					BenchArguments.number(given, "seconds", 60, 1, 86_400),
					BenchArguments.number(given, "churn", 50, 1, 15_000),
					Duration.ofSeconds(BenchArguments.number(given, "warm-up", 15, 1, 3_600)),
					given.containsKey("work-dir") ? Path.of(given.get("work-dir"))
							: Files.createTempDirectory("dragnet-bench-"));
			if (!Files.isRegularFile(options.serverJar)) {
				throw new IllegalArgumentException("no jar at " + options.serverJar + " (build with mvn -B -DskipTests package)");
			}
			if (options.probes > 15_000 || options.churn > options.probes) {
				throw new IllegalArgumentException("need at most 15000 probes (one file descriptor each) and a churn of"
						+ " at most every probe");
			}
			return options;
		}
	}
}
