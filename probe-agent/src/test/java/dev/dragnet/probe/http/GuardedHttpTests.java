package dev.dragnet.probe.http;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.protocol.Pace;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class GuardedHttpTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static DisposableServer server;

	@BeforeAll
	static void start() {
		server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.get("/moved", (request, response) -> response.status(302).header("Location", "/here").send())
				.post("/kept", (request, response) -> response.status(307).header("Location", "/echo").send())
				.post("/echo", (request, response) -> response.sendString(request.receive().aggregate().asString()
					.map((body) -> "posted " + body)))
				.get("/here", (request, response) -> response.sendString(Mono.just("arrived")))
				.get("/loop", (request, response) -> response.status(302).header("Location", "/loop?again").send())
				.get("/big", (request, response) -> response.sendString(Mono.just("x".repeat(5000)))))
			.bindNow();
	}

	@AfterAll
	static void stop() {
		server.disposeNow();
	}

	@Test
	void followsRedirectsAndKeepsTheMethodOnlyFor307And308() {
		GuardedHttp http = new GuardedHttp(true, new HostPacer(), HttpClient.newConnection(), 3);
		Calls calls = new Calls();
		http.fetch(calls, url("/moved"), "GET", null, 1000)
			.as(StepVerifier::create)
			.assertNext((response) -> {
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.url().getPath()).isEqualTo("/here");
				assertThat(new String(response.body())).isEqualTo("arrived");
			})
			.expectComplete()
			.verify(WAIT);
		assertThat(calls.steps).contains(GuardedHttp.Step.RESOLVING, GuardedHttp.Step.CONNECTING,
				GuardedHttp.Step.READING);
		http.fetch(new Calls(), url("/kept"), "POST", "a=1", 1000)
			.as(StepVerifier::create)
			.assertNext((response) -> assertThat(new String(response.body())).isEqualTo("posted a=1"))
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void eachFailureComesFromTheCallersFactory() {
		GuardedHttp open = new GuardedHttp(true, new HostPacer(), HttpClient.newConnection(), 3);
		GuardedHttp guarded = new GuardedHttp(false, new HostPacer(), HttpClient.newConnection(), 3);
		assertFails(guarded, url("/here"), GuardedHttp.Failure.SCHEME_REFUSED, "only https");
		assertFails(guarded, URI.create("https://127.0.0.1:" + server.port() + "/here"),
				GuardedHttp.Failure.ADDRESS_REFUSED, "private or loopback");
		assertFails(guarded, URI.create("https://[::ffff:10.0.0.1]/"), GuardedHttp.Failure.ADDRESS_REFUSED, "10.0.0.1");
		assertFails(open, url("/big"), GuardedHttp.Failure.TOO_LARGE, "larger than 1000 bytes");
		assertFails(open, url("/loop"), GuardedHttp.Failure.BAD_REDIRECT, "more than 3 redirects");
	}

	private static void assertFails(GuardedHttp http, URI url, GuardedHttp.Failure kind, String detail) {
		http.fetch(new Calls(), url, "GET", null, 1000)
			.as(StepVerifier::create)
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(Failed.class).hasMessageContaining(detail);
				assertThat(((Failed) error).kind).isEqualTo(kind);
			})
			.verify(WAIT);
	}

	private static URI url(String path) {
		return URI.create("http://127.0.0.1:" + server.port() + path);
	}

	private static final class Failed extends RuntimeException {

		final GuardedHttp.Failure kind;

		Failed(GuardedHttp.Failure kind, String detail) {
			super(detail);
			this.kind = kind;
		}
	}

	private static final class Calls implements GuardedHttp.Exchange {

		final List<GuardedHttp.Step> steps = new ArrayList<>();

		@Override
		public RuntimeException failure(GuardedHttp.Failure failure, String detail, @Nullable Throwable cause) {
			return new Failed(failure, detail);
		}

		@Override
		public @Nullable Pace pace(URI url) {
			return null;
		}

		@Override
		public int connectTimeoutMillis() {
			return 2000;
		}

		@Override
		public Duration responseTimeout() {
			return Duration.ofSeconds(5);
		}

		@Override
		public synchronized void at(GuardedHttp.Step step, URI url) {
			this.steps.add(step);
		}
	}
}
