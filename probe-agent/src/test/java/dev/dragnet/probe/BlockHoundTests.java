package dev.dragnet.probe;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Proves that BlockHound watches this module's tests, so a blocking call on a non-blocking thread fails them. */
class BlockHoundTests {

	@Test
	void blockingOnANonBlockingThreadFails() {
		Mono.delay(Duration.ofMillis(1))
			.doOnNext(tick -> sleepOneMillisecond())
			.as(StepVerifier::create)
			.expectError(BlockingOperationError.class)
			.verify(Duration.ofSeconds(5));
	}

	private static void sleepOneMillisecond() {
		try {
			Thread.sleep(1);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
