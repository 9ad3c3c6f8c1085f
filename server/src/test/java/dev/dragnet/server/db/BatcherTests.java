package dev.dragnet.server.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Batcher}: the group commit of the WHOIS cache. Each batch is held open by the test until it says so, as a
 * statement's round trip would.
 */
class BatcherTests {

	private final List<List<String>> batches = new CopyOnWriteArrayList<>();

	private final List<Sinks.One<Map<String, String>>> statements = new CopyOnWriteArrayList<>();

	private Mono<Map<String, String>> run(List<String> items) {
		this.batches.add(List.copyOf(items));
		Sinks.One<Map<String, String>> statement = Sinks.one();
		this.statements.add(statement);
		return statement.asMono();
	}

	private static Map<String, String> upperCased(List<String> items) {
		return items.stream().filter((item) -> !item.startsWith("none")).distinct()
			.collect(Collectors.toMap((item) -> item, String::toUpperCase));
	}

	@Test
	void aQuietBatcherRunsAnItemAtOnceAndGroupsWhatArrivesWhileItRuns() {
		Batcher<String, String> batcher = new Batcher<>(this::run, 100, 1000, 1);
		List<String> answers = new ArrayList<>();
		batcher.submit("a").subscribe(answers::add);
		assertThat(this.batches).containsExactly(List.of("a"));
		batcher.submit("b").subscribe(answers::add);
		batcher.submit("c").subscribe(answers::add);
		batcher.submit("none-d").subscribe(answers::add, null, () -> answers.add("(d empty)"));
		assertThat(this.batches).hasSize(1);
		assertThat(batcher.queued()).isEqualTo(3);

		this.statements.get(0).tryEmitValue(upperCased(this.batches.get(0)));
		assertThat(answers).containsExactly("A");
		assertThat(this.batches).containsExactly(List.of("a"), List.of("b", "c", "none-d"));

		this.statements.get(1).tryEmitValue(upperCased(this.batches.get(1)));
		assertThat(answers).containsExactly("A", "B", "C", "(d empty)");
		assertThat(batcher.queued()).isZero();
	}

	@Test
	void aBatchTakesAtMostMaxBatchAndSeveralRunAtOnce() {
		Batcher<String, String> batcher = new Batcher<>(this::run, 2, 1000, 2);
		for (String item : List.of("a", "b", "c", "d", "e", "f")) {
			batcher.submit(item).subscribe();
		}
		assertThat(this.batches).containsExactly(List.of("a"), List.of("b"));
		this.statements.get(1).tryEmitValue(Map.of());
		assertThat(this.batches).containsExactly(List.of("a"), List.of("b"), List.of("c", "d"));
		this.statements.get(0).tryEmitValue(Map.of());
		assertThat(this.batches).containsExactly(List.of("a"), List.of("b"), List.of("c", "d"), List.of("e", "f"));
	}

	@Test
	void aFailedBatchFailsItsOwnItemsOnlyAndTheNextOneRuns() {
		Batcher<String, String> batcher = new Batcher<>(this::run, 100, 1000, 1);
		Mono<String> first = batcher.submit("a");
		StepVerifier.create(first).then(() -> {
			batcher.submit("b").subscribe();
			this.statements.get(0).tryEmitError(new IllegalStateException("connection lost"));
		}).expectErrorMessage("connection lost").verify();
		assertThat(this.batches).containsExactly(List.of("a"), List.of("b"));
		StepVerifier.create(batcher.submit("c"))
			.then(() -> this.statements.get(1).tryEmitValue(Map.of()))
			.then(() -> this.statements.get(2).tryEmitValue(Map.of("c", "C")))
			.expectNext("C")
			.verifyComplete();
	}

	@Test
	void aRunThatThrowsFailsItsBatchInsteadOfTheCaller() {
		Batcher<String, String> batcher = new Batcher<>((items) -> {
			throw new IllegalArgumentException("cannot bind " + items);
		}, 100, 1000, 1);
		StepVerifier.create(batcher.submit("a")).expectErrorMessage("cannot bind [a]").verify();
		StepVerifier.create(batcher.submit("b")).expectErrorMessage("cannot bind [b]").verify();
	}

	@Test
	void beyondMaxQueuedAnItemIsRefusedAtOnce() {
		Batcher<String, String> batcher = new Batcher<>(this::run, 2, 3, 1);
		for (String item : List.of("running", "w1", "w2", "w3")) {
			batcher.submit(item).subscribe();
		}
		assertThat(batcher.queued()).isEqualTo(3);
		StepVerifier.create(batcher.submit("one too many")).expectError(Batcher.Overflow.class).verify();
		this.statements.get(0).tryEmitValue(Map.of());
		assertThat(batcher.queued()).isEqualTo(1);
		StepVerifier.create(batcher.submit("fits again")).then(() -> {
			this.statements.get(1).tryEmitValue(Map.of());
			this.statements.get(2).tryEmitValue(Map.of("fits again", "ok"));
		}).expectNext("ok").verifyComplete();
	}

	@Test
	void nothingIsQueuedUntilSubscribed() {
		Batcher<String, String> batcher = new Batcher<>(this::run, 100, 1000, 1);
		Mono<String> lazy = batcher.submit("a");
		assertThat(this.batches).isEmpty();
		assertThat(batcher.queued()).isZero();
		lazy.subscribe();
		assertThat(this.batches).containsExactly(List.of("a"));
	}
}
