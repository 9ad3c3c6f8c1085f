package dev.dragnet.probe.reverseip;

import java.time.Duration;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicReference;

import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helpers: waiting for one answer with a bounded wait, and the expected names. */
final class Lookups {

	static final Duration WAIT = Duration.ofSeconds(30);

	static final Duration DEADLINE = Duration.ofSeconds(20);

	private Lookups() {
	}

	/** The one answer {@code mono} gives, within {@link #WAIT}. */
	static <T> T answer(Mono<T> mono) {
		AtomicReference<T> got = new AtomicReference<>();
		StepVerifier.create(mono).consumeNextWith(got::set).expectComplete().verify(WAIT);
		assertThat(got.get()).isNotNull();
		return got.get();
	}

	/** What a source should answer for {@code ip}: the world's names, normalised as answers are. */
	static SortedSet<String> expected(ReverseIpWorld world, String ip) {
		return DomainNormaliser.foldWww(world.domainsOf(ip));
	}

}
