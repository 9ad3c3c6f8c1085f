package dev.dragnet.server;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** BlockHound is installed for every test run (blockhound-junit-platform); this proves it. */
class BlockHoundTests {

	@Test
	void blockingOnANonBlockingThreadIsCaught() {
		Mono.delay(Duration.ofMillis(1))
			.publishOn(Schedulers.parallel())
			.doOnNext((tick) -> {
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			})
			.as(StepVerifier::create)
			.expectError(BlockingOperationError.class)
			.verify(Duration.ofSeconds(5));
	}
}
