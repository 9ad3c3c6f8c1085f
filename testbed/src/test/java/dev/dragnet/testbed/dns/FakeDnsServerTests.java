package dev.dragnet.testbed.dns;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
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
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Queries {@link FakeDnsServer} with Netty's own DNS resolver, as a client in the project would. */
class FakeDnsServerTests {

	private static final long TIMEOUT_SECONDS = 5;

	private final ReverseIpWorld world = new ReverseIpWorld(42);

	private final FakeDnsServer dns = FakeDnsServer.start(this.world);

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final DnsNameResolver resolver = new DnsNameResolverBuilder(this.group.next())
		.datagramChannelType(NioDatagramChannel.class)
		.nameServerProvider(new SingletonDnsServerAddressStreamProvider(this.dns.address()))
		.queryTimeoutMillis(2000)
		.maxQueriesPerResolve(1)
		.recursionDesired(false)
		.searchDomains(List.of())
		.resolvedAddressTypes(ResolvedAddressTypes.IPV4_ONLY)
		.build();

	@AfterEach
	void close() {
		this.resolver.close();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
		this.dns.close();
	}

	@Test
	void ptrQueriesAnswerTheWorldsPtrOrNxdomain() throws Exception {
		int withName = 0;
		int without = 0;
		int first = ReverseIpWorld.ipv4("10.0.0.0");
		for (int i = 0; i < 64; i++) {
			String ip = ReverseIpWorld.ipv4(first + i);
			String[] octets = ip.split("\\.");
			Answer answer = query(octets[3] + "." + octets[2] + "." + octets[1] + "." + octets[0] + ".in-addr.arpa",
					DnsRecordType.PTR);
			Optional<String> ptr = this.world.ptr(ip);
			if (ptr.isPresent()) {
				withName++;
				assertThat(answer.code()).isEqualTo(DnsResponseCode.NOERROR);
				assertThat(answer.values()).containsExactly(ptr.get() + ".");
				assertThat(answer.authoritative()).isTrue();
			}
			else {
				without++;
				assertThat(answer.code()).isEqualTo(DnsResponseCode.NXDOMAIN);
				assertThat(answer.values()).isEmpty();
			}
		}
		assertThat(withName).isPositive();
		assertThat(without).isPositive();
	}

	@Test
	void aQueriesAnswerForwardLookupsIncludingTheOnesThatFailVerification() throws Exception {
		String shared = this.world.firstAddressOf(Tier.SHARED, "10.0.0.0");
		int elsewhere = 0;
		for (String name : this.world.domainsOf(shared)) {
			Answer answer = query(name, DnsRecordType.A);
			assertThat(answer.code()).isEqualTo(DnsResponseCode.NOERROR);
			assertThat(answer.values()).containsExactlyElementsOf(this.world.forwardA(name));
			if (!answer.values().contains(shared)) {
				elsewhere++;
			}
		}
		assertThat(elsewhere).isPositive();
		String name = this.world.domainsOf(shared).first();
		assertThat(query(name.toUpperCase() + ".", DnsRecordType.A).values())
			.containsExactlyElementsOf(this.world.forwardA(name));
	}

	@Test
	void aStandardResolverResolvesHostedNames() throws Exception {
		String small = this.world.firstAddressOf(Tier.SMALL, "10.0.0.0");
		String name = this.world.domainsOf(small).first();
		List<InetAddress> addresses = this.resolver.resolveAll(name).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertThat(addresses).map(InetAddress::getHostAddress).containsExactlyElementsOf(this.world.forwardA(name));
	}

	@Test
	void unknownNamesAreNxdomainAndOtherTypesOfKnownNamesAreEmpty() throws Exception {
		assertThat(query("nothing.example", DnsRecordType.A).code()).isEqualTo(DnsResponseCode.NXDOMAIN);
		assertThat(query("1.2.3.in-addr.arpa", DnsRecordType.PTR).code()).isEqualTo(DnsResponseCode.NXDOMAIN);
		String name = this.world.domainsOf(this.world.firstAddressOf(Tier.SMALL, "10.0.0.0")).first();
		Answer aaaa = query(name, DnsRecordType.AAAA);
		assertThat(aaaa.code()).isEqualTo(DnsResponseCode.NOERROR);
		assertThat(aaaa.values()).isEmpty();
	}

	@Test
	void queriesAreRecordedAndGarbageIsDropped() throws Exception {
		try (DatagramSocket socket = new DatagramSocket()) {
			byte[] garbage = { 1, 2, 3 };
			socket.send(new DatagramPacket(garbage, garbage.length, this.dns.address()));
		}
		query("Nothing.Example", DnsRecordType.A);
		assertThat(this.dns.queries()).singleElement().satisfies((query) -> {
			assertThat(query.client()).isEqualTo("127.0.0.1");
			assertThat(query.name()).isEqualTo("nothing.example.");
			assertThat(query.type()).isEqualTo("A");
		});
		assertThat(this.dns.port()).isPositive();
	}

	private Answer query(String name, DnsRecordType type) throws Exception {
		AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = this.resolver
			.query(new DefaultDnsQuestion(name, type))
			.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		try {
			DnsResponse response = envelope.content();
			List<String> values = new ArrayList<>();
			for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
				DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
				assertThat(record.timeToLive()).isEqualTo(FakeDnsServer.TTL_SECONDS);
				if (record instanceof DnsPtrRecord ptr) {
					values.add(ptr.hostname());
				}
				else if (record instanceof DnsRawRecord raw && record.type().equals(DnsRecordType.A)) {
					values.add(InetAddress.getByAddress(ByteBufUtil.getBytes(raw.content())).getHostAddress());
				}
			}
			return new Answer(response.code(), response.isAuthoritativeAnswer(), values);
		}
		finally {
			envelope.release();
		}
	}

	private record Answer(DnsResponseCode code, boolean authoritative, List<String> values) {
	}

}
