package dev.dragnet.probe.whois;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.SocksProxy;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.TaskResult.Outcome;
import dev.dragnet.protocol.WhoisQuery;
import dev.dragnet.testbed.socks.FakeSocksProxy;
import dev.dragnet.testbed.whois.ClientRateLimit;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WhoisClient} against a {@link FakeWhoisServer} on loopback (allowed here, except in the policy tests).
 *
 * <p>A server that closes without writing a byte gives {@link Outcome#OK} with empty text and a detail saying
 * so: the exchange itself worked, and whether an empty answer means "rate limited" is the server's call.
 */
class WhoisClientTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Duration DEADLINE = Duration.ofSeconds(5);

	private FakeWhoisServer whois;

	private final WhoisClient client = new WhoisClient(true);

	@BeforeEach
	void startServer() {
		this.whois = FakeWhoisServer.start();
	}

	@AfterEach
	void stopServer() {
		this.whois.close();
	}

	@Test
	void answerIsReturnedAsText() {
		String answer = "Domain Name: EXAMPLE.COM\r\nRegistrar: Example Registrar\r\n";
		this.whois.answer("domain example.com", answer);
		TaskResult result = query("t1", whoisQuery("domain example.com", null, 65536), DEADLINE);
		assertThat(result.taskId()).isEqualTo("t1");
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(result.text()).isEqualTo(answer);
		assertThat(result.bytes()).isEqualTo(answer.length());
		assertThat(result.detail()).isNull();
		assertThat(result.elapsedMillis()).isBetween(0L, WAIT.toMillis());
		assertThat(this.whois.queries()).containsExactly("domain example.com");
	}

	@Test
	void answerIsReadOnTheProbesOneGroupOfEventLoops() {
		this.whois.answer("domain example.com", "Domain Name: EXAMPLE.COM\r\n");
		String[] thread = new String[1];
		this.client.query("t1", whoisQuery("domain example.com", null, 65536), DEADLINE)
			.doOnNext(r -> thread[0] = Thread.currentThread().getName())
			.as(StepVerifier::create)
			.assertNext(r -> assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.OK))
			.expectComplete()
			.verify(WAIT);
		// the probe's own loops, those of its WebSocket, RDAP and site clients too; not Reactor Netty's global groups
		assertThat(thread[0]).startsWith("probe-");
	}

	@Test
	void isoLatin1WithExplicitCharset() {
		this.whois.answer("müller.de", WhoisBehaviour.text("Inhaber: Jürgen Müller\r\n", StandardCharsets.ISO_8859_1));
		TaskResult result = query("t1", whoisQuery("müller.de", "ISO-8859-1", 65536), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(result.text()).isEqualTo("Inhaber: Jürgen Müller\r\n");
	}

	@Test
	void isoLatin1IsDetectedWhenTheBytesAreNotUtf8() {
		this.whois.answer("q", WhoisBehaviour.text("Inhaber: Jürgen Müller\r\n", StandardCharsets.ISO_8859_1));
		TaskResult result = query("t1", whoisQuery("q", null, 65536), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(result.text()).isEqualTo("Inhaber: Jürgen Müller\r\n");
	}

	@Test
	void gbkWithExplicitCharset() {
		String answer = "注册人: 北京某某科技有限公司\r\n";
		this.whois.answer("example.cn", WhoisBehaviour.text(answer, Charset.forName("GBK")));
		TaskResult result = query("t1", whoisQuery("example.cn", "GBK", 65536), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(result.text()).isEqualTo(answer);
		assertThat(result.bytes()).isEqualTo(answer.getBytes(Charset.forName("GBK")).length);
	}

	@Test
	void utf8ByteOrderMarkIsDropped() {
		byte[] body = "Domain Name: ÉCOLE.FR\r\n".getBytes(StandardCharsets.UTF_8);
		byte[] withBom = new byte[body.length + 3];
		withBom[0] = (byte) 0xEF;
		withBom[1] = (byte) 0xBB;
		withBom[2] = (byte) 0xBF;
		System.arraycopy(body, 0, withBom, 3, body.length);
		this.whois.answer("q", WhoisBehaviour.bytes(withBom));
		TaskResult result = query("t1", whoisQuery("q", null, 65536), DEADLINE);
		assertThat(result.text()).isEqualTo("Domain Name: ÉCOLE.FR\r\n");
	}

	@Test
	void serverThatHangsTimesOutAtTheDeadline() {
		this.whois.answer("q", WhoisBehaviour.hang());
		TaskResult result = query("t1", whoisQuery("q", null, 65536), Duration.ofMillis(500));
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.TIMEOUT);
		assertThat(result.detail()).contains("500 ms").contains("reading the answer");
		assertThat(result.elapsedMillis()).isBetween(450L, 3000L);
	}

	@Test
	void serverThatClosesWithoutAnsweringGivesEmptyOkResult() {
		this.whois.answer("q", WhoisBehaviour.earlyClose());
		TaskResult result = query("t1", whoisQuery("q", null, 65536), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(result.text()).isEmpty();
		assertThat(result.bytes()).isZero();
		assertThat(result.detail()).contains("without answering");
	}

	@Test
	void endlessAnswerIsCutAtTheByteCap() {
		this.whois.answer("q", WhoisBehaviour.endless());
		TaskResult result = query("t1", whoisQuery("q", null, 10_000), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.TRUNCATED);
		assertThat(result.bytes()).isEqualTo(10_000);
		assertThat(result.text()).hasSize(10_000).startsWith("xxxx");
		assertThat(result.detail()).contains("10000 bytes");
	}

	@Test
	void answerOfExactlyTheCapIsNotTruncated() {
		this.whois.answer("q", "0123456789");
		TaskResult result = query("t1", whoisQuery("q", null, 10), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(result.text()).isEqualTo("0123456789");
	}

	@Test
	void utf8CutMidCharacterStaysUtf8() {
		this.whois.answer("q", "ééééé"); // two bytes each
		TaskResult result = query("t1", whoisQuery("q", null, 5), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.TRUNCATED);
		assertThat(result.bytes()).isEqualTo(5);
		assertThat(result.text()).isEqualTo("éé");
	}

	@Test
	void slowDripPastTheDeadlineTimesOut() {
		this.whois.answer("q", WhoisBehaviour.slowDrip("Domain Name: EXAMPLE.COM\r\n", Duration.ofMillis(200)));
		TaskResult result = query("t1", whoisQuery("q", null, 65536), Duration.ofMillis(700));
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.TIMEOUT);
		assertThat(result.bytes()).isBetween(3L, 12L);
		assertThat(result.text()).startsWith("Dom");
		assertThat(result.detail()).contains("bytes received");
	}

	@Test
	void closedPortIsConnectFailed() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		WhoisQuery query = new WhoisQuery("127.0.0.1", closedPort, "q", null, 65536, 2000, null);
		TaskResult result = query("t1", query, DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.CONNECT_FAILED);
		assertThat(result.detail()).contains("127.0.0.1:" + closedPort).doesNotContain("(..)");
		assertThat(result.text()).isNull();
	}

	@Test
	void privateAddressIsRefusedWithoutConnecting() {
		WhoisClient strict = new WhoisClient(false);
		TaskResult result = queryWith(strict, whoisQuery("q", null, 65536), DEADLINE);
		assertThat(result).isNotNull();
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.REFUSED);
		assertThat(result.detail()).startsWith("refusing to contact a private or loopback address")
			.contains("127.0.0.1");
		assertThat(this.whois.connectionCount()).isZero();
	}

	@Test
	void hostNameResolvingToLoopbackIsRefusedWithoutConnecting() {
		WhoisClient strict = new WhoisClient(false);
		WhoisQuery query = new WhoisQuery("localhost", this.whois.port(), "q", null, 65536, 2000, null);
		TaskResult result = queryWith(strict, query, DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.REFUSED);
		assertThat(result.detail()).contains("localhost");
		assertThat(this.whois.connectionCount()).isZero();
	}

	@Test
	void hostNameIsResolvedWithoutBlocking() {
		this.whois.answer("q", "answer\r\n");
		WhoisQuery query = new WhoisQuery("localhost", this.whois.port(), "q", null, 65536, 2000, null);
		TaskResult result = query("t1", query, DEADLINE);
		// Netty's resolver prefers IPv4, so localhost is 127.0.0.1, where the fake listens.
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(result.text()).isEqualTo("answer\r\n");
	}

	@Test
	void queryWithLineBreakIsRefusedWithoutConnecting() {
		TaskResult result = query("t1", whoisQuery("q\r\nsecond line", null, 65536), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.REFUSED);
		assertThat(this.whois.connectionCount()).isZero();
	}

	@Test
	void binaryGarbageDecodesToText() {
		byte[] garbage = new byte[2048];
		new Random(42).nextBytes(garbage);
		garbage[0] = (byte) 0xC3; // a broken UTF-8 sequence for sure
		garbage[1] = (byte) 0x28;
		this.whois.answer("q", WhoisBehaviour.bytes(garbage));
		TaskResult result = query("t1", whoisQuery("q", null, 65536), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(result.bytes()).isEqualTo(2048);
		assertThat(result.text()).hasSize(2048); // ISO-8859-1: one char per byte
	}

	@Test
	void queriesToOneHostArePacedAndTheWaitIsTheDetailOfATimeout() {
		this.whois.answer("a", "A\r\n").answer("b", "B\r\n").answer("c", "C\r\n");
		WhoisClient paced = new WhoisClient(true, new HostPacer());
		Pace pace = new Pace(400, 1);
		Mono<TaskResult> first = paced.query("a", whoisQuery("a", pace), DEADLINE);
		Mono<TaskResult> second = paced.query("b", whoisQuery("b", pace), DEADLINE);
		Mono<TaskResult> third = paced.query("c", whoisQuery("c", pace), Duration.ofMillis(200));
		Mono.zip(first, second, third)
			.as(StepVerifier::create)
			.assertNext(all -> {
				assertThat(all.getT1().outcome()).isEqualTo(Outcome.OK);
				assertThat(all.getT2().outcome()).isEqualTo(Outcome.OK);
				// The second starts 400 ms after the first; its own clock started a few ms after the first's, and
				// elapsed times are whole milliseconds, so it measures a little under 400.
				assertThat(Math.max(all.getT1().elapsedMillis(), all.getT2().elapsedMillis())).isGreaterThanOrEqualTo(350);
				assertThat(all.getT3().outcome()).isEqualTo(Outcome.TIMEOUT);
				assertThat(all.getT3().detail()).contains("waiting for its turn at the host");
			})
			.expectComplete()
			.verify(WAIT);
		assertThat(this.whois.queries()).containsExactlyInAnyOrder("a", "b");
	}

	@Test
	void connectionsLeaveFromTheBindAddress() throws Exception {
		ClientRateLimit limit = ClientRateLimit.of(0.001, 1);
		this.whois.fallback(WhoisBehaviour.perClient(limit, WhoisBehaviour.text("ok\r\n"),
				WhoisBehaviour.text("limit exceeded\r\n")));
		WhoisClient second = new WhoisClient(true, new HostPacer(), InetAddress.getByName("127.0.0.2"));
		WhoisClient third = new WhoisClient(true, new HostPacer(), InetAddress.getByName("127.0.0.3"));
		assertThat(queryWith(second, whoisQuery("a.bench", null, 65536), DEADLINE).text()).isEqualTo("ok\r\n");
		assertThat(queryWith(second, whoisQuery("b.bench", null, 65536), DEADLINE).text())
			.as("the registry counts 127.0.0.2 once").isEqualTo("limit exceeded\r\n");
		assertThat(queryWith(third, whoisQuery("c.bench", null, 65536), DEADLINE).text())
			.as("127.0.0.3 is another client").isEqualTo("ok\r\n");
	}

	@Test
	void queryGoesThroughASocksProxy() {
		this.whois.answer("domain example.com", "Domain Name: EXAMPLE.COM\r\n");
		try (FakeSocksProxy proxy = FakeSocksProxy.start()) {
			TaskResult result = query("t1", proxied("domain example.com", new SocksProxy(proxy.host(), proxy.port(),
					null, null)), DEADLINE);

			assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
			assertThat(result.text()).isEqualTo("Domain Name: EXAMPLE.COM\r\n");
			assertThat(proxy.connects()).containsExactly(this.whois.host() + ":" + this.whois.port());
			assertThat(this.whois.queries()).containsExactly("domain example.com");
		}
	}

	@Test
	void queryGoesThroughASocksProxyThatAsksForAPassword() {
		this.whois.answer("domain example.com", "Domain Name: EXAMPLE.COM\r\n");
		try (FakeSocksProxy proxy = FakeSocksProxy.withPassword("cafe", "s3cret")) {
			TaskResult result = query("t1", proxied("domain example.com", new SocksProxy(proxy.host(), proxy.port(),
					"cafe", "s3cret")), DEADLINE);

			assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
			assertThat(result.text()).isEqualTo("Domain Name: EXAMPLE.COM\r\n");
			assertThat(proxy.connects()).hasSize(1);
		}
	}

	@Test
	void aProxyRefusingTheCredentialsOrTheConnectionIsAConnectFailureNamingTheProxy() {
		try (FakeSocksProxy proxy = FakeSocksProxy.withPassword("cafe", "s3cret");
				FakeSocksProxy refusing = FakeSocksProxy.refusingConnect()) {
			TaskResult wrong = query("t1", proxied("domain example.com", new SocksProxy(proxy.host(), proxy.port(),
					"cafe", "guess")), DEADLINE);
			TaskResult refused = query("t2", proxied("domain example.com", new SocksProxy(refusing.host(),
					refusing.port(), null, null)), DEADLINE);

			for (TaskResult result : new TaskResult[] { wrong, refused }) {
				assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.CONNECT_FAILED);
				assertThat(result.detail()).contains("proxy");
			}
			assertThat(proxy.connects()).isEmpty();
			assertThat(refusing.connects()).hasSize(1);
			assertThat(this.whois.connectionCount()).isZero();
		}
	}

	private WhoisQuery proxied(String line, SocksProxy proxy) {
		return new WhoisQuery(this.whois.host(), this.whois.port(), line, null, 65536, 2000, proxy);
	}

	private WhoisQuery whoisQuery(String line, Pace pace) {
		return new WhoisQuery(this.whois.host(), this.whois.port(), line, null, 65536, 2000, null, pace);
	}

	private WhoisQuery whoisQuery(String line, @Nullable String charset, int maxBytes) {
		return new WhoisQuery(this.whois.host(), this.whois.port(), line, charset, maxBytes, 2000, null);
	}

	private TaskResult query(String taskId, WhoisQuery query, Duration deadline) {
		return queryWith(this.client, taskId, query, deadline);
	}

	private static TaskResult queryWith(WhoisClient client, WhoisQuery query, Duration deadline) {
		return queryWith(client, "t1", query, deadline);
	}

	private static TaskResult queryWith(WhoisClient client, String taskId, WhoisQuery query, Duration deadline) {
		TaskResult[] result = new TaskResult[1];
		client.query(taskId, query, deadline)
			.as(StepVerifier::create)
			.consumeNextWith(r -> result[0] = r)
			.expectComplete()
			.verify(WAIT);
		return result[0];
	}
}
