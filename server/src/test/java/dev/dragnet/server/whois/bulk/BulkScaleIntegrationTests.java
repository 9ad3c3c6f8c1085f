package dev.dragnet.server.whois.bulk;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.probe.ProbeConfig;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.server.DragnetServerApplication;
import dev.dragnet.server.probe.ProbeRegistry;
import dev.dragnet.server.probe.ProbeSession;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 100,000 domains in one bulk request, through four real probe agents against the fake WHOIS server (which
 * answers at once): every line is answered exactly once, the client's body is generated as the server reads
 * it, and the heap stays bounded.
 *
 * <p>The heap is measured as the live set: right after {@code System.gc()} at a few points of the run (the
 * surefire argLine gives {@code -Xmx1g}). Everything runs in this JVM (server, probes, fake, client), so the
 * figures include them all; PostgreSQL runs in its own process.
 */
class BulkScaleIntegrationTests {

	private static final String PROBE_TOKEN = "scale-probe-token";

	private static final String ADMIN_TOKEN = "scale-admin-token";

	private static final int LINES = 100_000;

	private static final int PROBES = 4;

	private static final int PROBE_CONCURRENCY = 32;

	/** Answered lines at which the live heap is measured. */
	private static final int[] CHECKPOINTS = { 10_000, 40_000, 70_000, 95_000 };

	/**
	 * Bound of the live heap the run adds to what was live before the request. Measured (2 cores, G1, -Xmx1g): 28 MB
	 * before the request alone, 31, 32, 34 and 35 MB at the checkpoints; in a full run, after other test classes,
	 * 150 MB before and 156 to 163 MB at the checkpoints. The heap in use, garbage included, peaked at 170 MB alone.
	 * Holding the 100,000 answers (about 1 KB each as JSON, more as maps) or their pending lookups would be far
	 * beyond it. Measured from the baseline because the JVM also holds what earlier test classes left behind.
	 */
	private static final long LIVE_HEAP_ADDED_BOUND = 64L * 1024 * 1024;

	/**
	 * Bound of the live heap's growth between the first and the last checkpoint, 85,000 lines apart. The fake
	 * WHOIS server keeps every query it receives (about 4 MB for 85,000), the only thing here that grows with
	 * the lines: measured growth 4 MB. Anything that kept 300 bytes per line would break this bound.
	 */
	private static final long LIVE_HEAP_GROWTH_BOUND = 24L * 1024 * 1024;

	/**
	 * No answer for this long ends the run at once, failed with what every party was doing: a stall would otherwise
	 * wait out the whole timeout and say nothing. The slowest runs seen answered several hundred lines a second.
	 */
	private static final Duration STALL = Duration.ofSeconds(60);

	/**
	 * A run not done after this long ends likewise, failed with the same report: answers that trickle (a pace slowed
	 * down, attempts timing out) would never trip {@link #STALL}. Runs take 20 to 60 s alone, 35 to 120 s in a full run.
	 */
	private static final Duration DEADLINE = Duration.ofSeconds(300);

	private static final ParameterizedTypeReference<Map<String, Object>> ANSWER = new ParameterizedTypeReference<>() {
	};

	private static FakeWhoisServer whois;

	private static ConfigurableApplicationContext server;

	private static WebClient http;

	private static final List<ProbeAgent> agents = new ArrayList<>();

