package dev.dragnet.server.probe;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.Task;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.WhoisQuery;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeSessionTests {

	private final ProbeSession session = new ProbeSession(
			new Hello("p1", "t", "1", Protocol.VERSION, List.of("whois"), 2), "127.0.0.1", Clock.systemUTC());

	private static Task task(String id) {
		return new Task(id, 1000, new WhoisQuery("h", 43, "q", null, 100, 100, null));
	}

	@Test
	void creditsLimitReservations() {
		assertThat(this.session.tryReserve()).as("no credit granted yet").isFalse();
		assertThat(this.session.grant(2)).isTrue();
		assertThat(this.session.tryReserve()).isTrue();
		assertThat(this.session.tryReserve()).isTrue();
		assertThat(this.session.tryReserve()).as("both credits used").isFalse();
		this.session.grant(1);
		assertThat(this.session.tryReserve()).isTrue();
	}

	@Test
	void grantingMoreThanTheAnnouncedConcurrencyIsAViolation() {
		assertThat(this.session.grant(2)).isTrue();
		assertThat(this.session.grant(1)).isFalse();
		assertThat(this.session.grant(0)).isFalse();
	}

	@Test
	void aResultCompletesItsTask() {
		this.session.grant(1);
		this.session.tryReserve();
		this.session.send(task("a"))
			.as(StepVerifier::create)
			.then(() -> assertThat(this.session.inFlight()).isOne())
			.then(() -> this.session.complete(new TaskResult("a", TaskResult.Outcome.OK, "text", 4, 1, null)))
			.assertNext((result) -> assertThat(result.text()).isEqualTo("text"))
			.verifyComplete();
		assertThat(this.session.inFlight()).isZero();
		assertThat(this.session.completed()).isOne();
	}

	@Test
	void closingFailsInFlightTasksAndStopsReservations() {
		this.session.grant(2);
		this.session.tryReserve();
		this.session.send(task("a"))
			.as(StepVerifier::create)
			.then(() -> this.session.close("connection closed"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ProbeGoneException.class)
				.hasMessageContaining("connection closed"))
			.verify(Duration.ofSeconds(5));
		assertThat(this.session.isEffective()).isFalse();
		assertThat(this.session.abandonedTasks()).containsExactly("task a: whois 'q' at h:43");
		assertThat(this.session.tryReserve()).isFalse();
		this.session.send(task("b")).as(StepVerifier::create).expectError(ProbeGoneException.class).verify(Duration.ofSeconds(5));
	}

	@Test
	void aLateResultIsCountedButCompletesNothing() {
		assertThat(this.session.complete(new TaskResult("gone", TaskResult.Outcome.TIMEOUT, null, 0, 1, "slow"))).isFalse();
		assertThat(this.session.failed()).isOne();
	}
}
