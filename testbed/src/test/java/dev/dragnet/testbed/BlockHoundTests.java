package dev.dragnet.testbed;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** Proves that BlockHound watches this module's tests, so a blocking call on a non-blocking thread fails them. */
class BlockHoundTests {

	@Test
	void blockingOnANonBlockingThreadFails() {
		Mono.delay(Duration.ofMillis(1))
			.doOnNext((tick) -> sleepOneMillisecond())
			.as(StepVerifier::create)
			.expectError(BlockingOperationError.class)
			.verify(Duration.ofSeconds(5));
	}

	/** What BlockHound is told to allow must keep a fake's own shutdown whole: its event loop ends without an error. */
	@Test
	void aFakeSitesEventLoopClosesWithoutAnError() throws InterruptedException {
		List<Throwable> uncaught = new CopyOnWriteArrayList<>();
		Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
		Thread.setDefaultUncaughtExceptionHandler((thread, error) -> uncaught.add(error));
		try {
			ReverseIpWorld world = new ReverseIpWorld(1);
			for (int i = 0; i < 20; i++) {
				PlainTextSite.start(world).close();
			}
			Thread.sleep(200);
		}
		finally {
			Thread.setDefaultUncaughtExceptionHandler(before);
		}
		assertThat(uncaught).isEmpty();
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
