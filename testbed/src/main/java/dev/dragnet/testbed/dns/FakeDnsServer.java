package dev.dragnet.testbed.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsPtrRecord;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.Connection;
import reactor.netty.udp.UdpInbound;
import reactor.netty.udp.UdpOutbound;
import reactor.netty.udp.UdpServer;

/**
 * An authoritative DNS server over UDP on {@code 127.0.0.1} and a free port that answers from a
 * {@link ReverseIpWorld}, for tests and benchmarks.
 *
 * <ul>
 * <li>PTR for {@code d.c.b.a.in-addr.arpa}: {@link ReverseIpWorld#ptr}, or NXDOMAIN when the address has none.</li>
 * <li>A for a name: {@link ReverseIpWorld#forwardA}, or NXDOMAIN when the name does not exist.</li>
 * <li>Any other type for a name that exists: NOERROR with no answer (NODATA), as a real server would; for any other
 * name: NXDOMAIN.</li>
 * </ul>
 * Answers carry the question, the AA flag and a TTL of {@value #TTL_SECONDS} seconds. Datagrams that are not DNS
 * queries are dropped. Only the first question of a query is answered.
 *
 * <p>{@link #start} and {@link #close()} wait for the socket and so must not be called on an event loop.
 */
public final class FakeDnsServer implements AutoCloseable {

	/** TTL of every answer record. */
	public static final int TTL_SECONDS = 300;

	/** How many questions {@link #queries()} keeps; later ones are answered but not recorded. */
	public static final int MAX_RECORDED_QUERIES = 100_000;

	private static final String HOST = "127.0.0.1";

	private static final String REVERSE_SUFFIX = ".in-addr.arpa.";

	private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(FakeDnsServer.class);

	private final ReverseIpWorld world;

	private final List<ReceivedDnsQuery> queries = Collections.synchronizedList(new ArrayList<>());

	private final AtomicBoolean closed = new AtomicBoolean();

	private final Connection server;

	private final int port;

	private FakeDnsServer(ReverseIpWorld world) {
		this.world = Objects.requireNonNull(world, "world");
		this.server = UdpServer.create()
			.host(HOST)
			.port(0)
			.doOnBound(FakeDnsServer::installCodec)
			.handle(this::serve)
			.bindNow(BIND_TIMEOUT);
		this.port = ((InetSocketAddress) this.server.channel().localAddress()).getPort();
		logger.debug("Fake DNS server listening on {}:{}", HOST, this.port);
	}

	/** Starts a server answering from {@code world} on {@code 127.0.0.1} and a free UDP port. */
	public static FakeDnsServer start(ReverseIpWorld world) {
		return new FakeDnsServer(world);
	}

	/** The address the server listens on: always {@code "127.0.0.1"}. */
	public String host() {
		return HOST;
	}

	/** The UDP port the server listens on. */
	public int port() {
		return this.port;
	}

	/** The server's address, for a resolver's name-server list. */
	public InetSocketAddress address() {
		return new InetSocketAddress(HOST, this.port);
	}

	/** Every question received so far, in order of arrival (the first {@value #MAX_RECORDED_QUERIES}); a copy. */
	public List<ReceivedDnsQuery> queries() {
		synchronized (this.queries) {
			return List.copyOf(this.queries);
		}
	}

	/** Stops listening and waits until the socket is closed. Idempotent. */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.server.dispose();
		this.server.onDispose().block(CLOSE_TIMEOUT);
		logger.debug("Fake DNS server on port {} closed after {} queries", this.port, this.queries.size());
	}

	@Override
	public String toString() {
		return "FakeDnsServer[" + HOST + ":" + this.port + "]";
	}

	private static void installCodec(Connection connection) {
		connection.addHandlerLast("dnsQueryDecoder", new DatagramDnsQueryDecoder())
			.addHandlerLast("dnsResponseEncoder", new DatagramDnsResponseEncoder())
			.addHandlerLast("dnsGarbageDropper", new GarbageDropper());
	}

	private Publisher<Void> serve(UdpInbound inbound, UdpOutbound outbound) {
		// The query is released once this returns, so the response is built from it right here.
		return outbound.sendObject(inbound.receiveObject()
			.ofType(DatagramDnsQuery.class)
			.filter((query) -> query.count(DnsSection.QUESTION) > 0)
			.map(this::answer));
	}

	private DatagramDnsResponse answer(DatagramDnsQuery query) {
		DnsQuestion question = query.recordAt(DnsSection.QUESTION);
		String name = question.name().toLowerCase(Locale.ROOT);
		name = name.endsWith(".") ? name : name + ".";
		record(new ReceivedDnsQuery(query.sender().getAddress().getHostAddress(), query.sender().getPort(), name, question.type().name()));
		Optional<DnsRecord[]> records = recordsFor(name, question.type());
		DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id(),
				DnsOpCode.QUERY, records.isPresent() ? DnsResponseCode.NOERROR : DnsResponseCode.NXDOMAIN);
		response.setAuthoritativeAnswer(true);
		response.setRecursionDesired(query.isRecursionDesired());
		response.addRecord(DnsSection.QUESTION, question);
		for (DnsRecord answer : records.orElse(new DnsRecord[0])) {
			response.addRecord(DnsSection.ANSWER, answer);
		}
		return response;
	}

	/** The answers for {@code name}: some (maybe none) when the name exists, empty when it does not. */
	private Optional<DnsRecord[]> recordsFor(String name, DnsRecordType type) {
		if (name.endsWith(REVERSE_SUFFIX)) {
			Optional<String> ptr = Optional.ofNullable(reverseAddress(name)).flatMap(this.world::ptr);
			return ptr.map((host) -> DnsRecordType.PTR.equals(type)
					? new DnsRecord[] { new DefaultDnsPtrRecord(name, DnsRecord.CLASS_IN, TTL_SECONDS, host + ".") }
					: new DnsRecord[0]);
		}
		List<String> addresses = this.world.forwardA(name);
		if (addresses.isEmpty()) {
			return Optional.empty();
		}
		if (!DnsRecordType.A.equals(type)) {
			return Optional.of(new DnsRecord[0]);
		}
		return Optional.of(addresses.stream().map((address) -> aRecord(name, address)).toArray(DnsRecord[]::new));
	}

	private static DnsRecord aRecord(String name, String address) {
		int value = ReverseIpWorld.ipv4(address);
		byte[] octets = { (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value };
		return new DefaultDnsRawRecord(name, DnsRecordType.A, TTL_SECONDS, Unpooled.wrappedBuffer(octets));
	}

	/** {@code "4.3.2.1.in-addr.arpa."} to {@code "1.2.3.4"}, or {@code null} when it names no single address. */
	private static @Nullable String reverseAddress(String name) {
		String[] labels = name.substring(0, name.length() - REVERSE_SUFFIX.length()).split("\\.", -1);
		if (labels.length != 4) {
			return null;
		}
		String address = labels[3] + "." + labels[2] + "." + labels[1] + "." + labels[0];
		try {
			return ReverseIpWorld.ipv4(ReverseIpWorld.ipv4(address));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private void record(ReceivedDnsQuery query) {
		synchronized (this.queries) {
			if (this.queries.size() < MAX_RECORDED_QUERIES) {
				this.queries.add(query);
			}
		}
	}

	/** Drops datagrams the decoder could not read, so one bad packet does not end the server. */
	private static final class GarbageDropper extends ChannelInboundHandlerAdapter {

		@Override
		public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
			logger.debug("Dropped a datagram that is not a DNS query: {}", cause.toString());
		}

	}

}
