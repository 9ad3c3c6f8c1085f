package dev.dragnet.server.whois.parse;

import java.time.Duration;

import dev.dragnet.server.DragnetServerApplication;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.server.testsupport.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** {@code POST /api/whois/parse} as a client sees it, against a real server on a random port. */
class WhoisParseIntegrationTests {

	private static final String RECORD = """
			   Domain Name: EXAMPLE.COM
			   Registrar WHOIS Server: whois.example-registrar.com
			   Creation Date: 1995-08-14T04:00:00Z
			   Registry Expiry Date: 2030-08-13T04:00:00Z
			   Registrar: Example Registrar, Inc.
			   Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited
			   Name Server: A.IANA-SERVERS.NET
			   DNSSEC: unsigned
			""";

	private static ConfigurableApplicationContext app;

	private static WebTestClient client;

	@BeforeAll
	static void startServer() {
		app = new SpringApplicationBuilder(DragnetServerApplication.class).properties(TestDatabase.springProperties())
			.run("--server.port=0", "--dragnet.admin.token=parse-test-token");
		client = TestHttp.bindToServer()
			.baseUrl("http://localhost:" + app.getEnvironment().getRequiredProperty("local.server.port"))
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

	@AfterAll
	static void stopServer() {
		app.close();
		app = null; // a closed context still holds its beans
	}

	@Test
	void parsesTextWithoutAnAdminToken() {
		client.post()
			.uri("/api/whois/parse?domain=EXAMPLE.com&server=whois.verisign-grs.com")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue(RECORD)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.domain").isEqualTo("example.com")
			.jsonPath("$.unicodeDomain").isEqualTo("example.com")
			.jsonPath("$.source").isEqualTo("whois")
			.jsonPath("$.classification.kind").isEqualTo("DATA")
			.jsonPath("$.referral.host").isEqualTo("whois.example-registrar.com")
			.jsonPath("$.referral.kind").isEqualTo("REGISTRAR")
			.jsonPath("$.registered").isEqualTo(true)
			.jsonPath("$.created").isEqualTo("1995-08-14T04:00:00Z")
			.jsonPath("$.expires").isEqualTo("2030-08-13T04:00:00Z")
			.jsonPath("$.statuses[0]").isEqualTo("clientTransferProhibited")
			.jsonPath("$.nameServers[0]").isEqualTo("a.iana-servers.net")
			.jsonPath("$.registrar.name").isEqualTo("Example Registrar, Inc.")
			.jsonPath("$.dnssec").isEqualTo(false);
	}

	@Test
	void throttledTextSaysWhenToRetry() {
		client.post()
			.uri("/api/whois/parse?domain=example.uk")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("The WHOIS query quota for 192.0.2.1 has been exceeded and will be replenished in 42 seconds.")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.classification.kind").isEqualTo("THROTTLED")
			.jsonPath("$.classification.retryAfterSeconds").isEqualTo(42);
	}

	@Test
	void emptyBodiesAndBadDomainsAreProblems() {
		client.post()
			.uri("/api/whois/parse?domain=example.com")
			.contentType(MediaType.TEXT_PLAIN)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/bad-request");
		client.post()
			.uri("/api/whois/parse?domain=bad..name")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue(RECORD)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/invalid-domain");
	}

	@Test
	void bodiesOverOneMebibyteAreRefused() {
		// the server answers before reading the whole body and closes the connection: keep it out of the pool
		WebTestClient unpooled = WebTestClient
			.bindToServer(new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
			.baseUrl("http://localhost:" + app.getEnvironment().getRequiredProperty("local.server.port"))
			.responseTimeout(Duration.ofSeconds(10))
			.build();
		unpooled.post()
			.uri("/api/whois/parse?domain=example.com")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("x".repeat(WhoisParseController.MAX_BODY_BYTES + 1))
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/whois-text-too-large");
		// Without a length (chunked), the body is read up to the limit.
		String chunk = "x".repeat(64 * 1024);
		unpooled.post()
			.uri("/api/whois/parse?domain=example.com")
			.contentType(MediaType.TEXT_PLAIN)
			.body(Flux.range(0, WhoisParseController.MAX_BODY_BYTES / chunk.length() + 1).map((i) -> chunk), String.class)
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/whois-text-too-large");
	}

	@Test
	void theExemptionCoversOnlyTheParsePath() {
		client.post()
			.uri("/api/whois/parse/more?domain=example.com")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue(RECORD)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		client.put()
			.uri("/api/whois/parse?domain=example.com")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue(RECORD)
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}
}
