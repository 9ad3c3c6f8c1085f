package dev.dragnet.testbed.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;

/**
 * The probe agent's own footprint (issue 12): the probe jar started as users start it, connected to the server
 * jar, measured while idle and then while it runs {@code concurrency} WHOIS tasks at once against a fake registry
 * that answers each query after {@code answerDelay}, so that every slot is really in flight. Prints, for each set
 * of probe JVM options: the time from process start to the server's welcome, the resident set (Linux
 * {@code VmRSS}, and its peak {@code VmHWM}) beside the targets (64 MB idle, 128 MB at 64 tasks), and the CPU the
 * probe used, beside a bare JVM with the same options that does nothing. Nothing here asserts a figure.
 */
final class ProbeFootprintBenchmark {

	/** The probe's JVM options as the README, {@code bin/dragnet-local} and the deploy files give them. */
	static final String USER_JVM = "-Xmx64m -Xms8m -Xmn2m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

	/** Opens a set of options to measure another probe jar than {@code --probe-jar} (an earlier build, say). */
	static final String JAR = "jar=";

	/** Written instead of options to run the probe with none at all: the JVM's own defaults. */
	static final String JVM_DEFAULTS = "defaults";

	static final long IDLE_TARGET_KB = 64 * 1024;

	static final long LOAD_TARGET_KB = 128 * 1024;

	/** The line the probe logs when the server welcomed it. */
	static final String WELCOMED = "connected to ";

	private static final String WARM_UP_SUFFIX = "warm";

	private static final Duration SAMPLE_EVERY = Duration.ofMillis(500);

	private static final Duration WELCOME_WITHIN = Duration.ofMinutes(1);

	private static final List<String> SERVER_PROPERTIES = List.of("dragnet.whois.allow-private-servers=true",
			"dragnet.whois.default-policy=whois", "dragnet.whois.pace.min-interval=0ms",
			"dragnet.whois.pace.max-connections=1024", "dragnet.rdap.refresh-enabled=false");

	private ProbeFootprintBenchmark() {
	}

	static void run(Options options) throws Exception {
		System.out.printf(Locale.ROOT, "probe-footprint: %d slots, %d lines answered after %d ms (%d bytes each), "
				+ "idle %d s, %d starts, %d cores, load %.2f, work dir %s%n", options.concurrency, options.lines,
				options.answerDelay.toMillis(), options.answerBytes, options.idle.toSeconds(), options.starts,
				Runtime.getRuntime().availableProcessors(), ProcCpu.loadAverage(), options.workDir);
		WhoisBehaviour registry = WhoisBehaviour.delayed(options.answerDelay,
				WhoisBehaviour.template(record(options.answerBytes)));
		try (FakeWhoisServer whois = FakeWhoisServer.start().fallback(registry);
				FakeWhoisServer quick = FakeWhoisServer.start().fallback(WhoisBehaviour.template(WhoisPacingBenchmark.RECORD));
				Fleet fleet = Fleet.startServer(options.serverJar, options.workDir, SERVER_PROPERTIES)) {
			route(fleet, WhoisThroughputBenchmark.SUFFIX, whois);
			if (options.warmUp > 0) {
				warmUp(options, fleet, quick);
			}
			List<Figures> figures = new ArrayList<>();
			for (int i = 0; i < options.probeJvms.size(); i++) {
				figures.add(measure(options, fleet, whois, options.probeJvms.get(i), i + 1));
			}
			print(options, figures);
		}
	}

	private static void route(Fleet fleet, String suffix, FakeWhoisServer whois) throws IOException, InterruptedException {
		HttpResponse<String> routed = fleet.send("PUT", "/api/whois-servers/" + suffix, "application/json",
				"{\"host\":\"127.0.0.1\",\"port\":" + whois.port() + ",\"queryFormat\":\"%s\"}");
		if (routed.statusCode() != 200) {
			throw new IOException("could not route ." + suffix + " to a fake: " + routed.statusCode() + " " + routed.body());
		}
	}

