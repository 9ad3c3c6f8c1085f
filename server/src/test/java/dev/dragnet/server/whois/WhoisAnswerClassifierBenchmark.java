package dev.dragnet.server.whois;

import java.util.concurrent.TimeUnit;

import dev.dragnet.protocol.TaskResult;
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
 * JMH: the judgement every WHOIS task result gets on the server as it comes back from a probe
 * ({@link WhoisAnswerClassifier#classify}): data stays OK, a throttle notice becomes THROTTLED. On real answers
 * ({@link WhoisFixtures}). Run with {@code bin/dragnet-bench jmh} (docs/BENCHMARKS.md); never part of the tests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WhoisAnswerClassifierBenchmark {

	/** A registry's data, a "not found" answer, a throttle notice. */
	@Param({ "com/google.com", "com/free", "hk/free" })
	public String answer;

	private final WhoisAnswerClassifier classifier = new WhoisAnswerClassifier();

	private TaskResult result;

	@Setup
	public void load() {
		String text = WhoisFixtures.answer(this.answer).text();
		this.result = new TaskResult("t-1", TaskResult.Outcome.OK, text, text.length(), 120, null);
	}

	@Benchmark
	public TaskResult classify() {
		return this.classifier.classify("whois.example.net:43", this.result);
	}
}
