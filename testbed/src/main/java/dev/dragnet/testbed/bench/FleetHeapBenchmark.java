package dev.dragnet.testbed.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dragnet.testbed.swarm.ProbeSwarm;

/**
 * What a probe session costs the server in heap: the server jar on its embedded PostgreSQL, measured with no session,
 * then with each count of {@code sessions} simulated probes ({@link ProbeSwarm}: real WebSocket sessions that say
 * hello and answer every ping). At each count, once the server counts every session effective, the benchmark waits
 * longer than the server's ping timeout ({@code ping-interval x (missed-pings + 1)}), checks that the server still
 * counts every one effective ({@code dragnet_probes{state="effective"}}) and closed none, and measures the live heap.
 *
 * <p>Live heap: the total of {@code jcmd <pid> GC.class_histogram}, which runs a full GC first and counts the
 * objects still reachable; beside it {@code GC.heap_info}'s "used" right after. The per-session figure is
 * {@code (live(n) - live(0)) / n}, beside the target of 12 KB; the class histogram's difference between the largest
 * count and none, per session, shows where the bytes go.
 *
 * <p>One source address has about 28,000 ephemeral ports, so sessions are spread over {@code 127.0.0.2} on,
 * {@value #PER_ADDRESS} each. Each session holds a file descriptor in the server and one in this process: a count the
 * open-files limit ({@code ulimit -Hn}) cannot hold is measured at what it can and said so.
 */
final class FleetHeapBenchmark {

	/** The target per session (issue 12). */
	static final double TARGET_BYTES = 12 * 1024;

	/** The target for the largest fleet: under 1 GB of heap. */
	static final long TARGET_HEAP = 1024L * 1024 * 1024;

	/** Sessions bound to one loopback address, well below the 28,232 ephemeral ports of a default Linux. */
	static final int PER_ADDRESS = 20_000;

	/** File descriptors the server and this process use besides sessions (jars, PostgreSQL, epoll, logs). */
	static final int SPARE_DESCRIPTORS = 1_000;

	private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");

	private static final Pattern TOTAL_LINE = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

	private static final Pattern USED = Pattern.compile("used (\\d+)K");

	private FleetHeapBenchmark() {
	}

	static void run(Options options) throws Exception {
		long fdLimit = openFilesLimit();
		System.out.printf(Locale.ROOT, "fleet-heap: sessions %s, server %s, ping every %d s (%d missed close), "
				+ "open-files limit %s, load %.2f, work dir %s%n", options.sessions, options.serverHeap,
				options.pingInterval.toSeconds(), options.missedPings, (fdLimit < 0) ? "unknown" : fdLimit,
				ProcCpu.loadAverage(), options.workDir);
		List<String> properties = List.of("logging.level.dev.dragnet=warn", "dragnet.rdap.refresh-enabled=false",
				"dragnet.probes.ping-interval=" + options.pingInterval.toMillis() + "ms",
				"dragnet.probes.missed-pings=" + options.missedPings);
		List<Step> steps = new ArrayList<>();
		List<ProbeSwarm> swarms = new ArrayList<>();
		try (Fleet fleet = Fleet.startServer(options.serverJar, options.workDir, List.of("-Xmx" + options.serverHeap),
				properties)) {
			URI server = URI.create("ws://127.0.0.1:" + fleet.uri("/").getPort());
			Heap none = measure(fleet.serverPid());
			steps.add(new Step(0, 0, none, 0, 0, 0));
			System.out.printf(Locale.ROOT, "0 sessions: live heap %.1f MB%n", none.live() / 1e6);
			int connected = 0;
			int nextAddress = 2;
			for (int wanted : options.sessions) {
				int count = (fdLimit > 0) ? (int) Math.min(wanted, fdLimit - SPARE_DESCRIPTORS) : wanted;
				if (count < wanted) {
					System.out.printf(Locale.ROOT, "%d sessions need %d open files in the server and in this process;"
							+ " the limit here is %d (ulimit -Hn): measuring %d%n", wanted, wanted + SPARE_DESCRIPTORS,
							fdLimit, count);
				}
				if (count <= connected) {
					continue;
				}
				int more = count - connected;
				List<InetAddress> addresses = new ArrayList<>();
				for (int i = 0; i < (more + PER_ADDRESS - 1) / PER_ADDRESS; i++) {
					addresses.add(InetAddress.getByName("127.0.0." + nextAddress++));
				}
				long started = System.nanoTime();
				swarms.add(ProbeSwarm.connect(server, Fleet.PROBE_TOKEN, "heap" + swarms.size(), more, 200,
						Duration.ofMinutes(15), addresses, PER_ADDRESS));
				connected = count;
				double seconds = (System.nanoTime() - started) / 1e9;
				fleet.awaitEffectiveCount(count, Duration.ofMinutes(5));
				Duration wait = options.pingInterval.multipliedBy(options.missedPings + 1).plusSeconds(5);
				System.out.printf(Locale.ROOT, "%d sessions welcomed in %.1f s; waiting %d s (past the ping timeout)%n",
						count, seconds, wait.toSeconds());
				Thread.sleep(wait.toMillis());
				int effective = fleet.effectiveProbes();
				int closed = swarms.stream().mapToInt(ProbeSwarm::closedByServer).sum();
				int welcomed = swarms.stream().mapToInt(ProbeSwarm::welcomed).sum();
				Heap heap = measure(fleet.serverPid());
				steps.add(new Step(wanted, count, heap, effective, welcomed, closed));
				System.out.printf(Locale.ROOT, "%d sessions: live heap %.1f MB, %d effective, %d closed by the server%n",
						count, heap.live() / 1e6, effective, closed);
			}
			if (options.heapDump != null && connected > 0) {
				// For a look at what keeps a session's objects alive (paths to GC roots), beside the histogram.
				Jcmd.run(fleet.serverPid(), "GC.heap_dump", options.heapDump.toAbsolutePath().toString());
				System.out.printf(Locale.ROOT, "heap dump of the server with %d sessions: %s%n", connected,
						options.heapDump.toAbsolutePath());
			}
			report(options, steps);
		}
		finally {
			swarms.forEach(ProbeSwarm::close);
		}
	}