	/**
	 * A first bulk through a probe that is not measured, to a fake that answers at once: a fresh server's first
	 * lookups are slow (docs/BENCHMARKS.md), and the measured probe's 64 slots should be kept full by the server.
	 */
	private static void warmUp(Options options, Fleet fleet, FakeWhoisServer quick) throws Exception {
		route(fleet, WARM_UP_SUFFIX, quick);
		Process probe = fleet.startProbe(options.probeJar, "footprint-warm-up", List.of(USER_JVM.split(" ")),
				List.of("--allow-private-servers", "--concurrency", Integer.toString(options.concurrency)));
		awaitWelcome(probe, fleet.log("footprint-warm-up"));
		List<String> domains = new ArrayList<>(options.warmUp);
		for (int i = 1; i <= options.warmUp; i++) {
			domains.add("w-" + i + "." + WARM_UP_SUFFIX);
		}
		WhoisThroughputBenchmark.Tally tally = WhoisThroughputBenchmark.bulk(fleet, domains, options.maxTime);
		System.out.printf(Locale.ROOT, "warm-up: %s, %.0f lookups/s%n", tally.summary(options.warmUp), tally.throughput());
		fleet.stop(probe);
	}

	private static Figures measure(Options options, Fleet fleet, FakeWhoisServer whois, List<String> set, int run)
			throws Exception {
		String label = label(set);
		Path jar = jar(set, options.probeJar);
		List<String> jvm = set.stream().filter((word) -> !word.startsWith(JAR)).toList();
		List<String> flags = new ArrayList<>(jvm);
		if (options.diagnose) {
			flags.add("-XX:NativeMemoryTracking=summary");
		}
		List<String> probeOptions = List.of("--allow-private-servers", "--concurrency",
				Integer.toString(options.concurrency));
		System.out.printf(Locale.ROOT, "%n[%s] load %.2f%n", label, ProcCpu.loadAverage());

		List<Double> startups = new ArrayList<>();
		Process probe = null;
		for (int i = 1; i <= options.starts; i++) {
			if (probe != null) {
				fleet.stop(probe);
			}
			String name = "footprint-" + run + "-" + i;
			long started = System.nanoTime();
			probe = fleet.startProbe(jar, name, flags, probeOptions);
			awaitWelcome(probe, fleet.log(name));
			startups.add((System.nanoTime() - started) / 1e9);
		}
		long pid = probe.pid();
		System.out.printf(Locale.ROOT, "[%s] welcomed after %s s%n", label, seconds(startups));

		Idle idle = idle(options, jvm, pid);
		System.out.printf(Locale.ROOT, "[%s] idle %d s: RSS %s MB (peak in the window %s MB), CPU %.2f%% of a core; "
				+ "bare JVM %s MB%n", label, options.idle.toSeconds(), mb(idle.residentKb), mb(idle.peakKb),
				100 * idle.cpuShare, mb(idle.bareKb));
		if (options.diagnose) {
			diagnose(options, pid, "footprint-" + run + "-idle");
		}

		Load load = load(options, fleet, whois, pid, run);
		System.out.printf(Locale.ROOT, "[%s] %d tasks: %s, %.0f lookups/s, in flight median %d (all %d in %.0f%% of "
				+ "samples), RSS peak %s MB (VmHWM %s MB), CPU %.0f%% of a core%n", label, options.concurrency,
				load.answers, load.rate, load.inFlightMedian, options.concurrency, 100 * load.fullShare, mb(load.peakKb),
				mb(load.hwmKb), 100 * load.cpuShare);
		if (options.diagnose) {
			diagnose(options, pid, "footprint-" + run + "-load");
		}
		fleet.stop(probe);
		return new Figures(label, startups, idle, load);
	}

