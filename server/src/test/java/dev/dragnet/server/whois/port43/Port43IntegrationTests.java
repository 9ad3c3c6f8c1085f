package dev.dragnet.server.whois.port43;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.probe.ProbeConfig;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.server.DragnetServerApplication;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;
import reactor.util.function.Tuple2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The WHOIS front door on a random port, against the real server, a real probe agent and the fake WHOIS server,
 * queried by a plain TCP client and by the Debian {@code whois} program.
 */
class Port43IntegrationTests {

	private static final String PROBE_TOKEN = "port43-probe-token";

	private static final String ADMIN_TOKEN = "port43-admin-token";

	private static final String ANSWER = "Domain Name: EXAMPLE.TEST\r\nRegistrar: Fake Registrar\r\n";

	private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

	private static final int MAX_CONNECTIONS = 3;

	private static final int PER_CLIENT = 2;

	private static final Path WHOIS_PROGRAM = Path.of("/usr/bin/whois");

	private static FakeWhoisServer whois;

	private static ConfigurableApplicationContext server;

	private static ProbeAgent agent;

	private static int port43;

	@BeforeAll
	static void start() {
		whois = FakeWhoisServer.start();
		whois.answer("example.test", ANSWER);
		whois.answer("192.0.2.77", "inetnum:        192.0.2.77 - 192.0.2.77\r\nnetname:        EXAMPLE-NET\r\n");
		server = new SpringApplicationBuilder(DragnetServerApplication.class).properties(TestDatabase.springProperties())
			.run("--server.port=0", "--dragnet.probes.tokens=" + PROBE_TOKEN, "--dragnet.admin.token=" + ADMIN_TOKEN,
					"--dragnet.whois.allow-private-servers=true", "--dragnet.whois.default-policy=whois",
					"--dragnet.whois.pace.min-interval=0ms", "--dragnet.whois.port43.enabled=true",
					"--dragnet.whois.port43.port=0", "--dragnet.whois.port43.address=127.0.0.1",
					"--dragnet.whois.port43.query-timeout=" + QUERY_TIMEOUT.toMillis() + "ms",
					"--dragnet.whois.port43.max-connections=" + MAX_CONNECTIONS,
					"--dragnet.whois.port43.max-connections-per-client=" + PER_CLIENT);
		port43 = server.getBean(Port43Server.class).port();
		int port = Integer.parseInt(server.getEnvironment().getProperty("local.server.port"));
		WebClient http = WebClient.create("http://127.0.0.1:" + port);
		http.put()
			.uri("/api/whois-servers/{suffix}", "test")
			.headers((h) -> h.setBearerAuth(ADMIN_TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("host", whois.host(), "port", whois.port(), "queryFormat", "%s"))
			.retrieve()
			.toBodilessEntity()
			.block(Duration.ofSeconds(10));
		agent = new ProbeAgent(ProbeConfig.of(URI.create("ws://127.0.0.1:" + port + Protocol.PATH), PROBE_TOKEN,
				"port43-probe", 4, true)).start();
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> http.get()
			.uri("/api/probes")
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.any((p) -> "EFFECTIVE".equals(p.get("state")))
			.block(Duration.ofSeconds(10)));
	}

	@AfterAll
	static void stop() {
		if (agent != null) {
			agent.close();
		}
		if (server != null) {
			server.close();
			server = null; // a closed context still holds its beans
		}
		if (whois != null) {
			whois.close();
		}
	}

	private static Connection connect() {
		return TcpClient.create().host("127.0.0.1").port(port43).connectNow(Duration.ofSeconds(5));
	}

	/** A connection from another loopback address, which the server takes for another client. */
	private static Connection connectFrom(String address) {
		return TcpClient.create().host("127.0.0.1").port(port43)
			.bindAddress(() -> new InetSocketAddress(address, 0))
			.connectNow(Duration.ofSeconds(5));
	}

	/** Sends {@code raw} and reads until the server closes the connection. */
	private static String query(String raw) {
		return query(connect(), raw);
	}

	private static String query(Connection connection, String raw) {
		try {
			// Reading starts before sending: a quick answer and close must not come before anyone listens.
			Mono<Void> send = connection.outbound().sendString(Mono.just(raw), StandardCharsets.UTF_8).then();
			return Mono.zip(readAll(connection), send.thenReturn(Boolean.TRUE))
				.map(Tuple2::getT1)
				.block(Duration.ofSeconds(20));
		}
		finally {
			connection.dispose();
		}
	}

	private static Mono<String> readAll(Connection connection) {
		return connection.inbound().receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("");
	}

