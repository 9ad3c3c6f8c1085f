package dev.dragnet.server.probe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The probe mirror's merge of a read into the rows, and its one read at a time. */
class ProbeMirrorTests {

	private final List<ProbeMirror.@Nullable Cursor> asked = new ArrayList<>();

	private final List<Sinks.One<ProbeMirror.Delta>> reads = new ArrayList<>();

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	/** A mirror whose reads are answered by the test, one {@link #reads} sink per read, in order. */
	private final ProbeMirror mirror = new ProbeMirror((since) -> {
		synchronized (this.reads) {
			this.asked.add(since);
			Sinks.One<ProbeMirror.Delta> read = Sinks.one();
			this.reads.add(read);
			return read.asMono();
		}
	}, this.now::get);

	@Test
	void changedRowsReplaceTheirNamesAndArchivedOnesLeave() {
		SortedMap<String, ProbeRepository.ProbeRow> before = rows(row("a", 1), row("b", 1), row("c", 1));
		SortedMap<String, ProbeRepository.ProbeRow> after = ProbeMirror.merge(before,
				delta(false, 20, List.of(row("b", 7), row("d", 1)), List.of("c")));
		assertThat(after.keySet()).containsExactly("a", "b", "d");
		assertThat(after.get("b").completed()).isEqualTo(7);
		assertThat(before.keySet()).as("left as it was").containsExactly("a", "b", "c");
		assertThat(before.get("b").completed()).isEqualTo(1);
	}

	@Test
	void anArchivedRowNotKnownIsNoChange() {
		SortedMap<String, ProbeRepository.ProbeRow> before = rows(row("a", 1));
		assertThat(ProbeMirror.merge(before, delta(false, 3, List.of(), List.of("gone"))).keySet()).containsExactly("a");
	}

	@Test
	void aWholeTableReadReplacesEveryRow() {
		SortedMap<String, ProbeRepository.ProbeRow> before = rows(row("a", 1), row("b", 1));
		SortedMap<String, ProbeRepository.ProbeRow> after = ProbeMirror.merge(before,
				delta(true, 9, List.of(row("b", 2), row("c", 1)), List.of()));
		assertThat(after.keySet()).containsExactly("b", "c");
	}

	@Test
	void nothingChangedKeepsTheSameRows() {
		SortedMap<String, ProbeRepository.ProbeRow> before = rows(row("a", 1));
		assertThat(ProbeMirror.merge(before, delta(false, 9, List.of(), List.of()))).isSameAs(before);
	}

	@Test
	void theFirstReadIsTheWholeTableAndTheNextStartsAtItsCursor() {
		StepVerifier.create(this.mirror.refresh()).then(() -> answer(0, delta(true, 10, List.of(row("a", 1)),
				List.of(), "705"))).verifyComplete();
		assertThat(this.mirror.rows().keySet()).containsExactly("a");

		StepVerifier.create(this.mirror.refresh()).then(() -> answer(1, delta(false, 12, List.of(row("b", 1)),
				List.of()))).verifyComplete();
		assertThat(this.asked).containsExactly(null, new ProbeMirror.Cursor(10, List.of("705")));
		assertThat(this.mirror.rows().keySet()).containsExactly("a", "b");
	}

	@Test
	void callersDuringAReadShareTheOneAfterIt() {
		StepVerifier first = StepVerifier.create(this.mirror.refresh()).expectComplete().verifyLater();
		StepVerifier second = StepVerifier.create(this.mirror.refresh()).expectComplete().verifyLater();
		StepVerifier third = StepVerifier.create(this.mirror.refresh()).expectComplete().verifyLater();
		assertThat(this.reads).as("one read at a time").hasSize(1);

		answer(0, delta(true, 10, List.of(row("a", 1)), List.of()));
		first.verify();
		assertThat(this.reads).as("the callers that came during it share the next").hasSize(2);
		assertThat(this.mirror.rows().keySet()).containsExactly("a");

		answer(1, delta(false, 11, List.of(row("b", 1)), List.of()));
		second.verify();
		third.verify();
		assertThat(this.reads).hasSize(2);
		assertThat(this.mirror.rows().keySet()).containsExactly("a", "b");
	}

