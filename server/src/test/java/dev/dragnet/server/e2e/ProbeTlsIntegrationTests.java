package dev.dragnet.server.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.probe.ProbeAgentMain;
import dev.dragnet.probe.ProbeConfig;
import dev.dragnet.probe.AgentState;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.server.testsupport.TestCertificate;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server on HTTPS and WSS through Spring Boot's standard {@code server.ssl.*} settings, with a self-signed
 * certificate this test makes; probes that trust it (with {@code --ca-cert}) connect and enroll, probes that do not
 * refuse the server and say why.
 */
class ProbeTlsIntegrationTests {

	private static final String TOKEN = "tls-token";

	private static final String ADMIN = "tls-admin";

	@TempDir
	static Path dir;

	private static TestCertificate certificate;

	private static TestCertificate impostor;

	private static RunningServer server;

	private static WebTestClient https;

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	private ProbeAgent agent;

	@BeforeAll
	static void start() throws Exception {
		certificate = TestCertificate.create(dir, "dragnet");
		impostor = TestCertificate.create(dir, "impostor");
		server = RunningServer.start("--server.ssl.certificate=file:" + certificate.certificate(),
				"--server.ssl.certificate-private-key=file:" + certificate.privateKey(),
				"--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN);
		HttpClient client = HttpClient.create()
			.keepAlive(false)
			.secure((ssl) -> ssl.sslContext(buildContext()));
		https = WebTestClient.bindToServer(new ReactorClientHttpConnector(client))
			.baseUrl("https://127.0.0.1:" + server.port())
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	private static io.netty.handler.ssl.SslContext buildContext() {
		try {
			return SslContextBuilder.forClient().trustManager(certificate.certificate().toFile()).build();
		}
		catch (javax.net.ssl.SSLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	@AfterEach
	void closeAgent() {
		if (this.agent != null) {
			this.agent.close();
		}
		((Logger) LoggerFactory.getLogger("dev.dragnet.probe")).detachAppender(this.log);
	}

	@Test
	void aProbeTrustingTheServersCertificateEnrollsAndConnectsOverWss() {
		String code = (String) https.post()
			.uri("/api/probes/enrollments")
			.headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "tls-cafe"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody()
			.get("code");
		ProbeConfig config = ProbeAgentMain.prepare(new String[] { "--server", wss(), "--enroll", code, "--credentials",
				dir.resolve("tls-cafe.properties").toString(), "--ca-cert", certificate.certificate().toString() },
				Map.of(), () -> "host");
		this.agent = new ProbeAgent(config).start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.agent.state() == AgentState.CONNECTED);
		List<Map<String, Object>> probes = https.get()
			.uri("/api/probes")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(probes).anySatisfy((p) -> assertThat(p).containsEntry("name", "tls-cafe")
			.containsEntry("state", "EFFECTIVE"));
	}

	@Test
	void aProbeRefusesACertificateItDoesNotTrustAndSaysWhy() {
		capture();
		// It trusts another certificate than the one the server shows.
		ProbeConfig config = ProbeAgentMain.prepare(new String[] { "--server", wss(), "--token", TOKEN, "--name",
				"tls-wary", "--ca-cert", impostor.certificate().toString() }, Map.of(), () -> "host");
		this.agent = new ProbeAgent(config.withReconnect(Duration.ofMillis(200), Duration.ofMillis(500))).start();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.log.list.stream()
				.anyMatch((e) -> e.getFormattedMessage().contains("TLS certificate is not trusted")
						&& e.getFormattedMessage().contains("--ca-cert FILE")));
		assertThat(this.agent.state()).isNotEqualTo(AgentState.CONNECTED);
		assertThat(this.log.list).noneMatch((e) -> e.getFormattedMessage().startsWith("connected to"));
	}

	@Test
	void withoutACaCertificateTheJavaTrustStoreDecidesAndASelfSignedServerIsRefused() {
		capture();
		ProbeConfig config = ProbeConfig.of(java.net.URI.create(wss()), TOKEN, "tls-default", 2, false)
			.withReconnect(Duration.ofMillis(200), Duration.ofMillis(500));
		this.agent = new ProbeAgent(config).start();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.log.list.stream()
				.anyMatch((e) -> e.getFormattedMessage().contains("TLS certificate is not trusted")));
		assertThat(this.agent.state()).isNotEqualTo(AgentState.CONNECTED);
	}

	private void capture() {
		this.log.start();
		((Logger) LoggerFactory.getLogger("dev.dragnet.probe")).addAppender(this.log);
	}

	private static String wss() {
		return "wss://127.0.0.1:" + server.port() + Protocol.PATH;
	}
}