	@Test
	void aPlainQueryGetsTheWhoisTextAndTheConnectionCloses() {
		assertThat(query("example.test\r\n")).isEqualTo(ANSWER);
		assertThat(query("example.test\n")).as("a bare LF ends the query too").isEqualTo(ANSWER);
	}

	@Test
	void leadingKeywordsAndServersAreUnderstood() {
		assertThat(query("domain EXAMPLE.test\r\n")).isEqualTo(ANSWER);
		assertThat(query("=example.test\r\n")).isEqualTo(ANSWER);
		assertThat(query("example.test:" + whois.host() + ":" + whois.port() + "\r\n")).isEqualTo(ANSWER);
	}

	@Test
	void badQueriesGetAWhoisCommentErrorAndReachNoServer() {
		int before = whois.connectionCount();
		assertThat(query("exa_mple.test\r\n")).startsWith("% Error: ").contains("exa_mple").endsWith("\r\n")
			.hasLineCount(1);
		assertThat(query("\r\n")).startsWith("% Error: empty query");
		assertThat(query("example.test other.test\r\n")).startsWith("% Error: send one domain name per query");
		assertThat(query("example.zzzz-nowhere\r\n")).startsWith("% Error: no WHOIS server is known");
		assertThat(query("example.test:whois.nowhere.example\r\n")).startsWith("% Error: ")
			.contains("neither in the WHOIS server table");
		assertThat(query("a".repeat(3000) + ".test\r\n")).isEqualTo("% Error: the query is longer than 1024 bytes\r\n");
		assertThat(whois.connectionCount()).isEqualTo(before);
	}

	@Test
	void aClientThatSendsNoQueryIsAnsweredAndClosedAfterTheTimeout() {
		Connection idle = connect();
		try {
			long started = System.nanoTime();
			String answer = readAll(idle).block(QUERY_TIMEOUT.plusSeconds(10));
			assertThat(answer).isEqualTo("% Error: no query line received within 2s\r\n");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(QUERY_TIMEOUT.minusMillis(200),
					QUERY_TIMEOUT.plusSeconds(5));
		}
		finally {
			idle.dispose();
		}
	}

	@Test
	void connectionsBeyondTheLimitAreTurnedAway() {
		List<Connection> held = new ArrayList<>();
		try {
			// From as many clients, so that no client's own limit is reached first.
			for (int i = 0; i < MAX_CONNECTIONS; i++) {
				held.add(connectFrom("127.0.0." + (2 + i)));
			}
			// The client's connect completes before the server has counted the connection, so give the server
			// a moment to take all of them; from then on every further connection is turned away.
			await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
				.until(() -> query("example.test\r\n").equals("% Error: too many connections\r\n"));
			assertThat(query("example.test\r\n")).isEqualTo("% Error: too many connections\r\n");
		}
		finally {
			held.forEach(Connection::dispose);
		}
		// Once the held connections are gone, their slots are free again.
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
			.until(() -> query("example.test\r\n").equals(ANSWER));
	}

	@Test
	void oneClientHoldsAtMostItsShareOfConnections() {
		List<Connection> held = new ArrayList<>();
		try {
			for (int i = 0; i < PER_CLIENT; i++) {
				held.add(connectFrom("127.0.0.9"));
			}
			await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
				.until(() -> query(connectFrom("127.0.0.9"), "example.test\r\n")
					.equals("% Error: too many connections from your address\r\n"));
			// Another client is still served, once the server has closed the refused connection: until then that one
			// holds one of the MAX_CONNECTIONS sockets too (a refused connection is still a socket).
			await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
				.until(() -> query("example.test\r\n").equals(ANSWER));
		}
		finally {
			held.forEach(Connection::dispose);
		}
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
			.until(() -> query(connectFrom("127.0.0.9"), "example.test\r\n").equals(ANSWER));
	}

	@Test
	void anAddressIsAnsweredThroughTheRirPath() {
		assertThat(query("192.0.2.77:" + whois.host() + ":" + whois.port() + "\r\n")).contains("netname:        EXAMPLE-NET");
	}

	@Test
	void theDebianWhoisClientPrintsTheAnswer() throws IOException, InterruptedException {
		if (!Files.isExecutable(WHOIS_PROGRAM)) {
			fail(WHOIS_PROGRAM + " is missing: install the Debian 'whois' package (apt-get install whois);"
					+ " this test needs the real client");
		}
		Process process = new ProcessBuilder(WHOIS_PROGRAM.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port43),
				"example.test")
			.redirectErrorStream(true)
			.start();
		process.getOutputStream().close();
		if (!process.waitFor(20, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			fail("whois did not finish within 20 s");
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as(output).isZero();
		assertThat(output).contains("Domain Name: EXAMPLE.TEST").contains("Registrar: Fake Registrar");
	}
}
