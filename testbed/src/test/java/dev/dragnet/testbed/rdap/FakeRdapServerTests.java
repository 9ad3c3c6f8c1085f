package dev.dragnet.testbed.rdap;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Drives {@link FakeRdapServer} as an RDAP client would, with a Reactor Netty {@link HttpClient}. Blocking happens
 * only on the test thread.
 */
class FakeRdapServerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final FakeRdapServer rdap = FakeRdapServer.start();

	private final HttpClient http = HttpClient.newConnection().responseTimeout(TIMEOUT);

	@AfterEach
	void closeServer() {
		this.rdap.close();
	}

	@Test
	void listensOnLoopbackWithABaseUrlEndingInASlash() {
		assertThat(this.rdap.baseUrl()).isEqualTo("http://127.0.0.1:" + this.rdap.port() + "/");
		assertThat(this.rdap.domainUrl("example.com")).isEqualTo(this.rdap.baseUrl() + "domain/example.com");
	}

	@Test
	void registeredDomainIsAThinRegistryAnswerThatLinksTheRegistrarRecord() {
		this.rdap.registeredDomain("example.com");
		Answer registry = get(this.rdap.domainUrl("example.com"));
		assertThat(registry.status()).isEqualTo(200);
		assertThat(registry.headers().get("Content-Type")).isEqualTo("application/rdap+json");
		JsonNode domain = JSON.readTree(registry.body());
		assertThat(domain.path("objectClassName").asString()).isEqualTo("domain");
		assertThat(domain.path("ldhName").asString()).isEqualTo("EXAMPLE.COM");
		assertThat(domain.path("status").size()).isEqualTo(3);
		assertThat(domain.path("events").findValuesAsString("eventAction")).contains("registration", "expiration",
				"last changed");
		JsonNode registrar = domain.path("entities").get(0);
		assertThat(registrar.path("roles").get(0).asString()).isEqualTo("registrar");
		assertThat(registrar.path("publicIds").get(0).path("type").asString()).isEqualTo("IANA Registrar ID");
		assertThat(registrar.path("publicIds").get(0).path("identifier").asString())
			.isEqualTo(RdapDocuments.REGISTRAR_IANA_ID);
		assertThat(registrar.path("vcardArray").get(1).get(1).get(3).asString())
			.isEqualTo(RdapDocuments.REGISTRAR_NAME);
		assertThat(domain.path("nameservers").size()).isEqualTo(2);
		assertThat(domain.path("secureDNS").path("delegationSigned").asBoolean(true)).isFalse();
		JsonNode related = domain.path("links").get(1);
		assertThat(related.path("rel").asString()).isEqualTo("related");
		assertThat(related.path("type").asString()).isEqualTo("application/rdap+json");
		assertThat(related.path("href").asString()).isEqualTo(this.rdap.registrarUrl("example.com"));

		Answer record = get(related.path("href").asString());
		assertThat(record.status()).isEqualTo(200);
		JsonNode registrarDomain = JSON.readTree(record.body());
		assertThat(registrarDomain.path("ldhName").asString()).isEqualTo("example.com");
		assertThat(registrarDomain.path("entities").findValuesAsString("title")).contains("REDACTED FOR PRIVACY");
	}

	@Test
	void scriptedJsonIsServedAsIs() {
		this.rdap.domain("Example.ORG", "{\"objectClassName\":\"domain\",\"ldhName\":\"example.org\"}");
		Answer answer = get(this.rdap.url("/domain/example.org"));
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo("{\"objectClassName\":\"domain\",\"ldhName\":\"example.org\"}");
	}

	@Test
	void notFoundIsA404WithAnRdapErrorObject() {
		this.rdap.notFound("nothing.com");
		Answer answer = get(this.rdap.domainUrl("nothing.com"));
		assertThat(answer.status()).isEqualTo(404);
		assertThat(JSON.readTree(answer.body()).path("errorCode").asInt()).isEqualTo(404);
	}

	@Test
	void unknownPathsAre404() {
		Answer answer = get(this.rdap.url("/domain/unscripted.com"));
		assertThat(answer.status()).isEqualTo(404);
		assertThat(JSON.readTree(answer.body()).path("description").get(0).asString()).contains("/domain/unscripted.com");
	}

	@Test
	void throttledIsA429WithRetryAfter() {
		this.rdap.throttled("busy.com", 30);
		Answer answer = get(this.rdap.domainUrl("busy.com"));
		assertThat(answer.status()).isEqualTo(429);
		assertThat(answer.headers().get("Retry-After")).isEqualTo("30");
		assertThat(JSON.readTree(answer.body()).path("errorCode").asInt()).isEqualTo(429);
	}

	@Test
	void redirectSendsALocation() {
		this.rdap.path("/domain/moved.com", RdapBehaviour.redirect(301, this.rdap.domainUrl("new.com")));
		Answer answer = get(this.rdap.domainUrl("moved.com"));
		assertThat(answer.status()).isEqualTo(301);
		assertThat(answer.headers().get("Location")).isEqualTo(this.rdap.domainUrl("new.com"));
	}

	@Test
	void delayedAnswersComeLate() {
		this.rdap.delayed("slow.com", Duration.ofMillis(300), "{}");
		long started = System.nanoTime();
		Answer answer = get(this.rdap.domainUrl("slow.com"));
		assertThat(answer.status()).isEqualTo(200);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void hangNeverAnswers() {
		this.rdap.hang("silent.com");
		this.http.get()
			.uri(this.rdap.domainUrl("silent.com"))
			.response()
			.as(StepVerifier::create)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(500))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void hugeBodyNeverEndsAndStopsWhenTheClientLeaves() {
		this.rdap.huge("huge.com");
		AtomicLong received = new AtomicLong();
		this.http.get()
			.uri(this.rdap.domainUrl("huge.com"))
			.response((response, body) -> body.doOnNext((chunk) -> received.addAndGet(chunk.readableBytes())))
			.takeUntil((chunk) -> received.get() > 2 * 1024 * 1024)
			.then()
			.as(StepVerifier::create)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(received.get()).isGreaterThan(2L * 1024 * 1024);
		waitUntil(() -> this.rdap.openConnections() == 0);
	}

	@Test
	void bootstrapIsServedWithItsMaxAge() {
		this.rdap.bootstrap("{\"version\":\"1.0\",\"services\":[]}", Duration.ofHours(6));
		Answer answer = get(this.rdap.bootstrapUrl());
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.headers().get("Cache-Control")).isEqualTo("max-age=21600");
		assertThat(answer.headers().get("Content-Type")).isEqualTo("application/json");
		assertThat(answer.body()).isEqualTo("{\"version\":\"1.0\",\"services\":[]}");
		assertThat(this.rdap.bootstrapUrl()).isEqualTo(this.rdap.baseUrl() + "bootstrap/dns.json");
	}

	@Test
	void requestsAreRecordedWithTheirAcceptHeader() {
		this.rdap.registeredDomain("example.com");
		this.http.headers((h) -> h.set("Accept", "application/rdap+json"))
			.get()
			.uri(this.rdap.domainUrl("example.com") + "?x=1")
			.responseSingle((response, body) -> body.asString().defaultIfEmpty(""))
			.block(TIMEOUT);
		assertThat(this.rdap.requests()).singleElement().satisfies((request) -> {
			assertThat(request.method()).isEqualTo("GET");
			assertThat(request.path()).isEqualTo("/domain/example.com");
			assertThat(request.uri()).isEqualTo("/domain/example.com?x=1");
			assertThat(request.accept()).isEqualTo("application/rdap+json");
		});
		assertThat(this.rdap.requestCount("/domain/EXAMPLE.com")).isEqualTo(1);
	}

	@Test
	void namesThatAreNotLdhAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.rdap.domain("bad\"name.com", "{}"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.rdap.path("domain/x.com", RdapBehaviour.hang()));
		assertThatIllegalArgumentException().isThrownBy(() -> RdapBehaviour.redirect(200, "/x"));
	}

	private Answer get(String url) {
		return this.http.get()
			.uri(url)
			.responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8)
				.defaultIfEmpty("")
				.map((text) -> new Answer(response.status().code(), response.responseHeaders(), text)))
			.block(TIMEOUT);
	}

	private static void waitUntil(BooleanSupplier condition) {
		Mono.fromCallable(condition::getAsBoolean)
			.filter(Boolean::booleanValue)
			.repeatWhenEmpty(100, (empty) -> empty.delayElements(Duration.ofMillis(20)))
			.as(StepVerifier::create)
			.expectNext(true)
			.expectComplete()
			.verify(TIMEOUT);
	}

	private record Answer(int status, HttpHeaders headers, String body) {
	}
}
