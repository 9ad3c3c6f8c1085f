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
 * </ul>
 */
public final class TestBlockHoundIntegration implements BlockHoundIntegration {

	@Override
	public void applyTo(BlockHound.Builder builder) {
		builder.allowBlockingCallsInside("io.netty.resolver.dns.DnsQueryIdSpace$DnsQueryIdRange", "pushId");
		builder.allowBlockingCallsInside("io.netty.resolver.dns.DnsQueryIdSpace$DnsQueryIdRange", "nextId");
	}
}
