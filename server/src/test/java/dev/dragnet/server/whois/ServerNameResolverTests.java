package dev.dragnet.server.whois;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class ServerNameResolverTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Test
	void resolvesWithoutBlockingAThread() {
		ServerNameResolver resolver = new ServerNameResolver();
		try {
			// on a non-blocking thread, where BlockHound would catch InetAddress.getAllByName
			resolver.resolve("localhost", Duration.ofSeconds(5))
				.subscribeOn(Schedulers.parallel())
				.as(StepVerifier::create)
				.assertNext((addresses) -> assertThat(addresses).isNotEmpty().allMatch(InetAddress::isLoopbackAddress))
				.expectComplete()
				.verify(WAIT);
		}
		finally {
			resolver.destroy();
		}
	}

	@Test
	void aLiteralIsNotLookedUp() {
		ServerNameResolver resolver = new ServerNameResolver(new Silent(false));
		resolver.resolve("[2001:db8::43]", Duration.ofSeconds(1))
			.as(StepVerifier::create)
			.assertNext((addresses) -> assertThat(addresses).singleElement()
				.satisfies((address) -> assertThat(address.getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:43")))
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void aLookupThatNeverAnswersEndsAtTheDeadlineWithNoAddresses() {
		ServerNameResolver resolver = new ServerNameResolver(new Silent(false));
		StepVerifier.withVirtualTime(() -> resolver.resolve("whois.slow.example", Duration.ofSeconds(3)))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(2_900))
			.thenAwait(Duration.ofMillis(100))
			.expectNext(List.of())
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void anUnknownNameHasNoAddresses() {
		ServerNameResolver resolver = new ServerNameResolver(new Silent(true));
		resolver.resolve("whois.nowhere.example", Duration.ofSeconds(3))
			.as(StepVerifier::create)
			.expectNext(List.of())
			.expectComplete()
			.verify(WAIT);
	}

	/** A resolver that never answers, or answers "no such name" at once. */
	private static final class Silent extends AddressResolverGroup<InetSocketAddress> {

		private final boolean unknown;

		Silent(boolean unknown) {
			this.unknown = unknown;
		}

		@Override
		protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
			return new AbstractAddressResolver<InetSocketAddress>(executor) {

				@Override
				protected boolean doIsResolved(InetSocketAddress address) {
					return !address.isUnresolved();
				}

				@Override
				protected void doResolve(InetSocketAddress address, Promise<InetSocketAddress> promise) {
					answer(address, promise);
				}

				@Override
				protected void doResolveAll(InetSocketAddress address, Promise<List<InetSocketAddress>> promise) {
					answer(address, promise);
				}

				private void answer(InetSocketAddress address, Promise<?> promise) {
					if (Silent.this.unknown) {
						promise.setFailure(new UnknownHostException(address.getHostString()));
					}
				}
			};
		}
	}
}
