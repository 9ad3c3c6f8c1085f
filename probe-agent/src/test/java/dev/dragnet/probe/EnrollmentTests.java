package dev.dragnet.probe;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dragnet.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** Enrollment against fake enrollment endpoints on loopback: the servers of a list are asked in turn. */
class EnrollmentTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private DisposableServer server;

	private final AtomicInteger requests = new AtomicInteger();

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.disposeNow(Duration.ofSeconds(5));
		}
	}

	@Test
	void aServerThatDoesNotAnswerIsPassedOverForTheNext() throws IOException {
		answer(200, "{\"name\":\"cafe-12\",\"credential\":\"dpc_abc\"}");
		ProbeConfig config = config(List.of(closedPort(), probeUri()));
		Enrollment.exchange(config, "ABCDE-FGHJK", Duration.ofMillis(10))
			.as(StepVerifier::create)
			.assertNext((credential) -> {
				assertThat(credential.name()).isEqualTo("cafe-12");
				assertThat(credential.credential()).isEqualTo("dpc_abc");
			})
			.expectComplete()
			.verify(WAIT);
		assertThat(this.requests.get()).isEqualTo(1);
	}

	@Test
	void aRefusedCodeIsNotTakenToTheNextServer() throws IOException {
		answer(403, "{\"detail\":\"the code was used\"}");
		ProbeConfig config = config(List.of(probeUri(), closedPort()));
		Enrollment.exchange(config, "ABCDE-FGHJK", Duration.ofMillis(10))
			.as(StepVerifier::create)
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(ProbeRefusedException.class)
				.hasMessageContaining("the code was used"))
			.verify(WAIT);
		assertThat(this.requests.get()).isEqualTo(1);
	}

	@Test
	void whenNoServerAnswersTheLastFailureIsTheError() throws IOException {
		ProbeConfig config = config(List.of(closedPort(), URI.create("ws://localhost:" + closedPort().getPort()
				+ Protocol.PATH)));
		Enrollment.exchange(config, "ABCDE-FGHJK", Duration.ofMillis(10))
			.as(StepVerifier::create)
			.expectErrorSatisfies((error) -> assertThat(error).isNotInstanceOf(ProbeRefusedException.class))
			.verify(WAIT);
	}

	private void answer(int status, String json) {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.post("/api/probes/enroll", (request, response) -> {
				this.requests.incrementAndGet();
				return request.receive()
					.then(response.status(status).header("Content-Type", "application/json").sendString(Mono.just(json))
						.then());
			}))
			.bindNow(Duration.ofSeconds(10));
	}

	private URI probeUri() {
		return URI.create("ws://127.0.0.1:" + this.server.port() + Protocol.PATH);
	}

	private static URI closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return URI.create("ws://127.0.0.1:" + socket.getLocalPort() + Protocol.PATH);
		}
	}

	private static ProbeConfig config(List<URI> servers) {
		return ProbeConfig.of(servers, ProbeArguments.CREDENTIAL_PENDING, "cafe-12", 4, true, false);
	}
}
