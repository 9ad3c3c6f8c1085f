package dev.dragnet.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.dragnet.server.whois.parse.WhoisFixtures;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the frames of one WHOIS task on the WebSocket, through the shared {@link FrameCodec}: the server encodes the
 * task and the probe decodes it; the probe encodes the result (a real 3.5 KB registry answer, {@link WhoisFixtures})
 * and its credit grant, and the server decodes them. Here, in the server's test sources, because the JMH set-up
 * and the real answers live there. Run with {@code bin/dragnet-bench jmh} (docs/BENCHMARKS.md); never part of the
 * tests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameCodecBenchmark {

	/** {@code hot}: the codec as shipped; {@code bound}: data binding for every frame, as before the hand-written frames. */
	@Param({ "hot", "bound" })
	public String codecKind;

	private FrameCodec codec;

	private BlockResult block;

	private String blockText;

	private Task task;

	private String taskText;

	private TaskResult result;

	private String resultText;

	private String creditText;

	@Setup
	public void frames() {
		this.codec = new FrameCodec("hot".equals(this.codecKind));
		this.task = new Task("i1-184467", 15_000, new WhoisQuery("whois.verisign-grs.com", 43, "domain google.com", null,
				131_072, 10_000, null, new Pace(1000, 2)));
		this.taskText = this.codec.encode(this.task);
		String answer = WhoisFixtures.answer("com/google.com").text();
		this.result = new TaskResult("i1-184467", TaskResult.Outcome.OK, answer, answer.length(), 212, null);
		this.resultText = this.codec.encode(this.result);
		this.creditText = this.codec.encode(new CreditGrant(1));
		this.block = block();
		this.blockText = this.codec.encode(this.block);
	}

	/** A campaign block of 256 addresses as a probe reports it: a quarter with two or three names, the rest none. */
	private static BlockResult block() {
		List<BlockResult.IpFinding> found = new ArrayList<>();
		List<String> empty = new ArrayList<>();
		for (int i = 0; i < 256; i++) {
			String ip = "198.51.100." + i;
			if (i % 4 != 0) {
				empty.add(ip);
				continue;
			}
			List<BlockResult.DomainFinding> domains = new ArrayList<>();
			for (int j = 0; j < 2 + i % 2; j++) {
				domains.add(new BlockResult.DomainFinding("host-" + i + "-" + j + ".example-shop.com.cn",
						List.of("ip138", "ptr"), (j == 0) ? Boolean.TRUE : null));
			}
			found.add(new BlockResult.IpFinding(ip, domains));
		}
		return new BlockResult("l-4711-2", found, empty);
	}

	@Benchmark
	public String encodeBlockResult() {
		return this.codec.encode(this.block);
	}

	@Benchmark
	public ProbeFrame decodeBlockResult() {
		return this.codec.decodeProbeFrame(this.blockText);
	}

	@Benchmark
	public String encodeTask() {
		return this.codec.encode(this.task);
	}

	@Benchmark
	public ServerFrame decodeTask() {
		return this.codec.decodeServerFrame(this.taskText);
	}

	@Benchmark
	public String encodeResult() {
		return this.codec.encode(this.result);
	}

	@Benchmark
	public ProbeFrame decodeResult() {
		return this.codec.decodeProbeFrame(this.resultText);
	}

	@Benchmark
	public String encodeCredit() {
		return this.codec.encode(new CreditGrant(1));
	}

	@Benchmark
	public ProbeFrame decodeCredit() {
		return this.codec.decodeProbeFrame(this.creditText);
	}
}
