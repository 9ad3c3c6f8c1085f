package dev.dragnet.probe.reverseip;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import dev.dragnet.probe.net.ProbeLoops;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsPtrRecord;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DefaultDnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.DnsServerAddresses;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;

/**
 * The name servers this probe asks for reverse and forward DNS ({@link PtrLookup}, {@link ForwardVerifier}): one
 * Netty {@link DnsNameResolver} on a Reactor Netty event loop, made on the first question, asking the configured
 * servers in order, each question with a timeout. Questions are asked as given (no hosts file, no search domains, no
 * cache), so the answer is the servers' own. Close it when done.
 */
public final class NameServers implements AutoCloseable {

	/** Default timeout of one question to one server. */
	public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(3);

	private final List<InetSocketAddress> servers;

	private final Duration queryTimeout;

	/** The resolver, made on the first question: its UDP socket is what an idle probe need not hold. */
	private final Mono<DnsNameResolver> resolver;

	private final AtomicReference<@Nullable DnsNameResolver> made = new AtomicReference<>();

	private volatile boolean closed;

	/**
	 * @param servers the name servers, asked in this order (at least one)
	 * @param queryTimeout how long one server has to answer one question
	 */
	public NameServers(List<InetSocketAddress> servers, Duration queryTimeout) {
		if (servers.isEmpty()) {
			throw new IllegalArgumentException("at least one name server is needed");
		}
		this.servers = List.copyOf(servers);
		this.queryTimeout = queryTimeout;
		// Made on a thread that may block, once, however many questions arrive at once; a failure is not kept, so
		// the next question tries again.
		this.resolver = Mono.fromCallable(this::make).subscribeOn(Schedulers.boundedElastic())
			.cacheInvalidateIf((r) -> false);
	}

	/**
	 * The resolver and its socket. A probe that never runs a reverse-IP block never makes one, and an idle probe holds
	 * none (on Linux's io_uring transport, which the testbed's fakes run, a datagram channel alone keeps 512 message
	 * headers with eight {@code DirectByteBuffer} views each, about 0.3 MB of heap: docs/BENCHMARKS.md).
	 */
	private DnsNameResolver make() {
		if (this.closed) {
			throw new IllegalStateException("the name servers are closed");
		}
		LoopResources loops = ProbeLoops.get();
		EventLoopGroup group = loops.onClient(LoopResources.DEFAULT_NATIVE);
		EventLoop loop = group.next();
		DnsNameResolver resolver = new DnsNameResolverBuilder(loop)
			.datagramChannelType(loops.onChannelClass(DatagramChannel.class, group))
			.nameServerProvider(new SequentialDnsServerAddressStreamProvider(this.servers))
			.queryTimeoutMillis(Math.max(1, this.queryTimeout.toMillis()))
			.maxQueriesPerResolve(this.servers.size())
			.recursionDesired(true)
			.resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
			.hostsFileEntriesResolver((name, types) -> null)
			.searchDomains(List.of())
			.build();
		this.made.set(resolver);
		if (this.closed) {
			resolver.close();
			throw new IllegalStateException("the name servers are closed");
		}
		return resolver;
	}

	/** Asks {@code name} {@code type} with {@link #DEFAULT_QUERY_TIMEOUT} per question. */
	public NameServers(List<InetSocketAddress> servers) {
		this(servers, DEFAULT_QUERY_TIMEOUT);
	}

	/**
	 * The system's name servers ({@code /etc/resolv.conf} and the like), asked with {@link #DEFAULT_QUERY_TIMEOUT}.
	 * When the system names none, Netty falls back to public resolvers. Reads the system's configuration: call it
	 * at start-up, never on an event loop.
	 */
	public static NameServers system() {
		return new NameServers(DefaultDnsServerAddressStreamProvider.defaultAddressList());
	}

