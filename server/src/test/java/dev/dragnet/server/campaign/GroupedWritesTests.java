package dev.dragnet.server.campaign;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit of campaign writes: a lone request is written at once, those that arrive while statements run go
 * together into the next, no more statements run at once than allowed, a full backlog refuses, and a failed
 * statement fails each of its requests. The grouping rule of block results: one result per lease, no two blocks
 * with an address in common, at most so many addresses.
 */
class GroupedWritesTests {

	@Test
	void aLoneRequestIsWrittenAtOnceAndThoseArrivingMeanwhileGoTogether() {
		Statements statements = new Statements(1, 100);
		Mono<String> first = statements.request("a");
		StepVerifier.create(Mono.zip(first, statements.request("b"), statements.request("c")))
			.then(() -> {
				assertThat(statements.groups).containsExactly(List.of("a"));
				statements.finishNext();
			})
			.then(() -> {
				assertThat(statements.groups).containsExactly(List.of("a"), List.of("b", "c"));
				statements.finishNext();
			})
			.assertNext((written) -> assertThat(List.of(written.getT1(), written.getT2(), written.getT3()))
				.containsExactly("a written", "b written", "c written"))
			.verifyComplete();
	}

	@Test
	void noMoreStatementsRunAtOnceThanAllowed() {
		Statements statements = new Statements(2, 100);
		StepVerifier.create(Mono.zip(statements.request("a"), statements.request("b"), statements.request("c"),
				statements.request("d")))
			.then(() -> {
				assertThat(statements.groups).containsExactly(List.of("a"), List.of("b"));
				assertThat(statements.waiting()).isEqualTo(2);
				statements.finishNext();
			})
			.then(() -> {
				assertThat(statements.groups).containsExactly(List.of("a"), List.of("b"), List.of("c", "d"));
				statements.finishNext();
				statements.finishNext();
			})
			.expectNextCount(1)
			.verifyComplete();
		assertThat(statements.waiting()).isZero();
	}

	@Test
	void aFullBacklogRefusesTheNextRequest() {
		Statements statements = new Statements(1, 1);
		StepVerifier.create(Mono.zip(statements.request("running"), statements.request("waiting"),
				statements.request("refused")))
			.expectError(GroupedWrites.Busy.class)
			.verify(Duration.ofSeconds(5));
		assertThat(statements.groups).containsExactly(List.of("running"));
	}

	@Test
	void aFailedStatementFailsEachOfItsRequestsAndTheNextGroupStillRuns() {
		Statements statements = new Statements(1, 100);
		Mono<String> first = statements.request("a").onErrorResume((ex) -> Mono.just("a failed: " + ex.getMessage()));
		StepVerifier.create(Mono.zip(first, statements.request("b")))
			.then(() -> statements.failNext(new IllegalStateException("bad statement")))
			.then(statements::finishNext)
			.assertNext((outcomes) -> {
				assertThat(outcomes.getT1()).isEqualTo("a failed: bad statement");
				assertThat(outcomes.getT2()).isEqualTo("b written");
			})
			.verifyComplete();
		assertThat(statements.groups).containsExactly(List.of("a"), List.of("b"));
	}

	@Test
	void aGroupOfResultsHoldsOneResultPerLeaseAndNoOverlappingBlocks() {
		ArrayDeque<ResultBatcher.Waiting> waiting = new ArrayDeque<>(List.of(result("lease-1", 0, 255),
				result("lease-1", 0, 255), result("lease-2", 256, 511), result("lease-3", 100, 355),
				result("lease-4", 512, 767)));
		assertThat(leases(ResultBatcher.group(waiting.iterator(), 16_384))).containsExactly("lease-1", "lease-2",
				"lease-4");
		// The second copy of lease-1 and lease-3 overlap (0-255 and 100-355): they go one after the other.
		assertThat(leases(ResultBatcher.group(waiting.iterator(), 16_384))).containsExactly("lease-1");
		assertThat(leases(ResultBatcher.group(waiting.iterator(), 16_384))).containsExactly("lease-3");
		assertThat(waiting).isEmpty();
	}

	@Test
	void aGroupOfResultsHoldsAtMostSoManyAddressesAndALargerBlockGoesAlone() {
		ArrayDeque<ResultBatcher.Waiting> waiting = new ArrayDeque<>(List.of(result("big", 0, 4095),
				result("a", 4096, 4351), result("b", 4352, 4607), result("c", 4608, 4863)));
		assertThat(leases(ResultBatcher.group(waiting.iterator(), 512))).containsExactly("big");
		assertThat(leases(ResultBatcher.group(waiting.iterator(), 512))).containsExactly("a", "b");
		assertThat(leases(ResultBatcher.group(waiting.iterator(), 512))).containsExactly("c");
	}

	private static ResultBatcher.Waiting result(String lease, long first, long last) {
		BlockRepository.Findings none = new BlockRepository.Findings(new String[0], new String[0], new Short[0],
				new Short[0], new String[0], new String[0]);
		return new ResultBatcher.Waiting(new BlockRepository.Result("probe", lease, none), first, last, Sinks.one());
	}

	private static List<String> leases(List<ResultBatcher.Waiting> group) {
		return group.stream().map((waiting) -> waiting.result().leaseId()).toList();
	}

	/** Writes that end when the test says: each group's statement waits on a sink of its own. */
	private static final class Statements extends GroupedWrites<Statements.Request> {

		final List<List<String>> groups = new CopyOnWriteArrayList<>();

		private final List<Sinks.Empty<Void>> running = new CopyOnWriteArrayList<>();

		Statements(int concurrency, int backlog) {
			super(concurrency, backlog, Duration.ofSeconds(5));
		}

		Mono<String> request(String name) {
			return Mono.defer(() -> {
				Request request = new Request(name, Sinks.one());
				return offer(request) ? request.outcome.asMono() : Mono.error(new Busy(waiting()));
			});
		}

		void finishNext() {
			this.running.remove(0).tryEmitEmpty();
		}

		void failNext(Throwable error) {
			this.running.remove(0).tryEmitError(error);
		}

		@Override
		List<Request> take(Iterator<Request> waiting) {
			List<Request> group = new ArrayList<>();
			while (waiting.hasNext()) {
				group.add(waiting.next());
				waiting.remove();
			}
			return group;
		}

		@Override
		Mono<Void> write(List<Request> group) {
			this.groups.add(group.stream().map(Request::name).toList());
			Sinks.Empty<Void> statement = Sinks.empty();
			this.running.add(statement);
			return statement.asMono()
				.then(Mono.fromRunnable(() -> group.forEach((r) -> r.outcome.tryEmitValue(r.name + " written"))));
		}

		@Override
		void failed(List<Request> group, Throwable error) {
			group.forEach((r) -> r.outcome.tryEmitError(error));
		}

		record Request(String name, Sinks.One<String> outcome) {
		}
	}
}
