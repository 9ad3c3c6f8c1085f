package dev.dragnet.server.whois.parse;

import java.util.List;
import java.util.concurrent.TimeUnit;

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
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH: what the server spends on one registry's WHOIS answer, on real answers ({@link WhoisFixtures}): cutting it
 * into labelled values ({@link WhoisRecord#of}), the full parse ({@link WhoisParser#parse}, which does that and
 * reads the fields), and the throttle classification every answer gets as it arrives
 * ({@link WhoisResponseClassifier#classify}). The {@code corpus} benchmarks go over every fixture (416 answers,
 * 714 KiB) once per operation. Run with {@code bin/dragnet-bench jmh} (docs/BENCHMARKS.md); never part of the
 * tests.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WhoisParseBenchmark {

	private static final WhoisParser parser = new WhoisParser();

	private static final WhoisResponseClassifier classifier = new WhoisResponseClassifier();

	@Benchmark
	public Object record(OneAnswer state) {
		return WhoisRecord.of(state.fixture.text());
	}

	@Benchmark
	public ParsedWhois parse(OneAnswer state) {
		return parser.parse(state.fixture.domain(), null, state.fixture.text());
	}

	@Benchmark
	public WhoisResponseClassifier.Classification classify(OneAnswer state) {
		return classifier.classify(null, state.fixture.text());
	}

	@Benchmark
	public void parseCorpus(Corpus state, Blackhole blackhole) {
		for (WhoisFixtures.Answer each : state.answers) {
			blackhole.consume(parser.parse(each.domain(), null, each.text()));
		}
	}

	@Benchmark
	public void classifyCorpus(Corpus state, Blackhole blackhole) {
		for (WhoisFixtures.Answer each : state.answers) {
			blackhole.consume(classifier.classify(null, each.text()));
		}
	}

	/**
	 * One answer: a thick registry answer (.com from Verisign, 3.5 KB), a registrar's, ccTLD layouts (DENIC,
	 * Nominet, JPRS), a "not found" answer and a throttle notice (HKIRC).
	 */
	@State(Scope.Benchmark)
	public static class OneAnswer {

		@Param({ "com/google.com", "com/google.com_registrar_whois", "de/google.de", "uk/google.co.uk",
				"jp/google.co.jp", "com/free", "hk/free" })
		public String answer;

		WhoisFixtures.Answer fixture;

		@Setup
		public void load() {
			this.fixture = WhoisFixtures.answer(this.answer);
		}
	}

	/** Every fixture. */
	@State(Scope.Benchmark)
	public static class Corpus {

		List<WhoisFixtures.Answer> answers;

		@Setup
		public void load() {
			this.answers = WhoisFixtures.all();
		}
	}
}
