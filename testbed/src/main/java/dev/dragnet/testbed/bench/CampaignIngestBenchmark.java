package dev.dragnet.testbed.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.testbed.swarm.CampaignSwarm;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What storing a campaign's answers costs the server (issue 12): the server jar on its embedded PostgreSQL,
 * {@code probes} simulated probes ({@link CampaignSwarm}: real WebSocket sessions that take blocks and answer each
 * at once from a fixed rule, {@link #names(long, int)}, asking no site) and one campaign of {@code addresses}
 * addresses from 10.0.0.0. Dragnet's figure is the addresses stored per second from the campaign's start to DONE,
 * both read from the API; the stored rows are counted and must equal what the rule gives. The bound is PostgreSQL
 * COPY of the same rows (text format, through the driver's {@code copyIn}) into copies of {@code ip_domain} and
 * {@code ip_no_domain} with the same indexes and foreign key, in the same PostgreSQL, in the same run. CPU is
 * measured for the server, its PostgreSQL and this JVM (the probes, the COPY client) over each part. Nothing here
 * asserts a time.
 */
final class CampaignIngestBenchmark {

	/** The first address of the campaign. */
	static final long FIRST = Ipv4Range.address("10.0.0.0", "first");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private CampaignIngestBenchmark() {
	}

	static void run(Options options) throws Exception {
		System.out.printf(Locale.ROOT, "campaign-ingest: %d addresses, %d simulated probes of %d slots, block size %s,"
				+ " one address in %d has names, %d cores, load %.2f, work dir %s%n", options.addresses,
				options.probes, options.slots, (options.blockSize > 0) ? options.blockSize : "the server's default",
				options.namesEvery, Runtime.getRuntime().availableProcessors(), ProcCpu.loadAverage(), options.workDir);
		List<String> properties = new ArrayList<>(List.of("logging.level.dev.dragnet=warn",
				"dragnet.rdap.refresh-enabled=false"));
		properties.addAll(options.serverProperties);
		try (Fleet fleet = Fleet.startServer(options.serverJar, options.workDir, options.serverJvm, properties)) {
			long started = System.nanoTime();
			URI server = URI.create("ws://127.0.0.1:" + fleet.uri("/").getPort());
			try (CampaignSwarm swarm = CampaignSwarm.connect(server, Fleet.PROBE_TOKEN, "ingest", options.probes,
					options.slots, Duration.ofSeconds(15), (address) -> names(address, options.namesEvery), 200,
					Duration.ofMinutes(10))) {
				System.out.printf(Locale.ROOT, "%d probes welcomed in %.1f s%n", options.probes,
						(System.nanoTime() - started) / 1e9);
				awaitEffective(fleet, options.probes, Duration.ofMinutes(5));
				awaitSettled(fleet, Duration.ofMinutes(5));
				FleetMeter meter = new FleetMeter(fleet);
				Dragnet dragnet = campaign(fleet, options, meter, swarm);
				Expected expected = expected(options);
				Copy copy = copy(databasePort(options.workDir), dragnet.campaignId, options, expected, meter);
				report(options, dragnet, copy, expected, swarm.tally());
			}
		}
	}

	/**
	 * The names the simulated probes report for {@code address}: one address in {@code every} has one to three
	 * names, the others none. Fixed by the address alone, so the rows to expect are known without the server.
	 */
	static List<String> names(long address, int every) {
		long h = mix(address);
		if (Long.remainderUnsigned(h, every) != 0) {
			return List.of();
		}
		String host = "h" + Long.toHexString(address);
		int count = 1 + (int) Long.remainderUnsigned(h >>> 20, 3);
		return switch (count) {
			case 1 -> List.of(host + ".example");
			case 2 -> List.of(host + ".example", "mail." + host + ".example");
			default -> List.of(host + ".example", "mail." + host + ".example", host + "-shop.test");
		};
	}

	private static long mix(long value) {
		long z = value + 0x9E37_79B9_7F4A_7C15L;
		z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
		return z ^ (z >>> 31);
	}

	/** The rows the campaign must store: (address, name) pairs and addresses with none. */
	record Expected(long names, long empty) {
	}

	static Expected expected(Options options) {
		long names = 0;
		long empty = 0;
		for (long address = FIRST; address < FIRST + options.addresses; address++) {
			int n = names(address, options.namesEvery).size();
			names += n;
			empty += (n == 0) ? 1 : 0;
		}
		return new Expected(names, empty);
	}

	/** Dragnet's run: the campaign from its start to DONE, as the API says, with the CPU each party spent. */
	record Dragnet(long campaignId, int blockSize, int blocks, double seconds, FleetMeter.Usage usage, String failures) {

		double rate(long addresses) {
			return addresses / this.seconds;
		}
	}

	private static Dragnet campaign(Fleet fleet, Options options, FleetMeter meter, CampaignSwarm swarm) throws Exception {
		String range = Ipv4Range.format(FIRST) + "-" + Ipv4Range.format(FIRST + options.addresses - 1);
		String body = "{\"name\":\"ingest-bench\",\"ranges\":[\"" + range + "\"],\"sources\":[\"ptr\"]"
				+ ((options.blockSize > 0) ? ",\"blockSize\":" + options.blockSize : "") + "}";
		JsonNode created = JSON.readTree(ok(fleet.send("POST", "/api/campaigns", "application/json", body)));
		long id = created.path("id").asLong();
		System.out.printf(Locale.ROOT, "campaign %d: %d addresses in %d blocks of %d%n", id, created.path("totalIps")
			.asLong(), created.path("totalBlocks").asInt(), created.path("blockSize").asInt());
		Path profile = (options.profile != null) ? Path.of(options.profile).toAbsolutePath() : null;
		if (profile != null) {
			Jcmd.tryRun(fleet.serverPid(), "JFR.start", "name=ingest", "settings=profile",
					"filename=" + profile);
		}
		FleetMeter.Snapshot before = meter.snapshot();
		ok(fleet.send("POST", "/api/campaigns/" + id + "/start", "application/json", ""));
		JsonNode view = awaitEnd(fleet, id, options.maxTime, swarm);
		FleetMeter.Usage usage = meter.since(before);
		if (profile != null) {
			Jcmd.tryRun(fleet.serverPid(), "JFR.stop", "name=ingest");
			System.out.println("JFR recording of the server: " + profile + " (bin/jfr-hotspots " + profile + ")");
		}
		Instant start = instant(view.path("startedAt"));
		Instant end = instant(view.path("finishedAt"));
		double seconds = Math.max(1, end.toEpochMilli() - start.toEpochMilli()) / 1000.0;
		JsonNode failures = view.path("failures");
		return new Dragnet(id, view.path("blockSize").asInt(), view.path("totalBlocks").asInt(), seconds, usage,
				failures.isMissingNode() || failures.isNull() ? "none" : failures.toString());
	}

	/** Answers 503 (database unavailable) to the benchmark's reads while the campaign ran. */
	private static final AtomicInteger UNAVAILABLE = new AtomicInteger();

	/**
	 * Waits until the server answers three reads that need the database in a row: a thousand probes connecting at
	 * once keep it busy for a while, and the campaign should not start in that storm.
	 */
	private static void awaitSettled(Fleet fleet, Duration within) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		int inRow = 0;
		while (inRow < 3) {
			if (System.nanoTime() > deadline) {
				throw new IOException("the server did not answer /api/campaigns three times in a row within "
						+ within.toSeconds() + " s");
			}
			inRow = (get(fleet, "/api/campaigns").statusCode() == 200) ? inRow + 1 : 0;
			Thread.sleep(1000);
		}
	}

	private static JsonNode awaitEnd(Fleet fleet, long id, Duration within, CampaignSwarm swarm) throws Exception {
		long deadline = System.nanoTime() + within.toNanos();
		long lastPrint = System.nanoTime();
		while (System.nanoTime() < deadline) {
			HttpResponse<String> response = get(fleet, "/api/campaigns/" + id);
			if (response.statusCode() == 503) {
				// The server found its database too slow to answer (a busy machine): said in the report, and asked again.
				UNAVAILABLE.incrementAndGet();
				Thread.sleep(1000);
				continue;
			}
			JsonNode view = JSON.readTree(ok(response));
			String state = view.path("state").asString();
			if (state.equals("DONE") || state.equals("FAILED") || state.equals("CANCELLED")) {
				System.out.printf(Locale.ROOT, "campaign %d is %s%n", id, state);
				return view;
			}
			if (System.nanoTime() - lastPrint > 10_000_000_000L) {
				lastPrint = System.nanoTime();
				CampaignSwarm.Tally tally = swarm.tally();
				System.out.printf(Locale.ROOT, "  %s: %d of %d addresses done; probes: %d leases, %d acked, %d deferred,"
						+ " %d refused, load %.2f%n", state, view.path("progress").path("ips").path("done").asLong(),
						view.path("totalIps").asLong(), tally.leases(), tally.accepted(), tally.deferred(),
						tally.refused(), ProcCpu.loadAverage());
			}
			Thread.sleep(200);
		}
		throw new IOException("campaign " + id + " did not end within " + within.toSeconds() + " s");
	}

	/**
	 * The baseline's run: COPY of the same rows into copies of the two tables, one table after the other; with the
	 * rows the campaign stored, counted before.
	 */
	record Copy(double seconds, FleetMeter.Usage usage, long names, long empty, long storedNames, long storedEmpty) {

		double rate(long addresses) {
			return addresses / this.seconds;
		}
	}

	/** The embedded PostgreSQL's port: the fourth line of its {@code postmaster.pid}. */
	private static int databasePort(Path workDir) throws IOException {
		try (Stream<Path> files = Files.find(workDir.resolve("postgres"), 4,
				(path, attributes) -> path.endsWith("postmaster.pid"))) {
			Path file = files.findFirst().orElseThrow(() -> new IOException("no postmaster.pid under " + workDir));
			return Integer.parseInt(Files.readAllLines(file).get(3).strip());
		}
	}

	private static Copy copy(int port, long campaignId, Options options, Expected expected, FleetMeter meter) {
		PostgresqlConnectionFactory factory = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration
			.builder()
			.host("127.0.0.1")
			.port(port)
			.username("postgres")
			.database("postgres")
			.connectTimeout(Duration.ofSeconds(10))
			.build());
		return Mono.usingWhen(factory.create(), (connection) -> copy(connection, campaignId, options, expected, meter),
				PostgresqlConnection::close)
			.block(options.maxTime);
	}

	private static Mono<Copy> copy(PostgresqlConnection connection, long campaignId, Options options,
			Expected expected, FleetMeter meter) {
		String prepare = """
				DROP TABLE IF EXISTS bench_copy_ip_domain, bench_copy_ip_no_domain;
				CREATE TABLE bench_copy_ip_domain (LIKE ip_domain INCLUDING ALL);
				ALTER TABLE bench_copy_ip_domain ADD FOREIGN KEY (campaign_id) REFERENCES campaign (id) ON DELETE SET NULL;
				CREATE TABLE bench_copy_ip_no_domain (LIKE ip_no_domain INCLUDING ALL);
				ALTER TABLE bench_copy_ip_no_domain ADD FOREIGN KEY (campaign_id) REFERENCES campaign (id) ON DELETE SET NULL;
				CHECKPOINT
				""";
		Mono<long[]> stored = connection.createStatement("SELECT (SELECT count(*) FROM ip_domain WHERE campaign_id = $1) AS n,"
				+ " (SELECT count(*) FROM ip_no_domain WHERE campaign_id = $1) AS e")
			.bind("$1", campaignId)
			.execute()
			.flatMap((result) -> result.map((row, meta) -> new long[] { row.get("n", Long.class), row.get("e", Long.class) }))
			.single();
		Mono<Void> ready = connection.createStatement(prepare).execute().flatMap((result) -> result.getRowsUpdated()).then();
		return stored.flatMap((counts) -> ready.then(Mono.defer(() -> {
			FleetMeter.Snapshot before = meter.snapshot();
			long start = System.nanoTime();
			Mono<Long> names = connection.copyIn("COPY bench_copy_ip_domain (ip, domain, domain_level, verification, "
					+ "sources, campaign_id) FROM STDIN", rows(options, campaignId, true));
			Mono<Long> empty = connection.copyIn("COPY bench_copy_ip_no_domain (ip, campaign_id) FROM STDIN",
					rows(options, campaignId, false));
			return names.zipWith(empty.defaultIfEmpty(0L), (n, e) -> {
				double seconds = (System.nanoTime() - start) / 1e9;
				return new Copy(seconds, meter.since(before), n, e, counts[0], counts[1]);
			});
		})))
			.flatMap((copy) -> connection.createStatement("DROP TABLE bench_copy_ip_domain, bench_copy_ip_no_domain")
				.execute()
				.flatMap((result) -> result.getRowsUpdated())
				.then(Mono.just(copy)));
	}

	/** The rows of one table in COPY's text format, made as they are sent, in chunks of about 64 KiB. */
	private static Flux<ByteBuf> rows(Options options, long campaignId, boolean withNames) {
		long end = FIRST + options.addresses;
		return Flux.generate(() -> FIRST, (next, sink) -> {
			if (next >= end) {
				sink.complete();
				return next;
			}
			StringBuilder chunk = new StringBuilder(70_000);
			long address = next;
			for (; address < end && chunk.length() < 65_536; address++) {
				List<String> names = names(address, options.namesEvery);
				String ip = Ipv4Range.format(address);
				if (withNames) {
					for (String name : names) {
						chunk.append(ip).append('\t').append(name).append('\t').append(level(name)).append("\t0\t{ptr}\t")
							.append(campaignId).append('\n');
					}
				}
				else if (names.isEmpty()) {
					chunk.append(ip).append('\t').append(campaignId).append('\n');
				}
			}
			byte[] bytes = chunk.toString().getBytes(StandardCharsets.US_ASCII);
			sink.next(ByteBufAllocator.DEFAULT.buffer(bytes.length).writeBytes(bytes));
			return address;
		});
	}

	/** The level the server gives these names: 1 for {@code hX.example} and {@code hX-shop.test}, 2 below them. */
	private static int level(String name) {
		return name.startsWith("mail.") ? 2 : 1;
	}

	private static void report(Options options, Dragnet dragnet, Copy copy, Expected expected,
			CampaignSwarm.Tally tally) {
		long addresses = options.addresses;
		double dragnetRate = dragnet.rate(addresses);
		double copyRate = copy.rate(addresses);
		System.out.println();
		System.out.printf(Locale.ROOT, "campaign-ingest result (%d addresses, block size %d, %d probes; CPU: ms per 1,000"
				+ " addresses)%n", addresses, dragnet.blockSize, options.probes);
		System.out.println("| run | addresses/s | of COPY | seconds | rows | CPU server | CPU PostgreSQL | CPU bench JVM "
				+ "| machine |");
		System.out.println("|---|---|---|---|---|---|---|---|---|");
		System.out.printf(Locale.ROOT, "| Dragnet, campaign start to DONE | %.0f | %.2f | %.1f | %s | %s | %s | %s | %s |%n",
				dragnetRate, dragnetRate / copyRate, dragnet.seconds, rows(copy.storedNames, copy.storedEmpty),
				perThousand(dragnet.usage.server(), addresses), perThousand(dragnet.usage.postgres(), addresses),
				perThousand(dragnet.usage.bench(), addresses), busy(dragnet.usage));
		System.out.printf(Locale.ROOT, "| COPY of the same rows | %.0f | 1.00 | %.1f | %s | - | %s | %s | %s |%n", copyRate,
				copy.seconds, rows(copy.names, copy.empty), perThousand(copy.usage.postgres(), addresses),
				perThousand(copy.usage.bench(), addresses), busy(copy.usage));
		System.out.println();
		System.out.printf(Locale.ROOT, "expected rows: %s; failed blocks: %s%n", rows(expected.names, expected.empty),
				dragnet.failures);
		System.out.printf(Locale.ROOT, "probes: %d leases (%d blocks), %d results sent, %d acked, %d deferred, %d refused %s,"
				+ " %d sessions closed by the server%n", tally.leases(), dragnet.blocks, tally.results(),
				tally.accepted(), tally.deferred(), tally.refused(), tally.refusals(), tally.closedByServer());
		System.out.printf(Locale.ROOT, "database-unavailable (503) answers to the benchmark's progress reads: %d%n",
				UNAVAILABLE.get());
		System.out.printf(Locale.ROOT, "load average at the end %.2f%n", ProcCpu.loadAverage());
		if (copy.storedNames != expected.names || copy.storedEmpty != expected.empty || copy.names != expected.names
				|| copy.empty != expected.empty) {
			throw new IllegalStateException("the rows stored (" + rows(copy.storedNames, copy.storedEmpty) + ") or copied ("
					+ rows(copy.names, copy.empty) + ") are not the rows expected (" + rows(expected.names, expected.empty)
					+ ")");
		}
		System.out.println("the rows stored and the rows copied are the rows expected");
	}

	private static String rows(long names, long empty) {
		return String.format(Locale.ROOT, "%d ip_domain + %d ip_no_domain", names, empty);
	}

	private static String perThousand(double seconds, long addresses) {
		return (seconds < 0) ? "n/a" : String.format(Locale.ROOT, "%.2f", 1_000_000 * seconds / addresses);
	}

	private static String busy(FleetMeter.Usage usage) {
		return (usage.machineBusy() < 0) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * usage.machineBusy());
	}

	private static Instant instant(JsonNode node) {
		return node.isNumber() ? Instant.ofEpochMilli((long) (node.asDouble() * 1000)) : Instant.parse(node.asString());
	}

	private static void awaitEffective(Fleet fleet, int probes, Duration within) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		int effective = -1;
		while (System.nanoTime() < deadline) {
			effective = JSON.readTree(ok(get(fleet, "/api/probes?state=EFFECTIVE&size=1"))).path("total").asInt();
			if (effective >= probes) {
				return;
			}
			Thread.sleep(500);
		}
		throw new IOException("the server shows " + effective + " of " + probes + " probes effective after "
				+ within.toSeconds() + " s");
	}

	private static HttpResponse<String> get(Fleet fleet, String path) throws IOException, InterruptedException {
		return fleet.http().send(HttpRequest.newBuilder(fleet.uri(path)).timeout(Duration.ofSeconds(60)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static String ok(HttpResponse<String> response) throws IOException {
		if (response.statusCode() / 100 != 2) {
			throw new IOException(response.request().method() + " " + response.uri() + " answered "
					+ response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	/** What to run, from {@code --name value} options. */
	record Options(Path serverJar, int probes, int slots, long addresses, int blockSize, int namesEvery,
			List<String> serverJvm, List<String> serverProperties, String profile, Path workDir, Duration maxTime) {

		static final String USAGE = """

				Options:
				  --server-jar PATH        the server jar (default server/target/dragnet-server.jar)
				  --probes N               simulated probes, one WebSocket session each (default 1000)
				  --slots N                blocks each probe works at once, as the agent's 2 (default 2)
				  --addresses N            addresses of the campaign, from 10.0.0.0 (default 1048576, a /12)
				  --block-size N           the campaign's block size (default: the server's default)
				  --names-every N          one address in N has 1-3 names, the others none (default 4)
				  --server-jvm "FLAGS"     extra JVM options for the server, space-separated (after -Xmx1g)
				  --server-properties "P"  extra server properties, space-separated name=value
				  --profile FILE           record a JFR profile of the server from the campaign's start to its end
				  --work-dir PATH          logs and the embedded database (default a new temporary directory)
				  --max-time SECONDS       give up on the campaign after this long (default 1800)""";

		private static final List<String> NAMES = List.of("server-jar", "probes", "slots", "addresses", "block-size",
				"names-every", "server-jvm", "server-properties", "profile", "work-dir", "max-time");

		static Options parse(String[] args) {
			Map<String, String> given = BenchArguments.given(args, NAMES);
			Options options = new Options(Path.of(given.getOrDefault("server-jar", "server/target/dragnet-server.jar")),
					(int) BenchArguments.number(given, "probes", 1000, 1, 15_000), (int) BenchArguments.number(given, "slots", 2, 1, 64),
					BenchArguments.number(given, "addresses", 1L << 20, 1, 1L << 24), (int) BenchArguments.number(given, "block-size", 0, 1, 65_536),
					(int) BenchArguments.number(given, "names-every", 4, 1, 1_000_000), BenchArguments.words(given.get("server-jvm")),
					BenchArguments.words(given.get("server-properties")), given.get("profile"),
					given.containsKey("work-dir") ? Path.of(given.get("work-dir")) : null,
					Duration.ofSeconds(BenchArguments.number(given, "max-time", 1800, 1, 86_400)));
			if (options.serverProperties.stream().anyMatch((property) -> property.indexOf('=') < 1)) {
				throw new IllegalArgumentException("--server-properties takes name=value pairs, not '"
						+ given.get("server-properties") + "'");
			}
			return options;
		}

		/** These options with a new temporary work directory when none was given, once the jar is there. */
		Options ready() throws IOException {
			if (!Files.isRegularFile(this.serverJar)) {
				throw new IllegalArgumentException("no jar at " + this.serverJar + " (build with mvn -B -DskipTests package)");
			}
			Path dir = (this.workDir != null) ? this.workDir : Files.createTempDirectory("dragnet-bench-");
			return new Options(this.serverJar, this.probes, this.slots, this.addresses, this.blockSize, this.namesEvery,
					this.serverJvm, this.serverProperties, this.profile, dir, this.maxTime);
		}
	}
}
