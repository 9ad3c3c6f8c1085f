package dev.dragnet.server.web;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.dragnet.server.DragnetServerApplication;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.server.testsupport.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API as a client sees it, against a real server on a random port. */
class AdminApiIntegrationTests {

	private static final String TOKEN = "test-admin-token";

	private static final String ENTRY = """
			{"host": "whois.example.net", "port": 4343, "queryFormat": "-x %s"}
			""";

	private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();

	private static WebTestClient client;

	private static String baseUrl;

	@BeforeAll
	static void startServer() {
		ConfigurableApplicationContext app = start("--dragnet.admin.token=" + TOKEN, "--" + PlainTextTestEndpoint.ENABLED + "=true");
		baseUrl = "http://localhost:" + app.getEnvironment().getRequiredProperty("local.server.port");
		client = clientOf(app);
	}

	@AfterAll
	static void stopServers() {
		apps.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void putWithoutTokenIsUnauthorized() {
		client.put()
			.uri("/api/whois-servers/net")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(ENTRY)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value).startsWith("Bearer"))
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("/problems/unauthorized")
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.detail")
			.value(String.class, detail -> assertThat(detail).contains("Authorization: Bearer"));
	}

	@Test
	void putWithWrongTokenIsUnauthorized() {
		client.put()
			.uri("/api/whois-servers/net")
			.header(HttpHeaders.AUTHORIZATION, "Bearer not-the-token")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(ENTRY)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("/problems/invalid-token");
	}

	@Test
	void encodedPathsDoNotBypassTheToken() {
		client.put()
			.uri(URI.create(baseUrl + "/%61pi/whois-servers/net"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(ENTRY)
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void putWithTokenStoresAndGetReadsBack() {
		client.put()
			.uri("/api/whois-servers/Net")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(ENTRY)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.suffix")
			.isEqualTo("net")
			.jsonPath("$.host")
			.isEqualTo("whois.example.net")
			.jsonPath("$.port")
			.isEqualTo(4343)
			.jsonPath("$.queryFormat")
			.isEqualTo("-x %s")
			.jsonPath("$.service")
			.isEqualTo("WHOIS")
			.jsonPath("$.origin")
			.isEqualTo("admin");

		client.get()
			.uri("/api/whois-servers/net")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.host")
			.isEqualTo("whois.example.net")
			.jsonPath("$.origin")
			.isEqualTo("admin")
			.jsonPath("$.updatedAt")
			.isNotEmpty();
	}

	@Test
	void putAppliesDefaults() {
		client.put()
			.uri("/api/whois-servers/example-defaults")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"host\": \"192.0.2.7\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.port")
			.isEqualTo(43)
			.jsonPath("$.queryFormat")
			.isEqualTo("%s");
	}

	@Test
	void putRefusesBadEntriesWithAProblem() {
		expectInvalid("{\"host\": \"whois.example.net\", \"port\": 70000}", "port", "1-65535");
		expectInvalid("{\"host\": \"whois.example.net\", \"queryFormat\": \"domain\"}", "queryFormat", "%s");
		expectInvalid("{\"host\": \"whois.example.net\\r\\nquit\"}", "host", "line break");
		expectInvalid("{\"port\": 43}", "host", "host is required");
	}

	@Test
	void putRefusesUnreadableBodies() {
		client.put()
			.uri("/api/whois-servers/net")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"host\": \"whois.example.net\", \"port\": \"forty-three\"}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("/problems/bad-request")
			.jsonPath("$.detail")
			.value(String.class, detail -> assertThat(detail).contains("'port'"));
		client.put()
			.uri("/api/whois-servers/net")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{not json")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("/problems/bad-request");
	}

	@Test
	void invalidSuffixIsABadRequest() {
		client.get()
			.uri("/api/whois-servers/co..uk")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("/problems/invalid-whois-server")
			.jsonPath("$.field")
			.isEqualTo("suffix");
	}

	@Test
	void unknownSuffixIsNotFound() {
		client.get()
			.uri("/api/whois-servers/no-such-suffix")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("/problems/unknown-suffix")
			.jsonPath("$.title")
			.isEqualTo("Unknown suffix")
			.jsonPath("$.detail")
			.value(String.class, detail -> assertThat(detail).contains("no-such-suffix"))
			.jsonPath("$.instance")
			.isEqualTo("/api/whois-servers/no-such-suffix");
	}

	@Test
	void problemsRenderEvenForPlainTextClients() {
		// the JSON-only admin API cannot answer text/plain at all, and says so
		client.get()
			.uri("/api/whois-servers/com")
			.accept(MediaType.TEXT_PLAIN)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.NOT_ACCEPTABLE)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(406);
		client.get()
			.uri("/test/text/bad..name")
			.accept(MediaType.TEXT_PLAIN)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("/problems/invalid-domain")
			.jsonPath("$.detail")
			.isEqualTo("'bad..name' has an empty label (two dots in a row?)");
		client.get()
			.uri("/test/text/example.com")
			.accept(MediaType.TEXT_PLAIN)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("ok example.com");
	}

	@Test
	void unexpectedErrorsAreGeneric500Problems() {
		client.get()
			.uri("/test/boom")
			.accept(MediaType.TEXT_PLAIN)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("/problems/internal")
			.jsonPath("$.detail")
			.value(String.class, detail -> assertThat(detail).doesNotContain("secret"));
	}

	@Test
	void unknownPathsAreNotFoundProblems() {
		client.get()
			.uri("/no/such/path")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(404);
	}

	@Test
	void generatesATokenWhenNoneIsConfiguredAndCanProtectReads() {
		ConfigurableApplicationContext app = start("--dragnet.admin.protect-reads=true");
		AdminToken token = app.getBean(AdminToken.class);
		WebTestClient other = clientOf(app);

		assertThat(token.isGenerated()).isTrue();
		assertThat(token.value()).hasSize(43).matches("[A-Za-z0-9_-]+");
		other.get().uri("/api/whois-servers/com").exchange().expectStatus().isUnauthorized();
		other.get()
			.uri("/api/whois-servers/com")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token.value())
			.exchange()
			.expectStatus()
			.isOk();
		other.put()
			.uri("/api/whois-servers/com")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(ENTRY)
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	private static void expectInvalid(String body, String field, String detail) {
		client.put()
			.uri("/api/whois-servers/net")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("/problems/invalid-whois-server")
			.jsonPath("$.field")
			.isEqualTo(field)
			.jsonPath("$.detail")
			.value(String.class, text -> assertThat(text).contains(detail));
	}

	private static ConfigurableApplicationContext start(String... arguments) {
		List<String> args = new ArrayList<>(List.of(arguments));
		args.add("--server.port=0");
		ConfigurableApplicationContext app = new SpringApplicationBuilder(DragnetServerApplication.class)
			.properties(TestDatabase.springProperties())
			.run(args.toArray(String[]::new));
		apps.add(app);
		return app;
	}

	private static WebTestClient clientOf(ConfigurableApplicationContext app) {
		String port = app.getEnvironment().getRequiredProperty("local.server.port");
		return TestHttp.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(10)).build();
	}
}
