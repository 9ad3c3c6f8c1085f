package dev.dragnet.server.live;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.dragnet.server.testsupport.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/events} and the page at {@code /} over real HTTP, from the real server. */
class LiveEventsIntegrationTests {

	private static final ParameterizedTypeReference<ServerSentEvent<Object>> EVENT = new ParameterizedTypeReference<>() {
	};

	private static RunningServer server;

	@BeforeAll
	static void start() {
		server = RunningServer.start("--dragnet.probes.tokens=live-probe", "--dragnet.admin.token=live-admin");
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void thePageIsServedAtTheRootWithItsScriptAndStyle() {
		server.http().get().uri("/").exchange().expectStatus().isOk().expectBody(String.class)
			.value((html) -> assertThat(html).contains("<title>Dragnet</title>").contains("/dragnet.js")
				.doesNotContain("http://").doesNotContain("https://"));
		server.http().get().uri("/dragnet.js").exchange().expectStatus().isOk().expectBody(String.class)
			.value((js) -> assertThat(js).contains("new EventSource(").contains("'/api/events'").doesNotContain("https://"));
		server.http().get().uri("/dragnet.css").exchange().expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith("text/css");
		// Browsers revalidate each load; an unchanged file costs a 304.
		String etag = server.http().get().uri("/dragnet.js").exchange().expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith("text/javascript")
			.expectHeader().cacheControl(CacheControl.noCache())
			.returnResult(String.class).getResponseHeaders().getETag();
		server.http().get().uri("/dragnet.js").header("If-None-Match", etag).exchange().expectStatus().isNotModified();
		// RFC 9110 section 13.1.2: a list and weak comparison also mean "I have it" (LivePageTests has more)
		server.http().get().uri("/dragnet.js").header("If-None-Match", "\"0000\", W/" + etag).exchange()
			.expectStatus().isNotModified();
	}

	@Test
	void typedEventsWithIdsThenAProbeShowsUpWithinASecondAndAReconnectGetsOnlyWhatItMissed() {
		Flux<ServerSentEvent<Object>> stream = events(null);
		List<ServerSentEvent<Object>> first = stream.take(5).collectList().block(Duration.ofSeconds(10));
		assertThat(first).extracting(ServerSentEvent::event)
			.containsExactly("hello", "probes", "whois", "campaigns", "database");
		assertThat(first.get(0).retry()).isEqualTo(Duration.ofSeconds(2));
		assertThat(first.subList(1, 5)).allSatisfy((e) -> assertThat(e.id()).matches("[a-z0-9]+x[a-z0-9]+-\\d+"));
		assertThat(first.get(1).data()).isEqualTo(List.of());
		assertThat(((Map<?, ?>) first.get(4).data()).get("up")).isEqualTo(true);
		String lastId = first.get(4).id();

		server.startProbe("live-a", "live-probe", 2);
		// Reconnecting with the last id: the hello says where it resumes, then only what changed comes, the new
		// probe among it, and not the unchanged campaign list.
		StepVerifier.create(events(lastId).takeUntil((e) -> "probes".equals(e.event())
				&& e.data() instanceof List<?> probes && probes.size() == 1
				&& "EFFECTIVE".equals(((Map<?, ?>) probes.get(0)).get("state"))))
			.assertNext((hello) -> assertThat(((Map<?, ?>) hello.data()).get("resumedFrom"))
				.isEqualTo(Integer.parseInt(lastId.substring(lastId.lastIndexOf('-') + 1))))
			.thenConsumeWhile((e) -> !"campaigns".equals(e.event()) && e.comment() == null)
			.expectComplete()
			.verify(Duration.ofSeconds(15));
	}

	private static Flux<ServerSentEvent<Object>> events(String lastEventId) {
		return server.http().get().uri("/api/events").accept(MediaType.TEXT_EVENT_STREAM)
			.headers((h) -> {
				if (lastEventId != null) {
					h.set("Last-Event-ID", lastEventId);
				}
			})
			.exchange()
			.expectStatus().isOk()
			.returnResult(EVENT)
			.getResponseBody();
	}
}