	@Test
	void aFailedReadFailsItsCallersAndTheNextStartsFromTheSameCursor() {
		StepVerifier.create(this.mirror.refresh()).then(() -> answer(0, delta(true, 10, List.of(row("a", 1)),
				List.of()))).verifyComplete();
		StepVerifier.create(this.mirror.refresh())
			.then(() -> this.reads.get(1).tryEmitError(new IllegalStateException("connection lost")))
			.verifyErrorMessage("connection lost");
		assertThat(this.mirror.rows().keySet()).containsExactly("a");

		StepVerifier.create(this.mirror.refresh()).then(() -> answer(2, delta(false, 10, List.of(), List.of())))
			.verifyComplete();
		assertThat(this.asked.get(2)).isEqualTo(new ProbeMirror.Cursor(10, List.of()));
	}

	@Test
	void numbersThatWentDownMakeAWholeTableReadAtOnce() {
		StepVerifier.create(this.mirror.refresh()).then(() -> answer(0, delta(true, 500, List.of(row("old", 1)),
				List.of()))).verifyComplete();
		StepVerifier.create(this.mirror.refresh()).then(() -> {
			answer(1, delta(false, 3, List.of(), List.of()));
			answer(2, delta(true, 3, List.of(row("new", 1)), List.of()));
		}).verifyComplete();
		assertThat(this.asked).containsExactly(null, new ProbeMirror.Cursor(500, List.of()), null);
		assertThat(this.mirror.rows().keySet()).containsExactly("new");
	}

	@Test
	void theWholeTableIsReadAgainAfterTheInterval() {
		StepVerifier.create(this.mirror.refresh()).then(() -> answer(0, delta(true, 10, List.of(row("a", 1)),
				List.of()))).verifyComplete();
		this.now.addAndGet(ProbeMirror.FULL_READ_INTERVAL.toNanos() - 1);
		StepVerifier.create(this.mirror.refresh()).then(() -> answer(1, delta(false, 10, List.of(), List.of())))
			.verifyComplete();
		this.now.addAndGet(1);
		StepVerifier.create(this.mirror.refresh()).then(() -> answer(2, delta(true, 10, List.of(), List.of())))
			.verifyComplete();
		assertThat(this.asked).containsExactly(null, new ProbeMirror.Cursor(10, List.of()), null);
		assertThat(this.mirror.rows()).as("a row deleted by hand leaves at the whole read").isEmpty();
	}

	@Test
	void aCallerThatCancelsDoesNotCancelTheRead() {
		StepVerifier.create(this.mirror.refresh()).thenCancel().verify();
		answer(0, delta(true, 1, List.of(row("a", 1)), List.of()));
		assertThat(this.mirror.rows().keySet()).containsExactly("a");
		StepVerifier.create(this.mirror.refresh()).then(() -> answer(1, delta(false, 1, List.of(), List.of())))
			.verifyComplete();
	}

	private void answer(int read, ProbeMirror.Delta delta) {
		Sinks.One<ProbeMirror.Delta> sink;
		synchronized (this.reads) {
			sink = this.reads.get(read);
		}
		assertThat(sink.tryEmitValue(delta).isSuccess()).isTrue();
	}

	private static ProbeMirror.Delta delta(boolean full, long high, List<ProbeRepository.ProbeRow> changed,
			List<String> archived, String... inProgress) {
		return new ProbeMirror.Delta(full, changed, archived, new ProbeMirror.Cursor(high, List.of(inProgress)));
	}

	private static SortedMap<String, ProbeRepository.ProbeRow> rows(ProbeRepository.ProbeRow... rows) {
		SortedMap<String, ProbeRepository.ProbeRow> map = new TreeMap<>();
		for (ProbeRepository.ProbeRow row : rows) {
			map.put(row.name(), row);
		}
		return map;
	}

	private static ProbeRepository.ProbeRow row(String name, long completed) {
		return new ProbeRepository.ProbeRow(name, "192.0.2.1", ProbeState.INEFFECTIVE, "1.0", List.of("whois"), 4,
				Instant.EPOCH, Instant.EPOCH, null, null, completed, 0, 0, null, null, "instance-1");
	}
}