	@BeforeAll
	static void start() {
		whois = FakeWhoisServer.start();
		server = new SpringApplicationBuilder(DragnetServerApplication.class).properties(TestDatabase.springProperties())
			.run("--server.port=0", "--dragnet.probes.tokens=" + PROBE_TOKEN, "--dragnet.admin.token=" + ADMIN_TOKEN,
					"--dragnet.whois.allow-private-servers=true", "--dragnet.whois.default-policy=whois",
					"--dragnet.whois.pace.min-interval=0ms", "--dragnet.whois.pace.max-connections=64");
		int port = Integer.parseInt(server.getEnvironment().getProperty("local.server.port"));
		http = WebClient.create("http://127.0.0.1:" + port);
		http.put()
			.uri("/api/whois-servers/{suffix}", "scale")
			.headers((h) -> h.setBearerAuth(ADMIN_TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("host", whois.host(), "port", whois.port(), "queryFormat", "%s"))
			.retrieve()
			.toBodilessEntity()
			.block(Duration.ofSeconds(10));
		for (int i = 1; i <= PROBES; i++) {
			agents.add(new ProbeAgent(ProbeConfig.of(URI.create("ws://127.0.0.1:" + port + Protocol.PATH), PROBE_TOKEN,
					"scale-" + i, PROBE_CONCURRENCY, true)).start());
		}
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> http.get()
			.uri("/api/probes")
			.retrieve()
			.bodyToFlux(ANSWER)
			.filter((p) -> "EFFECTIVE".equals(p.get("state")))
			.count()
			.block(Duration.ofSeconds(10)) == PROBES);
	}

	@AfterAll
	static void stop() {
		agents.forEach(ProbeAgent::close);
		if (server != null) {
			server.close();
			server = null; // a closed context still holds its beans
		}
		if (whois != null) {
			whois.close();
		}
	}

	@Test
	void aHundredThousandDomainsAreEachAnsweredOnceInBoundedMemory() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long baseline = liveHeap(memory);
		AtomicLong generated = new AtomicLong();
		AtomicInteger longestElement = new AtomicInteger();
		// The body: one element per line, made when the HTTP client asks for it; never the whole text. Made off the
		// client's event loop: made on it, a body that is always ready kept that loop writing for as long as the
		// server took it in, so the client read no answer until it had sent every line (seen once in a full run,
		// with a warm server), which says nothing about the server.
		Flux<String> body = Flux.range(1, LINES).map((i) -> String.format("bulk-scale-%06d.scale\n", i)).doOnNext((line) -> {
			generated.incrementAndGet();
			longestElement.accumulateAndGet(line.length(), Math::max);
		}).subscribeOn(Schedulers.parallel()).publishOn(Schedulers.parallel(), 256);
		FunctionCounter serverRead = server.getBean(MeterRegistry.class)
			.get("dragnet.whois.bulk.lines")
			.tag("stage", "read")
			.functionCounter();
		double readBefore = serverRead.count();
		Tally tally = new Tally(() -> (long) (serverRead.count() - readBefore));
		Sinks.Empty<Void> stalled = Sinks.empty();
		HeapWatch watch = new HeapWatch(memory, tally, (what) -> stallReport(what, generated.get(), tally.answered),
				stalled);
		watch.start();
		long started = System.nanoTime();
		http.post()
			.uri("/api/whois/bulk")
			.contentType(MediaType.TEXT_PLAIN)
			.accept(MediaType.APPLICATION_NDJSON)
			.body(body, String.class)
			.retrieve()
			.bodyToFlux(ANSWER)
			.doOnNext((answer) -> tally.add(answer, generated.get()))
			.takeUntilOther(stalled.asMono())
			.blockLast(Duration.ofSeconds(600));
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		watch.interrupt();
		watch.join(10_000);
		System.out.printf("bulk scale: %d lines in %d ms (%d lines/s); %d lines generated and %d read by the server"
				+ " when the first answer arrived; live heap %d MB at start, %s MB at %s answers; peak used (with garbage)"
				+ " %d MB%n", LINES, millis, LINES * 1000L / Math.max(1, millis), tally.generatedAtFirstAnswer,
				tally.readAtFirstAnswer, mb(baseline),
				watch.liveMegabytes(), Arrays.toString(CHECKPOINTS), mb(watch.peakUsed));