	/** Waits until the probe logs its welcome; fails when it ends or takes longer than a minute. */
	private static void awaitWelcome(Process probe, Path log) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + WELCOME_WITHIN.toNanos();
		while (System.nanoTime() < deadline) {
			if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(WELCOMED)) {
				return;
			}
			if (!probe.isAlive()) {
				throw new IOException("the probe ended (exit " + probe.exitValue() + ") before it was welcomed; see "
						+ log);
			}
			Thread.sleep(5);
		}
		throw new IOException("the probe was not welcomed within " + WELCOME_WITHIN.toSeconds() + " s; see " + log);
	}

	/** The probe left alone for the idle time, beside a bare JVM with the same options started at its start. */
	private static Idle idle(Options options, List<String> jvm, long pid) throws Exception {
		Process bare = startBareJvm(options.workDir, jvm);
		try {
			double cpuBefore = ProcCpu.seconds(pid);
			long started = System.nanoTime();
			long peak = -1;
			long end = started + options.idle.toNanos();
			while (System.nanoTime() < end) {
				Thread.sleep(SAMPLE_EVERY.toMillis());
				peak = Math.max(peak, ProcMemory.residentKb(pid));
			}
			double cpu = ProcCpu.seconds(pid) - cpuBefore;
			double wall = (System.nanoTime() - started) / 1e9;
			return new Idle(ProcMemory.residentKb(pid), peak, (cpuBefore < 0) ? -1 : cpu / wall,
					ProcMemory.residentKb(bare.pid()));
		}
		finally {
			bare.destroy();
			if (!bare.waitFor(10, TimeUnit.SECONDS)) {
				bare.destroyForcibly();
			}
		}
	}

	/** One bulk of new domains (every one a task for the probe), sampled as it runs. */
	private static Load load(Options options, Fleet fleet, FakeWhoisServer whois, long pid, int run)
			throws Exception {
		List<String> domains = WhoisThroughputBenchmark.domains(options.lines,
				"f" + run + "-" + Long.toString(System.currentTimeMillis(), 36));
		ExecutorService client = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "footprint-bulk");
			thread.setDaemon(true);
			return thread;
		});
		try {
			double cpuBefore = ProcCpu.seconds(pid);
			long started = System.nanoTime();
			Future<WhoisThroughputBenchmark.Tally> bulk = client
				.submit(() -> WhoisThroughputBenchmark.bulk(fleet, domains, options.maxTime));
			long peak = -1;
			List<Integer> inFlight = new ArrayList<>();
			while (!bulk.isDone()) {
				Thread.sleep(SAMPLE_EVERY.toMillis());
				peak = Math.max(peak, ProcMemory.residentKb(pid));
				inFlight.add(whois.openConnections());
			}
			WhoisThroughputBenchmark.Tally tally = bulk.get();
			double wall = (System.nanoTime() - started) / 1e9;
			double cpu = ProcCpu.seconds(pid) - cpuBefore;
			List<Integer> sorted = inFlight.stream().sorted().toList();
			double full = sorted.isEmpty() ? 0
					: (double) sorted.stream().filter((n) -> n >= options.concurrency).count() / sorted.size();
			return new Load(tally.summary(options.lines), tally.answers(), tally.throughput(),
					sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2), full, peak, ProcMemory.peakResidentKb(pid), (cpuBefore < 0) ? -1 : cpu / wall,
					(cpuBefore < 0 || tally.answers() == 0) ? -1 : 1000 * cpu / tally.answers());
		}
		finally {
			client.shutdownNow();
		}
	}

	/** Where the probe's memory is (native memory tracking) and what the heap holds (class histogram), into files. */
	private static void diagnose(Options options, long pid, String name) throws IOException, InterruptedException {
		String nmt = Jcmd.tryRun(pid, "VM.native_memory", "summary");
		Files.writeString(options.workDir.resolve(name + "-nmt.txt"), nmt);
		System.out.println("  native memory, committed MB: " + committed(nmt));
		String histogram = Jcmd.tryRun(pid, "GC.class_histogram");
		Files.writeString(options.workDir.resolve(name + "-histogram.txt"), histogram);
		histogram.lines().skip(3).limit(8).forEach((line) -> System.out.println("  " + line.strip()));
		histogram.lines().filter((line) -> line.startsWith("Total")).forEach((line) -> System.out.println("  " + line));
	}

	/** The committed size of each native memory category of at least 1 MB, from an NMT summary. */
	static String committed(String summary) {
		Pattern category = Pattern.compile("^(?:Total:|-\\s+([A-Za-z][\\w ]*?) \\()\\s*reserved=(\\d+)KB, committed=(\\d+)KB",
				Pattern.MULTILINE);
		StringBuilder text = new StringBuilder();
		Matcher matcher = category.matcher(summary);
		while (matcher.find()) {
			long kb = Long.parseLong(matcher.group(3));
			String name = (matcher.group(1) != null) ? matcher.group(1) : "Total";
			if (kb >= 1024 || matcher.group(1) == null) {
				text.append((text.length() > 0) ? ", " : "").append(name).append(' ').append(mb(kb));
			}
		}
		return text.toString();
	}

	/** A JVM with these options that loads one class and sleeps: what any Java program costs at least. */
	private static Process startBareJvm(Path workDir, List<String> jvm) throws IOException, URISyntaxException {
		Path classpath = Path.of(BareJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		List<String> command = new ArrayList<>(List.of(Fleet.java()));
		command.addAll(jvm);
		command.addAll(List.of("-cp", classpath.toString(), BareJvm.class.getName()));
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(workDir.resolve("bare-jvm.log").toFile())
			.start();
	}

	private static void print(Options options, List<Figures> figures) {
		System.out.println();
		System.out.printf(Locale.ROOT, "probe-footprint result (%d slots; MB = MiB of resident set, VmRSS; load %.2f)%n",
				options.concurrency, ProcCpu.loadAverage());
		System.out.println("| probe JVM options | welcomed after, s | idle RSS, MB | of 64 MB | bare JVM, MB | idle CPU "
				+ "| tasks in flight: median, all in | lookups/s | peak RSS at load, MB | of 128 MB | CPU at load "
				+ "| CPU ms per lookup |");
		System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
		for (Figures f : figures) {
			long loadPeak = Math.max(f.load.peakKb, f.load.hwmKb);
			System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d, %.0f%% of samples | %.0f | %s | %s | %s | %s |%n",
					f.label, seconds(f.startups), mb(f.idle.residentKb), ratio(f.idle.residentKb, IDLE_TARGET_KB),
					mb(f.idle.bareKb), percent(f.idle.cpuShare), f.load.inFlightMedian, 100 * f.load.fullShare, f.load.rate,
					mb(loadPeak), ratio(loadPeak, LOAD_TARGET_KB), percent(f.load.cpuShare),
					(f.load.cpuMsPerLookup < 0) ? "n/a" : String.format(Locale.ROOT, "%.2f", f.load.cpuMsPerLookup));
		}
		for (Figures f : figures) {
			System.out.println("answers [" + f.label + "]: " + f.load.answers);
		}
	}

	/** A fake registry's answer of about {@code bytes} bytes: the bench record, then a notice as registries add. */
	static String record(int bytes) {
		StringBuilder text = new StringBuilder(WhoisPacingBenchmark.RECORD);
		String notice = "% The data in this record is provided for information purposes only; it may not be used "
				+ "for mass mailings.\r\n";
		while (text.length() + notice.length() <= bytes) {
			text.append(notice);
		}
		return text.toString();
	}

	static String label(List<String> set) {
		List<String> jvm = set.stream().filter((word) -> !word.startsWith(JAR)).toList();
		String flags = jvm.isEmpty() ? "(JVM defaults)" : String.join(" ", jvm);
		return (jvm.size() < set.size()) ? Path.of(set.get(0).substring(JAR.length())).getFileName() + ": " + flags : flags;
	}

	/** The probe jar a set of options names with {@code jar=PATH}, else {@code fallback}. */
	static Path jar(List<String> set, Path fallback) {
		return (!set.isEmpty() && set.get(0).startsWith(JAR)) ? Path.of(set.get(0).substring(JAR.length())) : fallback;
	}

	private static String seconds(List<Double> values) {
		return String.join(" / ", values.stream().map((s) -> String.format(Locale.ROOT, "%.1f", s)).toList());
	}

	private static String mb(long kb) {
		return (kb < 0) ? "n/a" : String.format(Locale.ROOT, "%.1f", kb / 1024.0);
	}

	private static String ratio(long kb, long target) {
		return (kb < 0) ? "n/a" : String.format(Locale.ROOT, "%.2f", (double) kb / target);
	}

	private static String percent(double share) {
		return (share < 0) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * share);
	}

	record Figures(String label, List<Double> startups, Idle idle, Load load) {
	}

	record Idle(long residentKb, long peakKb, double cpuShare, long bareKb) {
	}

	/** @param fullShare the share of samples in which every slot was in flight */
	record Load(String answers, int answered, double rate, int inFlightMedian, double fullShare, long peakKb,
			long hwmKb, double cpuShare, double cpuMsPerLookup) {
	}

	/** The bare JVM's program: nothing, until it is stopped. */
	static final class BareJvm {

		private BareJvm() {
		}

		public static void main(String[] args) throws InterruptedException {
			Thread.sleep(Long.MAX_VALUE);
		}
	}

	/** What to run, from {@code --name value} options. */
	record Options(Path serverJar, Path probeJar, List<List<String>> probeJvms, int concurrency, int lines,
			Duration answerDelay, int answerBytes, Duration idle, int starts, int warmUp, boolean diagnose, Path workDir,
			Duration maxTime) {

		static final String USAGE = """

				Options:
				  --server-jar PATH        the server jar (default server/target/dragnet-server.jar)
				  --probe-jar PATH         the probe jar (default probe-agent/target/dragnet-probe.jar)
				  --probe-jvm "A;B"        the probe's JVM options, space-separated; several sets separated by ';'
				                           are measured one after the other, 'defaults' for none at all; a set
				                           may start with jar=PATH to run another probe jar (an earlier build)
				                           (default: as the README starts it, "%s")
				  --concurrency N          the probe's --concurrency, the tasks it runs at once (default 64)
				  --lines N                domains in the bulk that keeps the probe busy (default 4000)
				  --answer-delay MS        how long the fake registry takes to answer, so every slot is in flight
				                           (default 1000)
				  --answer-bytes N         size of each answer (default 4096, a long registry record)
				  --idle SECONDS           how long the probe is watched idle after its welcome (default 30)
				  --starts N               times the probe is started to time its welcome; the last one is measured
				                           (default 3)
				  --warm-up N              lines of a first bulk through another probe to a fake that answers at
				                           once, not measured, so the server is warm (default 2000; 0 for none)
				  --diagnose true|false    also start the probe with native memory tracking and write its summary and
				                           a class histogram after the idle and the load phases (default false)
				  --work-dir PATH          logs and the embedded database (default a new temporary directory)
				  --max-time SECONDS       give up on the bulk after this long (default 600)""".formatted(USER_JVM);

		private static final List<String> NAMES = List.of("server-jar", "probe-jar", "probe-jvm", "concurrency", "lines",
				"answer-delay", "answer-bytes", "idle", "starts", "warm-up", "diagnose", "work-dir", "max-time");

		static Options parse(String[] args) {
			Map<String, String> given = BenchArguments.given(args, NAMES);
			String diagnose = given.getOrDefault("diagnose", "false");
			if (!diagnose.equals("true") && !diagnose.equals("false")) {
				throw new IllegalArgumentException("--diagnose must be true or false, not '" + diagnose + "'");
			}
			return new Options(Path.of(given.getOrDefault("server-jar", "server/target/dragnet-server.jar")),
					Path.of(given.getOrDefault("probe-jar", "probe-agent/target/dragnet-probe.jar")),
					jvmSets(given.getOrDefault("probe-jvm", USER_JVM)), BenchArguments.number(given, "concurrency", 64, 1, 1024),
					BenchArguments.number(given, "lines", 4000, 1, 1_000_000),
					Duration.ofMillis(BenchArguments.number(given, "answer-delay", 1000, 0, 60_000)),
					BenchArguments.number(given, "answer-bytes", 4096, 1, 1 << 20), Duration.ofSeconds(BenchArguments.number(given, "idle", 30, 1, 3600)),
					BenchArguments.number(given, "starts", 3, 1, 20), BenchArguments.number(given, "warm-up", 2000, 0, 1_000_000),
					Boolean.parseBoolean(diagnose),
					given.containsKey("work-dir") ? Path.of(given.get("work-dir")) : null,
					Duration.ofSeconds(BenchArguments.number(given, "max-time", 600, 1, 86_400)));
		}

		/** These options with a new temporary work directory when none was given, once the jars are there. */
		Options ready() throws IOException {
			if (!Files.isRegularFile(this.serverJar) || !Files.isRegularFile(this.probeJar)) {
				throw new IllegalArgumentException("no jar at " + this.serverJar + " or " + this.probeJar
						+ " (build with mvn -B -DskipTests package)");
			}
			Path dir = (this.workDir != null) ? this.workDir : Files.createTempDirectory("dragnet-bench-");
			Files.createDirectories(dir);
			return new Options(this.serverJar, this.probeJar, this.probeJvms, this.concurrency, this.lines,
					this.answerDelay, this.answerBytes, this.idle, this.starts, this.warmUp, this.diagnose, dir,
					this.maxTime);
		}

		static List<List<String>> jvmSets(String text) {
			List<List<String>> sets = new ArrayList<>();
			for (String part : text.split(";", -1)) {
				String flags = part.strip();
				if (flags.isEmpty()) {
					throw new IllegalArgumentException("--probe-jvm has an empty set of options in '" + text
							+ "' (write '" + JVM_DEFAULTS + "' for none)");
				}
				List<String> words = new ArrayList<>(List.of(flags.split("\\s+")));
				String jar = words.get(0).startsWith(JAR) ? words.remove(0) : null;
				if (words.equals(List.of(JVM_DEFAULTS))) {
					words.clear();
				}
				if (words.stream().anyMatch((word) -> !word.startsWith("-")) || (jar != null && jar.equals(JAR))) {
					throw new IllegalArgumentException("--probe-jvm takes [jar=PATH] then JVM options starting with '-', "
							+ "not '" + flags + "'");
				}
				if (jar != null) {
					words.add(0, jar);
				}
				sets.add(List.copyOf(words));
			}
			return List.copyOf(sets);
		}
	}
}