	/**
	 * Asks one question of the servers.
	 * @return the answer's code and its PTR names and addresses; a {@link DnsLookupException} when none came
	 */
	Mono<Reply> ask(String name, DnsRecordType type) {
		return this.resolver.flatMap((resolver) -> Mono.<Reply>create((sink) -> {
			Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> future = resolver
				.query(new DefaultDnsQuestion(name, type));
			future.addListener((done) -> {
				if (!future.isSuccess()) {
					sink.error(failure(name, type, future.cause()));
					return;
				}
				AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = future.getNow();
				try {
					sink.success(Reply.of(envelope.content(), type));
				}
				catch (RuntimeException ex) {
					sink.error(ex);
				}
				finally {
					envelope.release();
				}
			});
			sink.onCancel(() -> future.cancel(false));
		}));
	}

	private DnsLookupException failure(String name, DnsRecordType type, Throwable cause) {
		boolean timeout = cause instanceof DnsNameResolverTimeoutException || cause instanceof TimeoutException
				|| (cause.getCause() instanceof DnsNameResolverTimeoutException);
		return new DnsLookupException((timeout ? "no answer from " : "failed asking ") + this.servers + " for " + type
				+ " " + name + ": " + cause.getMessage(), timeout, cause);
	}

	/** Stops the resolver and closes its socket, if a question made them. */
	@Override
	public void close() {
		this.closed = true;
		DnsNameResolver resolver = this.made.getAndSet(null);
		if (resolver != null) {
			resolver.close();
		}
	}

	/** The reverse-DNS name of {@code address}: {@code d.c.b.a.in-addr.arpa.} or the IPv6 nibble form. */
	static String reverseName(InetAddress address) {
		byte[] bytes = address.getAddress();
		StringBuilder name = new StringBuilder(72);
		if (address instanceof Inet6Address) {
			for (int i = bytes.length - 1; i >= 0; i--) {
				name.append(Character.forDigit(bytes[i] & 0x0F, 16)).append('.')
					.append(Character.forDigit((bytes[i] >> 4) & 0x0F, 16)).append('.');
			}
			return name.append("ip6.arpa.").toString();
		}
		for (int i = bytes.length - 1; i >= 0; i--) {
			name.append(bytes[i] & 0xFF).append('.');
		}
		return name.append("in-addr.arpa.").toString();
	}

	/**
	 * One answer.
	 * @param code the response code (NOERROR, NXDOMAIN, SERVFAIL, ...)
	 * @param names the PTR names in the answer section, as given
	 * @param addresses the A or AAAA addresses in the answer section
	 */
	record Reply(DnsResponseCode code, List<String> names, List<InetAddress> addresses) {

		static Reply of(DnsResponse response, DnsRecordType asked) {
			List<String> names = new ArrayList<>();
			List<InetAddress> addresses = new ArrayList<>();
			int count = response.count(DnsSection.ANSWER);
			for (int i = 0; i < count; i++) {
				DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
				if (record instanceof DnsPtrRecord ptr) {
					names.add(ptr.hostname());
				}
				else if (record instanceof DnsRawRecord raw && record.type().equals(DnsRecordType.PTR)) {
					names.add(DefaultDnsRecordDecoder.decodeName(raw.content().duplicate()));
				}
				else if (record instanceof DnsRawRecord raw && record.type().equals(asked)
						&& (asked.equals(DnsRecordType.A) || asked.equals(DnsRecordType.AAAA))) {
					address(raw.content(), addresses);
				}
			}
			return new Reply(response.code(), List.copyOf(names), List.copyOf(addresses));
		}

		private static void address(ByteBuf content, List<InetAddress> addresses) {
			int length = content.readableBytes();
			if (length != 4 && length != 16) {
				return;
			}
			byte[] bytes = new byte[length];
			content.getBytes(content.readerIndex(), bytes);
			try {
				addresses.add(InetAddress.getByAddress(bytes));
			}
			catch (UnknownHostException ex) {
				// Cannot happen for 4 or 16 bytes.
			}
		}

		boolean nameExists() {
			return this.code.equals(DnsResponseCode.NOERROR);
		}

		boolean nameMissing() {
			return this.code.equals(DnsResponseCode.NXDOMAIN);
		}

		String describe() {
			return this.code.toString().toLowerCase(Locale.ROOT);
		}

	}

}
