package dev.dragnet.testbed.blockhound;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound must tolerate in Dragnet's tests, each for a stated reason. Loaded by BlockHound's
 * ServiceLoader on every test classpath that has the testbed.
 *
 * <ul>
 * <li>Netty's DNS resolver draws query ids from a {@code SecureRandom}, whose native generator tops up its
 * buffer from {@code /dev/urandom}: a read that never waits, but that BlockHound sees as file I/O.</li>
 * <li>Netty 4.2's adaptive allocator briefly parks on a lock while magazines are freed or expanded; the
 * critical sections are a few instructions long (other projects allow the same).</li>
 * <li>Jackson 3 builds a type's deserializer once, under a lock, when the first frames of that type are read
 * concurrently; later reads take the cached one.</li>
 * <li>A timer cancelled on a scheduler's thread (a {@code Flux.interval} or a timeout ended early) takes itself out
 * of the {@code ScheduledThreadPoolExecutor}'s queue under the queue's lock, held for a few instructions by whoever
 * adds or takes a timer; Reactor's own integration allows the same lock in {@code offer} and {@code take}. Refused,
 * the cancel threw into a disposal and a campaign test stalled for 30 s.</li>
 * <li>Netty's io_uring event loop, the testbed's fakes' transport, waits with {@code Thread.onSpinWait} for its
 * wake-up gate while it closes its ring, as the loop ends. Refused, the error killed the loop's thread half-way
 * through its clean-up (seen in the output of every fake reverse-IP site's test), leaving the ring open.</li>
 * </ul>
 */
public final class TestBlockHoundIntegration implements BlockHoundIntegration {

	@Override
	public void applyTo(BlockHound.Builder builder) {
		builder.allowBlockingCallsInside("io.netty.resolver.dns.DnsQueryIdSpace$DnsQueryIdRange", "pushId");
		builder.allowBlockingCallsInside("io.netty.resolver.dns.DnsQueryIdSpace$DnsQueryIdRange", "nextId");
		builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
		builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
		builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache", "_createAndCacheValueDeserializer");
		builder.allowBlockingCallsInside("java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue", "remove");
		builder.allowBlockingCallsInside("io.netty.channel.uring.IoUringIoHandler", "closeWakeupGate");
	}
}
