package dev.dragnet.testbed.whois;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;
import reactor.test.StepVerifier;

import static dev.dragnet.testbed.whois.WhoisBehaviour.bytes;
import static dev.dragnet.testbed.whois.WhoisBehaviour.delayed;
import static dev.dragnet.testbed.whois.WhoisBehaviour.earlyClose;
import static dev.dragnet.testbed.whois.WhoisBehaviour.endless;
import static dev.dragnet.testbed.whois.WhoisBehaviour.hang;
import static dev.dragnet.testbed.whois.WhoisBehaviour.slowDrip;
import static dev.dragnet.testbed.whois.WhoisBehaviour.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Drives {@link FakeWhoisServer} as a WHOIS client would: a Reactor Netty {@link TcpClient} that sends one
 * line and reads until the server closes. Blocking happens only on the test thread.
 */
class FakeWhoisServerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final int ONE_MIB = 1024 * 1024;

	private final FakeWhoisServer whois = FakeWhoisServer.start();

	@AfterEach
	void closeServer() {
		this.whois.close();
	}

	@Test
	void listensOnLoopback() {
		assertThat(this.whois.host()).isEqualTo("127.0.0.1");
		assertThat(this.whois.port()).isPositive();
	}

	@Test
	void scriptedQueryGetsItsTextAndTheConnectionIsClosed() {
		this.whois.answer("domain example.com", "Domain Name: EXAMPLE.COM\r\nRegistrar: Früh GmbH\r\n");

		ask("domain example.com\r\n").as(StepVerifier::create)
			.assertNext((answer) -> assertThat(utf8(answer)).isEqualTo("Domain Name: EXAMPLE.COM\r\nRegistrar: Früh GmbH\r\n"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void queryIsMatchedOnTheExactLine() {
		this.whois.answer("-T dn,ace example.de", "Domain: example.de\r\n");

		assertThat(utf8(ask("-T dn,ace example.de\r\n").block(TIMEOUT))).isEqualTo("Domain: example.de\r\n");
		assertThat(utf8(ask("-T dn,ace  example.de\r\n").block(TIMEOUT)))
			.isEqualTo("No match for \"-T dn,ace  example.de\".\r\n");
		assertThat(utf8(ask("-t dn,ace example.de\r\n").block(TIMEOUT)))
			.isEqualTo("No match for \"-t dn,ace example.de\".\r\n");
	}

	@Test
	void bareLfEndsTheQueryToo() {
		this.whois.answer("example.org", "Domain Name: EXAMPLE.ORG\r\n");

		assertThat(utf8(ask("example.org\n").block(TIMEOUT))).isEqualTo("Domain Name: EXAMPLE.ORG\r\n");
	}

	@Test
	void unknownQueryGetsNoMatchByDefault() {
		assertThat(utf8(ask("domain nowhere.example\r\n").block(TIMEOUT)))
			.isEqualTo("No match for \"domain nowhere.example\".\r\n");
	}

	@Test
	void unknownQueryGetsTheFallbackWhenOneIsSet() {
		this.whois.answer("known.example", "known\r\n").fallback(text("%ERROR:101: no entries found\r\n"));

		assertThat(utf8(ask("unknown.example\r\n").block(TIMEOUT))).isEqualTo("%ERROR:101: no entries found\r\n");
		assertThat(utf8(ask("known.example\r\n").block(TIMEOUT))).isEqualTo("known\r\n");
	}

	@Test
	void textIsEncodedInTheGivenCharset() {
		this.whois.answer("latin1.example", text("Müller", StandardCharsets.ISO_8859_1))
			.answer("gbk.example", text("中国", Charset.forName("GBK")));

		assertThat(ask("latin1.example\r\n").block(TIMEOUT))
			.containsExactly(0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72);
		assertThat(ask("gbk.example\r\n").block(TIMEOUT)).containsExactly(0xD6, 0xD0, 0xB9, 0xFA);
	}

	@Test
	void bytesAreSentAsGiven() {
		byte[] garbage = { 0x00, (byte) 0xFF, (byte) 0xC3, 0x28, 0x1B, 0x0A, 0x7F };
		this.whois.answer("garbage.example", bytes(garbage));
		// The fake keeps its own copy: changing the array afterwards changes nothing.
		garbage[0] = 0x41;

		assertThat(ask("garbage.example\r\n").block(TIMEOUT)).containsExactly(0x00, 0xFF, 0xC3, 0x28, 0x1B, 0x0A, 0x7F);
	}

	@Test
	void delayedAnswerComesOnlyAfterTheDelay() {
		this.whois.answer("slow.example", delayed(Duration.ofMillis(600), text("late\r\n")));

		ask("slow.example\r\n").as(StepVerifier::create)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(400))
			.assertNext((answer) -> assertThat(utf8(answer)).isEqualTo("late\r\n"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void hangReadsTheQueryThenNeitherAnswersNorCloses() {
		this.whois.answer("hang.example", hang());
		Connection connection = sendOnly("hang.example\r\n");
		await(() -> this.whois.queryCount("hang.example") == 1);

		connection.inbound().receive().asByteArray().as(StepVerifier::create)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(500))
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(connection.channel().isActive()).isTrue();
		assertThat(this.whois.openConnections()).isEqualTo(1);

		connection.dispose();
		await(() -> this.whois.openConnections() == 0);
	}

	@Test
	void clientThatSendsNothingIsHeld() {
		Connection connection = connect().block(TIMEOUT);
		await(() -> this.whois.openConnections() == 1);

		connection.inbound().receive().asByteArray().as(StepVerifier::create)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(500))
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(connection.channel().isActive()).isTrue();
		assertThat(this.whois.queries()).isEmpty();
		connection.dispose();
	}

	@Test
	void earlyCloseClosesWithoutAByte() {
		this.whois.answer("early.example", earlyClose());

		assertThat(ask("early.example\r\n").block(TIMEOUT)).isEmpty();
		assertThat(this.whois.queries()).containsExactly("early.example");
	}

	@Test
	void endlessStreamsLinesUntilTheClientCloses() {
		this.whois.answer("endless.example", endless());
		Connection connection = sendOnly("endless.example\r\n");

		ByteArrayOutputStream head = new ByteArrayOutputStream();
		AtomicLong received = new AtomicLong();
		connection.inbound().receive().asByteArray()
			.doOnNext((chunk) -> {
				if (head.size() < 256) {
					head.writeBytes(chunk);
				}
			})
			.map((chunk) -> received.addAndGet(chunk.length))
			.takeUntil((total) -> total >= ONE_MIB)
			.last()
			.as(StepVerifier::create)
			.assertNext((total) -> assertThat(total).isGreaterThanOrEqualTo(ONE_MIB))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(utf8(head.toByteArray())).startsWith("x".repeat(62) + "\r\n" + "x".repeat(62) + "\r\n");

		connection.dispose();
		await(() -> this.whois.openConnections() == 0);
	}

	@Test
	void endlessStopsProducingWhileTheClientDoesNotRead() throws IOException {
		this.whois.answer("endless.example", endless());
		try (Socket socket = new Socket()) {
			socket.setReceiveBufferSize(16 * 1024);
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			socket.connect(new InetSocketAddress(this.whois.host(), this.whois.port()), (int) TIMEOUT.toMillis());
			socket.getOutputStream().write("endless.example\r\n".getBytes(StandardCharsets.US_ASCII));
			await(() -> this.whois.bytesProduced() > 0);

			// The client reads nothing: once the socket buffers are full the fake must stop producing.
			pause(Duration.ofMillis(400));
			long stalled = this.whois.bytesProduced();
			pause(Duration.ofMillis(400));
			assertThat(this.whois.bytesProduced() - stalled).isLessThan(ONE_MIB);
			assertThat(stalled).isLessThan(32L * ONE_MIB);

			InputStream in = socket.getInputStream();
			assertThat(in.readNBytes(2 * ONE_MIB)).hasSize(2 * ONE_MIB);
		}
		await(() -> this.whois.openConnections() == 0);
	}

	@Test
	void slowDripSendsSmallChunksOverTime() {
		String text = "Domain Name: DRIP.EXAMPLE\r\n";
		Duration perChunk = Duration.ofMillis(30);
		this.whois.answer("drip.example", slowDrip(text, perChunk));

		long start = System.nanoTime();
		List<byte[]> chunks = exchange("drip.example\r\n",
				(connection) -> connection.inbound().receive().asByteArray().collectList())
			.block(TIMEOUT);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

		ByteArrayOutputStream all = new ByteArrayOutputStream();
		chunks.forEach(all::writeBytes);
		assertThat(utf8(all.toByteArray())).isEqualTo(text);
		// 27 bytes are 9 chunks of at most 3 bytes, one every 30 ms.
		assertThat(chunks).hasSizeGreaterThanOrEqualTo(3).allSatisfy((chunk) -> assertThat(chunk.length).isLessThanOrEqualTo(3 * 3));
		assertThat(elapsed).isGreaterThanOrEqualTo(perChunk.multipliedBy(8));
	}

	@Test
	void queriesAreRecordedInOrder() {
		this.whois.answer("a.example", "a\r\n");
		ask("a.example\r\n").block(TIMEOUT);
		ask("b.example\n").block(TIMEOUT);
		ask("a.example\r\n").block(TIMEOUT);

		List<String> queries = this.whois.queries();
		assertThat(queries).containsExactly("a.example", "b.example", "a.example");
		assertThat(this.whois.queryCount("a.example")).isEqualTo(2);
		assertThat(this.whois.queryCount("b.example")).isEqualTo(1);
		assertThat(this.whois.queryCount("c.example")).isZero();
		assertThat(this.whois.connectionCount()).isEqualTo(3);

		ask("c.example\r\n").block(TIMEOUT);
		assertThat(queries).as("an earlier copy does not change").hasSize(3);
	}

	@Test
	void manyClientsAtOnceAreAllAnsweredAndCounted() {
		this.whois.answer("busy.example", delayed(Duration.ofMillis(50), text("busy\r\n")));

		Flux.range(0, 40)
			.flatMap((i) -> ask("busy.example\r\n"), 20)
			.map(FakeWhoisServerTests::utf8)
			.as(StepVerifier::create)
			.expectNextCount(40)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.whois.connectionCount()).isEqualTo(40);
		assertThat(this.whois.queryCount("busy.example")).isEqualTo(40);
		await(() -> this.whois.openConnections() == 0);
	}

	@Test
	void queryOfExactlyTheCapIsAnswered() {
		String longest = "a".repeat(FakeWhoisServer.MAX_QUERY_BYTES);

		assertThat(utf8(ask(longest + "\r\n").block(TIMEOUT))).isEqualTo("No match for \"" + longest + "\".\r\n");
	}

	@Test
	void overlongQueryLineIsClosedWithoutAnswer() {
		Connection connection = sendOnly("a".repeat(FakeWhoisServer.MAX_QUERY_BYTES + 100));

		connection.inbound().receive().asByteArray()
			// A server that closes with unread bytes may reset the connection instead of ending it.
			.onErrorResume(IOException.class, (ex) -> Flux.empty())
			.as(StepVerifier::create)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.whois.queries()).isEmpty();
		await(() -> this.whois.openConnections() == 0);
	}

	@Test
	void closeClosesOpenConnectionsAndStopsListening() {
		this.whois.answer("hang.example", hang());
		Connection hanging = sendOnly("hang.example\r\n");
		Connection silent = connect().block(TIMEOUT);
		await(() -> this.whois.queryCount("hang.example") == 1 && this.whois.openConnections() == 2);

		this.whois.close();

		assertThat(this.whois.openConnections()).isZero();
		Mono.when(hanging.onDispose(), silent.onDispose()).as(StepVerifier::create).expectComplete().verify(TIMEOUT);
		connect().as(StepVerifier::create).expectError(IOException.class).verify(TIMEOUT);
	}

	@Test
	void templateAnswersWithTheQueryFilledIn() {
		this.whois.fallback(WhoisBehaviour.template("Domain Name: %s\r\n"));
		assertThat(ask("a.bench\r\n").map(FakeWhoisServerTests::utf8).block(TIMEOUT)).isEqualTo("Domain Name: a.bench\r\n");
	}

	@Test
	void perClientLimitRefusesEachSourceAddressOnItsOwn() {
		ClientRateLimit limit = ClientRateLimit.of(0.001, 1);
		this.whois.fallback(WhoisBehaviour.perClient(limit, text("ok\r\n"), text("limit exceeded\r\n")));
		assertThat(askFrom("127.0.0.2", "a.bench\r\n")).isEqualTo("ok\r\n");
		assertThat(askFrom("127.0.0.2", "b.bench\r\n")).isEqualTo("limit exceeded\r\n");
		assertThat(askFrom("127.0.0.3", "c.bench\r\n")).isEqualTo("ok\r\n");
		assertThat(limit.allowed()).isEqualTo(2);
		assertThat(limit.refused()).isEqualTo(1);
	}

	@Test
	void aBanOfOneAddressLeavesTheOthersAnswered() {
		this.whois.fallback(WhoisBehaviour.fromAddress("127.0.0.2", WhoisBehaviour.earlyClose(), text("ok\r\n")));
		assertThat(askFrom("127.0.0.2", "a.bench\r\n")).isEmpty();
		assertThat(askFrom("127.0.0.3", "a.bench\r\n")).isEqualTo("ok\r\n");
		assertThat(askFrom("127.0.0.2", "b.bench\r\n")).isEmpty();
		assertThat(this.whois.queries()).containsExactly("a.bench", "a.bench", "b.bench");
	}

	@Test
	void queryWithALineBreakCannotBeScripted() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.whois.answer("a.example\r\n", "a"));
	}

	/** Sends {@code request} from the loopback address {@code source} and returns the answer as UTF-8. */
	private String askFrom(String source, String request) {
		byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
		Mono<Connection> from = TcpClient.newConnection()
			.host(this.whois.host())
			.port(this.whois.port())
			.bindAddress(() -> new InetSocketAddress(source, 0))
			.connect()
			.map(Connection.class::cast);
		return Mono.usingWhen(from,
				(connection) -> connection.outbound().sendByteArray(Mono.just(bytes)).then().then(readAll(connection)),
				(connection) -> Mono.fromRunnable(connection::dispose))
			.map(FakeWhoisServerTests::utf8)
			.block(TIMEOUT);
	}

	private Mono<Connection> connect() {
		return TcpClient.newConnection().host(this.whois.host()).port(this.whois.port()).connect().map(Connection.class::cast);
	}

	/** Connects and sends {@code request}, leaving the connection open for the test to read from and close. */
	private Connection sendOnly(String request) {
		Connection connection = connect().block(TIMEOUT);
		connection.outbound().sendByteArray(Mono.just(request.getBytes(StandardCharsets.UTF_8))).then().block(TIMEOUT);
		return connection;
	}

	/** Sends {@code request} and returns all the server wrote until it closed (at most 1 MiB). */
	private Mono<byte[]> ask(String request) {
		return exchange(request, FakeWhoisServerTests::readAll);
	}

	private <T> Mono<T> exchange(String request, Function<Connection, Mono<T>> reader) {
		byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
		return Mono.usingWhen(connect(),
				(connection) -> connection.outbound().sendByteArray(Mono.just(bytes)).then().then(reader.apply(connection)),
				(connection) -> Mono.fromRunnable(connection::dispose));
	}

	private static Mono<byte[]> readAll(Connection connection) {
		return connection.inbound()
			.receive()
			.asByteArray()
			.collect(ByteArrayOutputStream::new, (all, chunk) -> {
				if (all.size() + chunk.length > ONE_MIB) {
					throw new IllegalStateException("answer is longer than 1 MiB");
				}
				all.writeBytes(chunk);
			})
			.map(ByteArrayOutputStream::toByteArray);
	}

	/** Waits, at most {@link #TIMEOUT}, until {@code condition} holds. */
	private static void await(BooleanSupplier condition) {
		Flux.interval(Duration.ofMillis(10))
			.filter((tick) -> condition.getAsBoolean())
			.next()
			.as(StepVerifier::create)
			.expectNextCount(1)
			.expectComplete()
			.verify(TIMEOUT);
	}

	private static void pause(Duration duration) {
		Mono.delay(duration).block(TIMEOUT);
	}

	private static String utf8(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
