package dev.dragnet.probe.reverseip;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;

import dev.dragnet.net.Addresses;
import io.netty.handler.codec.dns.DnsRecordType;
import reactor.core.publisher.Mono;

/**
 * Forward confirmation: a domain found for an address is verified when its A records (AAAA for an IPv6 address)
 * include that address now, and failed when they do not, or the name does not exist.
 *
 * <p>{@link #confirms} emits {@code true} or {@code false} only for an answer; when the servers give none (timeout,
 * SERVFAIL, REFUSED) it errors with {@link DnsLookupException}, so that "could not check" is never recorded as
 * "failed". A name or address that cannot be asked about errors with {@link IllegalArgumentException}.
 */
public final class ForwardVerifier {

	/** Time allowed for one confirmation unless the caller says otherwise. */
	public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

	private final NameServers nameServers;

	private final Duration deadline;

	/** @param nameServers the servers to ask */
	public ForwardVerifier(NameServers nameServers) {
		this(nameServers, DEFAULT_DEADLINE);
	}

	/**
	 * @param nameServers the servers to ask
	 * @param deadline time allowed for one confirmation
	 */
	public ForwardVerifier(NameServers nameServers, Duration deadline) {
		this.nameServers = nameServers;
		this.deadline = deadline;
	}

	/** Whether {@code domain} resolves to {@code ip} now. */
	public Mono<Boolean> confirms(String domain, String ip) {
		return DomainNormaliser.ready().then(Mono.defer(() -> {
			String name = DomainNormaliser.normalise(domain);
			InetAddress address = Addresses.parseLiteral(ip.trim());
			if (name == null || address == null) {
				return Mono.error(new IllegalArgumentException("cannot confirm " + domain + " on " + ip
						+ ": not a domain name and an IP address"));
			}
			DnsRecordType type = (address instanceof Inet6Address) ? DnsRecordType.AAAA : DnsRecordType.A;
			return this.nameServers.ask(name + ".", type)
				.timeout(this.deadline,
						Mono.error(() -> new DnsLookupException("no " + type + " answer for " + name + " within "
								+ this.deadline.toMillis() + " ms", true, null)))
				.flatMap((reply) -> {
					if (reply.nameMissing()) {
						return Mono.just(false);
					}
					if (!reply.nameExists()) {
						return Mono.error(new DnsLookupException("the name servers answered " + reply.describe()
								+ " for " + type + " " + name, false, null));
					}
					return Mono.just(reply.addresses().contains(address));
				});
		}));
	}

}
