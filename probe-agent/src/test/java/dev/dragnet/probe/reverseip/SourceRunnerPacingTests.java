package dev.dragnet.probe.reverseip;

import java.time.Duration;

import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.reverseip.SourceAnswer.Status;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.testbed.reverseip.FakeSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static dev.dragnet.probe.reverseip.Lookups.WAIT;
import static dev.dragnet.probe.reverseip.Lookups.answer;
import static org.assertj.core.api.Assertions.assertThat;

/** The source's pace holds between lookups and between the pages of one lookup, timed on virtual time. */
class SourceRunnerPacingTests {

	private static final ReverseIpWorld WORLD = new ReverseIpWorld(3);

	@Test
	void aSecondRequestWaitsForTheSourcesInterval() {
		VirtualTimeScheduler clock = VirtualTimeScheduler.create();
		SourceRunner runner = new SourceRunner(true, new HostPacer(clock, 16), "dragnet-test");
		String shared = WORLD.firstAddressOf(Tier.SHARED, "203.0.113.1");
		assertThat(WORLD.domainCount(shared)).as("two pages of 100").isBetween(101, 200);
		try (FakeSite<?> site = Family.PAGED_TABLE.start(WORLD)) {
			SourceDefinition source = Family.PAGED_TABLE.definitionFor(site).withPace(new Pace(60_000, 1));
			runner.lookup(source, shared, Duration.ofSeconds(20))
				.as(StepVerifier::create)
				.expectSubscription()
				.expectNoEvent(Duration.ofMillis(500))
				.then(() -> assertThat(site.requests()).as("only the first page before the interval").hasSize(1))
				.then(() -> clock.advanceTimeBy(Duration.ofMinutes(1)))
				.assertNext((answer) -> {
					assertThat(answer.status()).isEqualTo(Status.FOUND);
					assertThat(answer.domains()).isEqualTo(Lookups.expected(WORLD, shared));
					assertThat(answer.requests()).as("two pages, one interval apart").isEqualTo(2);
				})
				.expectComplete()
				.verify(WAIT);
			assertThat(answer(runner.lookup(source.withPace(new Pace(0, 1)), shared, Duration.ofSeconds(20))).status())
				.isEqualTo(Status.FOUND);
		}
		finally {
			clock.dispose();
		}
	}

}