		assertThat(watch.stall).as("the answers stopped or crawled").isNull();
		assertThat(tally.errors).as("answers with an error (first: %s)", tally.firstError).isZero();
		assertThat(tally.duplicates).as("lines answered twice").isZero();
		assertThat(tally.lines.cardinality()).as("distinct lines answered").isEqualTo(LINES);
		assertThat(tally.lines.nextSetBit(0)).isEqualTo(1);
		assertThat(tally.lines.length() - 1).isEqualTo(LINES);
		assertThat(generated.get()).as("lines generated by the client").isEqualTo(LINES);
		assertThat(longestElement.get()).as("longest body element: one line each").isLessThanOrEqualTo(24);
		// What the server had read, not what the client had made: the client's count also holds what the socket
		// buffers took in, which loopback's autotuned buffers (megabytes) can make the whole 1.5 MB body when the
		// first answer is slow (seen once in a full run). All 100,000 read would mean the server read the body
		// ahead of its own demand before answering.
		assertThat(tally.readAtFirstAnswer).as("lines the server had read when the first answer arrived")
			.isLessThan(LINES);
		assertThat(watch.live).as("live heap measured at every checkpoint").hasSize(CHECKPOINTS.length);
		assertThat(watch.live).as("live heap at the checkpoints, over %d MB before the request", mb(baseline))
			.allSatisfy((live) -> assertThat(live - baseline).isLessThan(LIVE_HEAP_ADDED_BOUND));
		assertThat(watch.live.get(watch.live.size() - 1) - watch.live.get(0)).as("live heap growth over 85,000 lines")
			.isLessThan(LIVE_HEAP_GROWTH_BOUND);
	}

	/** What each party was doing when the answers stopped, in one line; the threads' stacks go to standard output. */
	private static String stallReport(String what, long generated, int answered) {
		MeterRegistry meters = server.getBean(MeterRegistry.class);
		double read = meters.get("dragnet.whois.bulk.lines").tag("stage", "read").functionCounter().count();
		double linesAnswered = meters.get("dragnet.whois.bulk.lines").tag("stage", "answered").functionCounter().count();
		double queued = meters.find("dragnet.schedule.queued").gauges().stream().mapToDouble(Gauge::value).sum();
		StringBuilder probes = new StringBuilder();
		for (ProbeSession probe : server.getBean(ProbeRegistry.class).sessions()) {
			probes.append(String.format(" probe %s%s: %d credits, %d in flight;", probe.name(),
					probe.acceptsWork() ? "" : " (takes no work)", probe.availableCredits(), probe.inFlight()));
		}
		StringBuilder threads = new StringBuilder();
		for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
			threads.append(thread);
		}
		System.out.println("bulk scale stalled; the threads:\n" + threads);
		Map<String, Double> attempts = new TreeMap<>();
		meters.find("dragnet.whois.requests")
			.counters()
			.forEach((counter) -> attempts.merge(counter.getId().getTag("outcome"), counter.count(), Double::sum));
		return String.format("%s: %d answers, %d lines made by the client; server: %.0f lines read, %.0f answered,"
				+ " %.0f lookups queued for a turn, attempts by outcome %s;%s the fake WHOIS server got %d queries;"
				+ " threads not idle:%s", what, answered, generated, read, linesAnswered, queued, attempts, probes,
				whois.queries().size(), busyThreads());
	}

	/**
	 * The scheduler and event-loop threads (the probes' too), and any blocked thread, that are not waiting for work:
	 * each with its state, its top frame and the first frame outside the JDK. A thread stuck there would stall the
	 * run.
	 */
	private static String busyThreads() {
		StringBuilder busy = new StringBuilder();
		for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
			String name = thread.getThreadName();
			StackTraceElement[] stack = thread.getStackTrace();
			boolean watched = thread.getThreadState() == Thread.State.BLOCKED || name.startsWith("parallel-")
					|| name.startsWith("reactor-") || name.startsWith("boundedElastic-") || name.startsWith("probe-");
			if (!watched || stack.length == 0 || Arrays.stream(stack).anyMatch(BulkScaleIntegrationTests::waitsForWork)) {
				continue;
			}
			StackTraceElement own = Arrays.stream(stack)
				.filter((frame) -> !frame.getClassName().matches("(java|jdk|sun)\\..*"))
				.findFirst()
				.orElse(stack[0]);
			busy.append(String.format(" %s %s at %s.%s (from %s.%s:%d);", name, thread.getThreadState(),
					stack[0].getClassName(), stack[0].getMethodName(), own.getClassName(), own.getMethodName(),
					own.getLineNumber()));
		}
		return (busy.length() > 0) ? busy.toString() : " none";
	}

	private static boolean waitsForWork(StackTraceElement frame) {
		String method = frame.getClassName() + "." + frame.getMethodName();
		return method.endsWith("DelayedWorkQueue.take") || method.endsWith("DelayedWorkQueue.poll")
				|| method.contains("epollWait") || method.contains("EPoll.wait") || method.contains("SelectorImpl.select")
				|| method.endsWith("ForkJoinPool.awaitWork");
	}

	private static long liveHeap(MemoryMXBean memory) {
		System.gc();
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static long mb(long bytes) {
		return bytes / (1024 * 1024);
	}

	/** What the answers said; {@code add} is called serially, by the one subscriber. */
	private static final class Tally {

		final BitSet lines = new BitSet(LINES + 1);

		volatile int answered;

		int duplicates;

		int errors;

		Object firstError;

		long generatedAtFirstAnswer = -1;

		long readAtFirstAnswer = -1;

		private final LongSupplier serverRead;

		Tally(LongSupplier serverRead) {
			this.serverRead = serverRead;
		}

		void add(Map<String, Object> answer, long generated) {
			if (this.generatedAtFirstAnswer < 0) {
				this.generatedAtFirstAnswer = generated;
				this.readAtFirstAnswer = this.serverRead.getAsLong();
			}
			int line = ((Number) answer.get("line")).intValue();
			if (this.lines.get(line)) {
				this.duplicates++;
			}
			this.lines.set(line);
			if (answer.containsKey("error") || !answer.containsKey("result")) {
				if (this.errors++ == 0) {
					this.firstError = answer;
				}
			}
			this.answered++;
		}
	}

	/**
	 * Samples the heap every 100 ms (used, garbage included) and, when the answers pass a checkpoint, measures
	 * the live heap right after {@code System.gc()}. Runs on its own thread, never on an event loop.
	 */
	private static final class HeapWatch extends Thread {

		private final MemoryMXBean memory;

		private final Tally tally;

		private final Function<String, String> report;

		private final Sinks.Empty<Void> stalled;

		final List<Long> live = new CopyOnWriteArrayList<>();

		volatile long peakUsed;

		/** What {@link #stallReport} said when the answers stopped, or null. */
		volatile @Nullable String stall;

		HeapWatch(MemoryMXBean memory, Tally tally, Function<String, String> report, Sinks.Empty<Void> stalled) {
			super("bulk-scale-heap-watch");
			setDaemon(true);
			this.memory = memory;
			this.tally = tally;
			this.report = report;
			this.stalled = stalled;
		}

		@Override
		public void run() {
			int next = 0;
			int answered = -1;
			long started = System.nanoTime();
			long changed = started;
			try {
				while (!isInterrupted()) {
					if (this.tally.answered != answered) {
						answered = this.tally.answered;
						changed = System.nanoTime();
					}
					else if (this.stall == null && System.nanoTime() - changed > STALL.toNanos()) {
						this.stall = this.report.apply("no answer for " + STALL.toSeconds() + " s");
						this.stalled.tryEmitEmpty();
					}
					if (this.stall == null && System.nanoTime() - started > DEADLINE.toNanos()) {
						this.stall = this.report.apply("not done after " + DEADLINE.toSeconds() + " s");
						this.stalled.tryEmitEmpty();
					}
					this.peakUsed = Math.max(this.peakUsed, this.memory.getHeapMemoryUsage().getUsed());
					if (next < CHECKPOINTS.length && this.tally.answered >= CHECKPOINTS[next]) {
						this.live.add(liveHeap(this.memory));
						next++;
					}
					Thread.sleep(100);
				}
			}
			catch (InterruptedException ex) {
				// the run is over
			}
		}

		String liveMegabytes() {
			return this.live.stream().map((bytes) -> Long.toString(mb(bytes))).toList().toString();
		}
	}
}