	private static void report(Options options, List<Step> steps) {
		Step none = steps.get(0);
		System.out.printf(Locale.ROOT, "%nfleet-heap result (live heap = jcmd GC.class_histogram total after its full GC;"
				+ " target %.0f KB per session, load %.2f)%n", TARGET_BYTES / 1024, ProcCpu.loadAverage());
		System.out.printf(Locale.ROOT, "| sessions | live heap | used after full GC | per session | of the target (12 KB) |"
				+ " effective after the ping timeout | closed by the server |%n|---|---|---|---|---|---|---|%n");
		for (Step step : steps) {
			String perSession = "";
			String ratio = "";
			if (step.sessions() > 0) {
				double bytes = perSession(none, step);
				perSession = String.format(Locale.ROOT, "%.1f KB", bytes / 1024);
				ratio = String.format(Locale.ROOT, "%.2f", bytes / TARGET_BYTES);
			}
			System.out.printf(Locale.ROOT, "| %,d | %.1f MB | %.1f MB | %s | %s | %s | %s |%n", step.sessions(),
					step.heap().live() / 1e6, step.heap().used() / 1e6, perSession, ratio,
					(step.sessions() > 0) ? step.effective() + " of " + step.sessions() : "",
					(step.sessions() > 0) ? Integer.toString(step.closed()) : "");
		}
		Step largest = steps.get(steps.size() - 1);
		if (largest.sessions() == 0) {
			return;
		}
		int target = options.sessions.get(options.sessions.size() - 1);
		if (largest.sessions() < target) {
			double projected = none.heap().live() + target * perSession(none, largest);
			System.out.printf(Locale.ROOT, "| %,d (projected from %,d: live(0) + n x per session) | %.1f MB | | | %.2f of 1 GB"
					+ " | not measured here | |%n", target, largest.sessions(), projected / 1e6, projected / TARGET_HEAP);
		}
		else {
			System.out.printf(Locale.ROOT, "| %,d sessions: live heap %.2f of 1 GB | | | | | | |%n", largest.sessions(),
					largest.heap().live() / (double) TARGET_HEAP);
		}
		System.out.printf(Locale.ROOT, "%nwhere the bytes of a session go (class histogram, %,d sessions minus none, "
				+ "top %d classes)%n| class | bytes per session | objects per session |%n|---|---|---|%n",
				largest.sessions(), options.top);
		Map<String, long[]> grown = new HashMap<>();
		largest.heap().classes().forEach((name, counts) -> {
			long[] before = none.heap().classes().getOrDefault(name, new long[2]);
			grown.put(name, new long[] { counts[0] - before[0], counts[1] - before[1] });
		});
		grown.entrySet()
			.stream()
			.sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed())
			.limit(options.top)
			.forEach((e) -> System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f |%n", e.getKey(),
					e.getValue()[1] / (double) largest.sessions(), e.getValue()[0] / (double) largest.sessions()));
	}

	private static double perSession(Step none, Step step) {
		return (step.heap().live() - none.heap().live()) / (double) step.sessions();
	}

	/** A class histogram (it runs a full GC first) and the heap used right after it. */
	static Heap measure(long pid) throws IOException, InterruptedException {
		Heap histogram = histogram(Jcmd.run(pid, "GC.class_histogram"));
		Matcher used = USED.matcher(Jcmd.run(pid, "GC.heap_info"));
		long usedBytes = used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
		return new Heap(histogram.live(), usedBytes, histogram.classes());
	}

	/** Reads {@code GC.class_histogram} output: instances and bytes by class, and the total bytes. */
	static Heap histogram(String text) {
		Map<String, long[]> classes = new HashMap<>();
		long total = -1;
		for (String line : text.split("\\R")) {
			Matcher row = HISTOGRAM_LINE.matcher(line);
			if (row.matches()) {
				classes.merge(row.group(3), new long[] { Long.parseLong(row.group(1)), Long.parseLong(row.group(2)) },
						(a, b) -> new long[] { a[0] + b[0], a[1] + b[1] });
				continue;
			}
			Matcher sum = TOTAL_LINE.matcher(line.strip());
			if (sum.matches()) {
				total = Long.parseLong(sum.group(2));
			}
		}
		if (total < 0) {
			throw new IllegalStateException("no Total line in the class histogram: "
					+ text.substring(0, Math.min(200, text.length())));
		}
		return new Heap(total, -1, classes);
	}

	/** The hard open-files limit of this process (its children inherit it), or -1 when unknown. */
	static long openFilesLimit() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
				if (line.startsWith("Max open files")) {
					String hard = line.substring("Max open files".length()).trim().split("\\s+")[1];
					return hard.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(hard);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux
		}
		return -1;
	}

	/**
	 * The server's heap at one count.
	 *
	 * @param live bytes of reachable objects (the class histogram's total)
	 * @param used heap used after that full GC, from {@code GC.heap_info} (-1 unknown)
	 * @param classes instances and bytes by class name
	 */
	record Heap(long live, long used, Map<String, long[]> classes) {
	}

	/** One measured count: asked, measured (fewer when the open-files limit is lower), and what the server saw. */
	record Step(int asked, int sessions, Heap heap, int effective, int welcomed, int closed) {
	}

	/** What to run, from {@code --name value} options. */
	record Options(Path serverJar, List<Integer> sessions, String serverHeap, Duration pingInterval, int missedPings,
			int top, Path workDir, Path heapDump) {

		static final String USAGE = """

				Options:
				  --server-jar PATH     the server jar (default server/target/dragnet-server.jar)
				  --sessions N,M,...    ascending session counts to measure (default 10000,50000)
				  --server-heap SIZE    the server's -Xmx (default 1g)
				  --ping-interval S     the server's ping interval in seconds (default 10)
				  --missed-pings N      the server's missed pings before closing (default 2)
				  --top N               classes shown in the per-session breakdown (default 20)
				  --work-dir PATH       logs and the embedded database (default a new temporary directory)
				  --heap-dump FILE      also write the server's heap dump (jcmd GC.heap_dump) at the largest count""";

		private static final List<String> NAMES = List.of("server-jar", "sessions", "server-heap", "ping-interval",
				"missed-pings", "top", "work-dir", "heap-dump");

		static Options parse(String[] args) throws IOException {
			Map<String, String> given = BenchArguments.given(args, NAMES);
			String heap = given.getOrDefault("server-heap", "1g");
			if (!heap.matches("\\d+[kKmMgG]?")) {
				throw new IllegalArgumentException("--server-heap is a size such as 1g or 768m, not '" + heap + "'");
			}
			return new Options(Path.of(given.getOrDefault("server-jar", "server/target/dragnet-server.jar")),
					BenchArguments.ascending("sessions", given.getOrDefault("sessions", "10000,50000"), 1_000_000), heap,
					Duration.ofSeconds(positive(given, "ping-interval", 10)), positive(given, "missed-pings", 2),
					positive(given, "top", 20),
					given.containsKey("work-dir") ? Path.of(given.get("work-dir")) : null,
					given.containsKey("heap-dump") ? Path.of(given.get("heap-dump")) : null);
		}

		/** These options with a new temporary work directory when none was given, once the jar is there. */
		Options ready() throws IOException {
			if (!Files.isRegularFile(this.serverJar)) {
				throw new IllegalArgumentException("no jar at " + this.serverJar + " (build with mvn -B -DskipTests package)");
			}
			Path dir = (this.workDir != null) ? this.workDir : Files.createTempDirectory("dragnet-bench-");
			return new Options(this.serverJar, this.sessions, this.serverHeap, this.pingInterval, this.missedPings,
					this.top, dir, this.heapDump);
		}

		private static int positive(Map<String, String> given, String name, int fallback) {
			return BenchArguments.number(given, name, fallback, 1, Integer.MAX_VALUE);
		}
	}
}
