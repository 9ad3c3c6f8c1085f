package dev.dragnet.probe.rdap;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.RdapQuery;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.TaskResult.Outcome;
import dev.dragnet.testbed.rdap.FakeRdapServer;
import dev.dragnet.testbed.rdap.RdapBehaviour;
import dev.dragnet.testbed.rdap.RdapDocuments;
import dev.dragnet.testbed.rdap.RdapRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RdapClient} against a {@link FakeRdapServer} on loopback, plain HTTP (allowed here, except in the policy
 * tests).
 */
class RdapClientTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Duration DEADLINE = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final FakeRdapServer rdap = FakeRdapServer.start();

	private final RdapClient client = new RdapClient(true);

	@AfterEach
	void stopServer() {
		this.rdap.close();
	}

	@Test
	void thinRegistryAnswerAndTheRegistrarRecordBothComeBack() {
		this.rdap.registeredDomain("example.com");
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("example.com"), true), DEADLINE);
		assertThat(result.taskId()).isEqualTo("t1");
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(result.detail()).isNull();
		assertThat(result.retryAfterMillis()).isNull();
		JsonNode responses = responses(result);
		assertThat(responses.size()).isEqualTo(2);
		assertThat(responses.get(0).path("url").asString()).isEqualTo(this.rdap.domainUrl("example.com"));
		assertThat(responses.get(0).path("status").asInt()).isEqualTo(200);
		assertThat(responses.get(0).path("body").path("ldhName").asString()).isEqualTo("EXAMPLE.COM");
		assertThat(responses.get(1).path("url").asString()).isEqualTo(this.rdap.registrarUrl("example.com"));
		assertThat(responses.get(1).path("status").asInt()).isEqualTo(200);
		assertThat(responses.get(1).path("body").path("entities").findValuesAsString("title"))
			.contains("REDACTED FOR PRIVACY");
		assertThat(result.bytes()).isEqualTo(RdapDocuments.thinRegistryDomain("example.com", this.rdap.baseUrl()).length()
				+ RdapDocuments.registrarDomain("example.com").length());
		assertThat(this.rdap.requests()).extracting(RdapRequest::accept)
			.containsOnly("application/rdap+json, application/json");
	}

	@Test
	void theRelatedLinkIsNotFollowedUnlessAsked() {
		this.rdap.registeredDomain("example.com");
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("example.com"), false), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(responses(result).size()).isEqualTo(1);
		assertThat(this.rdap.requests()).extracting(RdapRequest::path).containsExactly("/domain/example.com");
	}

	@Test
	void aRelatedLinkWithoutATypeIsFollowedWhenItPointsAtADomain() {
		String registry = """
				{"objectClassName":"domain","ldhName":"EXAMPLE.NET","links":[
				  {"rel":"self","href":"%1$sdomain/example.net"},
				  {"rel":"related","href":"%1$shelp.html","type":"text/html"},
				  {"rel":"related","href":"%1$sregistrar/domain/example.net"}]}
				""".formatted(this.rdap.baseUrl());
		this.rdap.domain("example.net", registry)
			.registrar("example.net", RdapBehaviour.rdap(RdapDocuments.registrarDomain("example.net")));
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("example.net"), true), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(responses(result).get(1).path("url").asString()).isEqualTo(this.rdap.registrarUrl("example.net"));
		assertThat(this.rdap.requestCount("/help.html")).isZero();
	}

	@Test
	void notFoundIsAnAnswerWithStatus404() {
		this.rdap.notFound("nothing.com");
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("nothing.com"), true), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		JsonNode responses = responses(result);
		assertThat(responses.size()).isEqualTo(1);
		assertThat(responses.get(0).path("status").asInt()).isEqualTo(404);
		assertThat(responses.get(0).path("body").path("errorCode").asInt()).isEqualTo(404);
	}

	@Test
	void tooManyRequestsIsThrottledWithTheWaitInSeconds() {
		this.rdap.throttled("busy.com", 30);
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("busy.com"), true), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.THROTTLED);
		assertThat(result.retryAfterMillis()).isEqualTo(30_000L);
		assertThat(result.detail()).contains("429").contains("retry after 30 s");
		assertThat(responses(result).get(0).path("status").asInt()).isEqualTo(429);
	}

	@Test
	void tooManyRequestsWithAnHttpDateIsThrottledUntilThen() {
		String in90Seconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(90));
		this.rdap.domain("busy.com", RdapBehaviour.throttledWith(in90Seconds));
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("busy.com"), true), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.THROTTLED);
		assertThat(result.retryAfterMillis()).isBetween(80_000L, 90_000L);
	}

	@Test
	void aThrottlingRegistrarLeavesTheRegistryAnswerAlone() {
		this.rdap.registeredDomain("example.com").registrar("example.com", RdapBehaviour.throttled(60));
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("example.com"), true), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(result.retryAfterMillis()).isNull();
		assertThat(responses(result).size()).isEqualTo(1);
		assertThat(result.detail()).contains("registrar").contains("throttled").contains("retry after 60 s");
	}

	@Test
	void aFailingRegistrarIsNotedBesideTheRegistryAnswer() {
		this.rdap.registeredDomain("example.com")
			.registrar("example.com", RdapBehaviour.error(503, "Service Unavailable", "down for maintenance"));
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("example.com"), true), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		JsonNode responses = responses(result);
		assertThat(responses.size()).isEqualTo(2);
		assertThat(responses.get(1).path("status").asInt()).isEqualTo(503);
		assertThat(result.detail()).contains("HTTP 503");
	}

	@Test
	void aHangingRegistrarCostsOnlyItsOwnRecord() {
		this.rdap.registeredDomain("example.com").registrar("example.com", RdapBehaviour.hang());
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("example.com"), true), Duration.ofMillis(1500));
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(responses(result).size()).isEqualTo(1);
		assertThat(result.detail()).contains("related record").contains("not fetched");
		assertThat(result.elapsedMillis()).isLessThan(1500);
	}

	@Test
	void serverErrorsAreErrors() {
		this.rdap.domain("broken.com", RdapBehaviour.error(503, "Service Unavailable", "try later"));
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("broken.com"), true), DEADLINE);
		assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
		assertThat(result.detail()).isEqualTo("HTTP 503 from " + this.rdap.domainUrl("broken.com"));
		assertThat(responses(result).get(0).path("body").path("errorCode").asInt()).isEqualTo(503);
	}

	@Test
	void anAnswerThatIsNotJsonIsAnError() {
		this.rdap.domain("html.com", RdapBehaviour.text(200, "text/html", "<html><body>Whois lookup</body></html>"));
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("html.com"), true), DEADLINE);
		assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
		assertThat(result.detail()).startsWith("not RDAP JSON").contains("text/html");
	}

	@Test
	void anEndlessBodyIsCutAtTheByteCapAndIsAnError() {
		this.rdap.huge("huge.com");
		TaskResult result = query(new RdapQuery(this.rdap.domainUrl("huge.com"), 100_000, 2000, true, null), DEADLINE);
		assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
		assertThat(result.detail()).contains("larger than 100000 bytes");
		assertThat(result.text()).isNull();
	}

	@Test
	void aServerThatNeverAnswersTimesOutAtTheDeadline() {
		this.rdap.hang("silent.com");
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("silent.com"), true), Duration.ofMillis(500));
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.TIMEOUT);
		assertThat(result.detail()).contains("500 ms").contains("waiting for the answer");
		assertThat(result.elapsedMillis()).isBetween(450L, 3000L);
	}

	@Test
	void redirectsAreFollowed() {
		this.rdap.registeredDomain("new.com")
			.domain("old.com", RdapBehaviour.redirect(301, "/domain/new.com"));
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("old.com"), false), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
		assertThat(responses(result).get(0).path("url").asString()).isEqualTo(this.rdap.domainUrl("new.com"));
	}

	@Test
	void moreThanThreeRedirectsAreAnError() {
		for (int i = 0; i < 5; i++) {
			this.rdap.domain("r" + i + ".com", RdapBehaviour.redirect(302, this.rdap.domainUrl("r" + (i + 1) + ".com")));
		}
		TaskResult result = query(rdapQuery(this.rdap.domainUrl("r0.com"), false), DEADLINE);
		assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
		assertThat(result.detail()).contains("more than 3 redirects");
		assertThat(this.rdap.requests()).hasSize(4);
	}

	@Test
	void aClosedPortIsAConnectFailure() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		TaskResult result = query(rdapQuery("http://127.0.0.1:" + port + "/domain/example.com", true), DEADLINE);
		assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.CONNECT_FAILED);
		assertThat(result.detail()).contains("127.0.0.1:" + port);
	}

	@Test
	void plainHttpAndPrivateAddressesAreRefusedUnlessAllowed() {
		RdapClient strict = new RdapClient(false);
		this.rdap.registeredDomain("example.com");
		TaskResult http = query(strict, rdapQuery(this.rdap.domainUrl("example.com"), true), DEADLINE);
		assertThat(http.outcome()).isEqualTo(Outcome.REFUSED);
		assertThat(http.detail()).contains("http://");
		TaskResult loopback = query(strict, rdapQuery("https://127.0.0.1:1/domain/example.com", true), DEADLINE);
		assertThat(loopback.outcome()).isEqualTo(Outcome.REFUSED);
		assertThat(loopback.detail()).contains("private or loopback").contains("127.0.0.1");
		TaskResult localhost = query(strict, rdapQuery("https://localhost:1/domain/example.com", true), DEADLINE);
		assertThat(localhost.outcome()).as(localhost.detail()).isEqualTo(Outcome.REFUSED);
		assertThat(this.rdap.requests()).isEmpty();
	}

	@Test
	void aUrlThatIsNotHttpIsRefused() {
		RdapClient strict = new RdapClient(false);
		TaskResult result = query(strict, rdapQuery("ftp://rdap.example/domain/example.com", true), DEADLINE);
		assertThat(result.outcome()).isEqualTo(Outcome.REFUSED);
		assertThat(result.detail()).contains("not an http(s) URL");
	}

	@Test
	void requestsToOneHostArePaced() {
		this.rdap.registeredDomain("a.com").registeredDomain("b.com");
		RdapClient paced = new RdapClient(true, new HostPacer(), "test");
		Pace pace = new Pace(400, 1);
		Mono<TaskResult> first = paced.query("a", new RdapQuery(this.rdap.domainUrl("a.com"), 65536, 2000, false, pace),
				DEADLINE);
		Mono<TaskResult> second = paced.query("b", new RdapQuery(this.rdap.domainUrl("b.com"), 65536, 2000, false, pace),
				DEADLINE);
		long started = System.nanoTime();
		Mono.zip(first, second)
			.as(StepVerifier::create)
			.assertNext((both) -> {
				assertThat(both.getT1().outcome()).isEqualTo(Outcome.OK);
				assertThat(both.getT2().outcome()).isEqualTo(Outcome.OK);
				// Timed from before either started: an exchange's own clock starts after the pacer's turn for the
				// first, so the second's elapsed time could read 399 ms. The pacer counts whole milliseconds of its
				// scheduler's clock, so one of them may be short. Unpaced, both take a few milliseconds.
				long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				assertThat(tookMillis).isGreaterThanOrEqualTo(399);
			})
			.expectComplete()
			.verify(WAIT);
	}

	private TaskResult query(RdapQuery query, Duration deadline) {
		return query(this.client, query, deadline);
	}

	private static TaskResult query(RdapClient client, RdapQuery query, Duration deadline) {
		TaskResult[] result = new TaskResult[1];
		client.query("t1", query, deadline)
			.as(StepVerifier::create)
			.consumeNextWith((r) -> result[0] = r)
			.expectComplete()
			.verify(WAIT);
		return result[0];
	}

	private static RdapQuery rdapQuery(String url, boolean followRelated) {
		return new RdapQuery(url, 65536, 2000, followRelated, null);
	}

	private static JsonNode responses(TaskResult result) {
		@Nullable String text = result.text();
		assertThat(text).as(result.detail()).isNotNull();
		return JSON.readTree(text).path("responses");
	}
}
