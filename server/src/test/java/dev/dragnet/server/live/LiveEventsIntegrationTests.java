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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
	void typedEventsWithIdsThenAProbeShowsUpAsASmallChangeAndAReconnectGetsOnlyWhatItMissed() {
		Flux<ServerSentEvent<Object>> stream = events(null);
		List<ServerSentEvent<Object>> first = stream.take(5).collectList().block(Duration.ofSeconds(10));
		assertThat(first).extracting(ServerSentEvent::event)
			.containsExactly("hello", "fleet", "whois", "campaigns", "database");
		assertThat(first.get(0).retry()).isEqualTo(Duration.ofSeconds(2));
		assertThat(first.subList(1, 5)).allSatisfy((e) -> assertThat(e.id()).matches("[a-z0-9]+x[a-z0-9]+-\\d+"));
		// The fleet in a few numbers, not the probe list.
		assertThat(((Map<?, ?>) first.get(1).data()).keySet()).map(Object::toString).contains("total", "effective", "ineffective", "quarantined",
				"revoked", "inFlight", "completed", "answeredPerSecond");
		assertThat(((Map<?, ?>) first.get(4).data()).get("up")).isEqualTo(true);
		String lastId = first.get(4).id();

		server.startProbe("live-a", "live-probe", 2);
		// Reconnecting with the last id: the hello says where it resumes, then only what changed comes: the new
		// probe as one small change, and not the unchanged campaign list.
		List<ServerSentEvent<Object>> resumed = events(lastId).takeUntil((e) -> change(e, "live-a") != null
				&& "EFFECTIVE".equals(change(e, "live-a").get("state")))
			.collectList()
			.block(Duration.ofSeconds(15));
		assertThat(((Map<?, ?>) resumed.get(0).data()).get("resumedFrom"))
			.isEqualTo(Integer.parseInt(lastId.substring(lastId.lastIndexOf('-') + 1)));
		assertThat(resumed.subList(1, resumed.size())).extracting(ServerSentEvent::event)
			.doesNotContain("campaigns", "hello")
			.allMatch((name) -> name == null || List.of("fleet", "whois", "database", "alert", "probes-changed").contains(name));
		Map<?, ?> added = change(resumed.get(resumed.size() - 1), "live-a");
		assertThat(added.keySet()).map(Object::toString).containsExactlyInAnyOrder("probe", "change", "state", "quarantineReason", "revoked");
		assertThat(added.get("change")).isIn("ADDED", "CHANGED");
	}

	@Test
	void theProbeTableIsPagedSortedAndSearchedOnDemand() {
		server.startProbe("paged-1", "live-probe", 1);
		server.startProbe("paged-2", "live-probe", 1);
		await().atMost(Duration.ofSeconds(20)).until(() -> total("/api/probes?q=paged-&state=effective") == 2);

		// Without parameters, the plain list as before.
		server.http().get().uri("/api/probes").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$[?(@.name == 'paged-1')].state").isEqualTo("EFFECTIVE");
		// One row per page, by name descending: the second page is paged-1.
		server.http().get().uri("/api/probes?page=1&size=1&sort=name,desc&q=PAGED").exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.items.length()").isEqualTo(1)
			.jsonPath("$.items[0].name").isEqualTo("paged-1")
			.jsonPath("$.total").isEqualTo(2)
			.jsonPath("$.pages").isEqualTo(2)
			.jsonPath("$.sort").isEqualTo("name,desc");
		// Bad parameters: a problem that says what is accepted.
		server.http().get().uri("/api/probes?size=5000").exchange().expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/invalid-probe-query")
			.jsonPath("$.detail").value((detail) -> assertThat(detail.toString()).contains("1 to 200"));
		server.http().get().uri("/api/probes?sort=colour").exchange().expectStatus().isBadRequest()
			.expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-probe-query");
	}

	private static int total(String uri) {
		Map<?, ?> page = server.http().get().uri(uri).exchange().expectStatus().isOk().expectBody(Map.class)
			.returnResult().getResponseBody();
		return ((Number) page.get("total")).intValue();
	}

	/** The change of {@code probe} that a {@code probes-changed} event lists, or null. */
	private static Map<?, ?> change(ServerSentEvent<Object> event, String probe) {
		if (!"probes-changed".equals(event.event()) || !(event.data() instanceof Map<?, ?> data)) {
			return null;
		}
		for (Object change : (List<?>) data.get("changes")) {
			if (change instanceof Map<?, ?> map && probe.equals(map.get("probe"))) {
				return map;
			}
		}
		return null;
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
