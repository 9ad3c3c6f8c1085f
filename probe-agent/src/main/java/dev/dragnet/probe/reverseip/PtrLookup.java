package dev.dragnet.probe.reverseip;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import dev.dragnet.net.Addresses;
import dev.dragnet.probe.reverseip.SourceAnswer.Status;
import dev.dragnet.protocol.source.SourceCatalogue;
import io.netty.handler.codec.dns.DnsRecordType;
import reactor.core.publisher.Mono;

/**
 * The built-in source {@value #SOURCE}: reverse DNS. Cheap (one UDP question), but it names the ISP or the hosting
 * company more often than the websites on the address, so it is one signal among several.
 *
 * <p>{@link Status#FOUND} with the PTR names, normalised; {@link Status#NONE} when the address has no PTR (NXDOMAIN,
 * or no PTR in the answer) or its PTR is not a domain name; {@link Status#ERROR} when the servers fail or refuse;
 * {@link Status#TIMEOUT} when no answer comes within the deadline. Never errors.
 */
public final class PtrLookup {

	/** The source name results carry. */
	public static final String SOURCE = SourceCatalogue.PTR;

	private final NameServers nameServers;

	/** @param nameServers the servers to ask */
	public PtrLookup(NameServers nameServers) {
		this.nameServers = nameServers;
	}

	/** The PTR names of {@code ip} (an IPv4 or IPv6 literal). */
	public Mono<SourceAnswer> lookup(String ip, Duration deadline) {
		InetAddress address = Addresses.parseLiteral(ip.trim());
		if (address == null) {
			return Mono.just(new SourceAnswer(Status.ERROR, Set.of(), null, null, false, 0, "not an IP address: " + ip));
		}
		String name = NameServers.reverseName(address);
		return DomainNormaliser.ready()
			.then(this.nameServers.ask(name, DnsRecordType.PTR))
			.map((reply) -> answer(name, reply))
			.timeout(deadline)
			.onErrorResume((error) -> Mono.just(failed(name, deadline, error)));
	}

	private static SourceAnswer answer(String name, NameServers.Reply reply) {
		if (!reply.nameExists() && !reply.nameMissing()) {
			return new SourceAnswer(Status.ERROR, Set.of(), null, null, false, 1, "the name servers answered "
					+ reply.describe() + " for PTR " + name);
		}
		Set<String> names = new LinkedHashSet<>();
		for (String shown : reply.names()) {
			String normalised = DomainNormaliser.normalise(shown);
			if (normalised != null) {
				names.add(normalised);
			}
		}
		if (names.isEmpty()) {
			String detail = reply.names().isEmpty() ? null : "PTR " + reply.names() + " is not a domain name";
			return new SourceAnswer(Status.NONE, Set.of(), null, null, false, 1, detail);
		}
		return new SourceAnswer(Status.FOUND, names, null, null, false, 1, null);
	}

	private static SourceAnswer failed(String name, Duration deadline, Throwable error) {
		boolean timeout = error instanceof TimeoutException
				|| (error instanceof DnsLookupException lookup && lookup.isTimeout());
		String detail = (error instanceof TimeoutException)
				? "no PTR answer for " + name + " within " + deadline.toMillis() + " ms" : error.getMessage();
		return new SourceAnswer(timeout ? Status.TIMEOUT : Status.ERROR, Set.of(), null, null, false, 1, detail);
	}

}
