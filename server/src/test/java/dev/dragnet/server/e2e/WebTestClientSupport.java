package dev.dragnet.server.e2e;

import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Runs WebTestClient's blocking exchange off the test thread, so many can be in flight at once. */
final class WebTestClientSupport {

	private WebTestClientSupport() {
	}

	/** GETs {@code path}, expects 200, and returns the body as text. */
	static Mono<String> getText(WebTestClient http, String path) {
		return Mono.fromCallable(() -> http.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody()).subscribeOn(Schedulers.boundedElastic());
	}
}
