package dev.dragnet.server.e2e;

import java.net.URI;
import java.time.Duration;

import dev.dragnet.server.DragnetServerApplication;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.server.testsupport.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a WHOIS caller is told before any probe is involved: refused servers, suffixes without WHOIS, and no
 * probe connected. The server runs with production defaults (private servers refused) and no probe.
 */
class WhoisPolicyIntegrationTests {

	private static ConfigurableApplicationContext server;

	private static WebTestClient http;

	private static int port;

	@BeforeAll
	static void start() {
		server = new SpringApplicationBuilder(DragnetServerApplication.class).properties(TestDatabase.springProperties())
			.run("--server.port=0", "--dragnet.probes.tokens=t",
					"--dragnet.whois.allowed-servers=127.0.0.1,10.1.2.3,localhost,[::1],169.254.169.254");
		port = Integer.parseInt(server.getEnvironment().getProperty("local.server.port"));
		http = TestHttp.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(20)).build();
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
			server = null; // a closed context still holds its beans
		}
	}

	private WebTestClient.ResponseSpec get(String path) {
		return http.get().uri(URI.create("http://127.0.0.1:" + port + path)).exchange();
	}

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "10.1.2.3:4343", "localhost", "%5B::1%5D:43", "169.254.169.254" })
	void privateLoopbackAndLinkLocalServersAreRefused(String server) {
		get("/WHOIS/example.com:" + server).expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/private-server")
			.jsonPath("$.detail").value((d) -> assertThat(d).asString().contains("public"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "bad%20host", "whois.example.com:99999", "whois.example.com:x", "%5B::1", "a..b", "", "%20" })
	void malformedServersAreRefused(String server) {
		get("/WHOIS/example.com:" + server).expectStatus().isBadRequest().expectBody()
			.jsonPath("$.type").isEqualTo("/problems/invalid-server");
	}

	@Test
	void aSuffixWithoutAnyServerIsANotFoundProblem() {
		get("/WHOIS/example.zzzz-nowhere").expectStatus().isNotFound().expectBody()
			.jsonPath("$.type").isEqualTo("/problems/unknown-suffix");
	}

	@Test
	void aRegistryWithoutWhoisServiceIsANotFoundProblemNotAHang() {
		get("/WHOIS/example.aaa?policy=whois").expectStatus().isNotFound().expectBody()
			.jsonPath("$.type").isEqualTo("/problems/no-whois-service")
			.jsonPath("$.detail").value((d) -> assertThat(d).asString().contains(".aaa"));
	}

	@Test
	void aWebOnlyRegistryNamesItsPage() {
		get("/api/whois/example.az").expectStatus().isNotFound().expectBody()
			.jsonPath("$.detail").value((d) -> assertThat(d).asString().contains("http://www.nic.az/"));
	}

	@Test
	void withNoProbeConnectedTheAnswerIs503WithRetryAfter() {
		get("/WHOIS/example.com").expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.exists("Retry-After")
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/no-probe-available");
	}
}
