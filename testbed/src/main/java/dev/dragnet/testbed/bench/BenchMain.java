package dev.dragnet.testbed.bench;

import java.util.Arrays;

/**
 * {@code java -jar dragnet-testbed.jar BENCHMARK [options]}: runs one benchmark and prints its figures. Exit
 * status 0 when it ran (whatever the figures), 1 when it could not run, 64 for bad arguments.
 */
public final class BenchMain {

	static final String USAGE = """
			Usage: java -jar dragnet-testbed.jar whois-pacing|whois-throughput|live-stream|fleet-heap|probe-footprint|campaign-ingest|serve|world [options]

			whois-pacing: a bulk WHOIS request through the server and real probe processes to one fake
			registry that limits each source address, as real ones do. Prints throughput beside the
			bound (probes x allowed rate), error lines, and throttle notices returned as data.
			%s

			whois-throughput: Dragnet's own cost per WHOIS lookup. A bulk of distinct domains through the
			server and real probe processes to a fake registry that answers at once and limits no one, with
			the pace off, beside a direct client querying the same fake at the same concurrency; then the same
			domains again (cache hits). Prints lookups/s, the ratio to the direct client, and CPU ms per lookup
			of the server, its PostgreSQL, the probes and the benchmark's JVM.
			%s

			live-stream: the status page's event stream with a large fleet of simulated probes (real
			WebSocket sessions). Prints the bytes per second one viewer receives at steady state and under
			churn beside the bound (50 KB/s), and what one page of the probe table weighs.
			%s

			fleet-heap: what a probe session costs the server's heap. The server's live heap (a class
			histogram after a full GC) with no session, then with each count of simulated probes (real
			WebSocket sessions from several loopback addresses); at each count, after waiting past the ping
			timeout, how many the server still counts effective and how many it closed. Prints KB per session
			beside the target (12 KB), the heap at the largest count beside 1 GB, and the classes that grew,
			per session.
			%s

			probe-footprint: the probe agent's memory, CPU and start-up time. The probe jar, started as users
			start it, connected to the server jar: the time from its start to the server's welcome, its
			resident set and CPU idle, then while it runs 64 WHOIS tasks at once against a fake registry that
			answers slowly. Prints the resident set beside the targets (64 MB idle, 128 MB at 64 tasks) and
			beside a bare JVM with the same options.
			%s

			campaign-ingest: what storing a campaign's answers costs the server. One campaign (a /12 by
			default) worked by 1,000 simulated probes (real WebSocket sessions) that answer each block at once
			from a fixed rule, beside COPY of the same rows into copies of the same tables in the same
			PostgreSQL. Prints addresses/s of each, their ratio, the rows stored against those expected, and
			CPU ms per 1,000 addresses of the server, its PostgreSQL and the benchmark's JVM.
			%s

			jmh (through bin/dragnet-bench only): the JMH micro benchmarks of the frame codec, the WHOIS parser
			and the classifiers, from the server's test classes; the options are JMH's (bin/dragnet-bench jmh -h).
			%s""".formatted(WhoisPacingBenchmark.Options.USAGE, WhoisThroughputBenchmark.Options.USAGE, LiveStreamBenchmark.Options.USAGE,
					FleetHeapBenchmark.Options.USAGE,
					ProbeFootprintBenchmark.Options.USAGE, CampaignIngestBenchmark.Options.USAGE, ServeFakes.USAGE);

	private BenchMain() {
	}

	public static void main(String[] args) {
		if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
			System.out.println(USAGE);
			System.exit(args.length == 0 ? 64 : 0);
		}
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		try {
			switch (args[0]) {
				case "whois-pacing" -> WhoisPacingBenchmark.run(WhoisPacingBenchmark.Options.parse(rest));
				case "whois-throughput" -> WhoisThroughputBenchmark
					.run(WhoisThroughputBenchmark.Options.parse(rest).ready());
				case "live-stream" -> LiveStreamBenchmark.run(LiveStreamBenchmark.Options.parse(rest));
				case "fleet-heap" -> FleetHeapBenchmark.run(FleetHeapBenchmark.Options.parse(rest).ready());
				case "probe-footprint" -> ProbeFootprintBenchmark.run(ProbeFootprintBenchmark.Options.parse(rest).ready());
				case "campaign-ingest" -> CampaignIngestBenchmark.run(CampaignIngestBenchmark.Options.parse(rest).ready());
				case "serve" -> ServeFakes.serve(rest);
				case "world" -> ServeFakes.world(rest);
				default -> throw new IllegalArgumentException("unknown benchmark '" + args[0] + "'");
			}
		}
		catch (IllegalArgumentException ex) {
			System.err.println("bench: " + ex.getMessage());
			System.err.println(USAGE);
			System.exit(64);
		}
		catch (Exception ex) {
			System.err.println("bench: could not run: " + ex);
			ex.printStackTrace();
			System.exit(1);
		}
		System.exit(0);
	}
}
