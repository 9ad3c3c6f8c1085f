package dev.dragnet.probe;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Enrollment retries: a lost answer is asked for again with the same request id, a refusal is not. */
class EnrollmentRetryTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<String> bodies = new CopyOnWriteArrayList<>();

	private DisposableServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.disposeNow(Duration.ofSeconds(5));
		}
	}

	/** Drops the connection of the first {@code lost} requests unanswered, then answers with {@code status} and {@code answer}. */
	private ProbeConfig serverThatLoses(int lost, int status, String answer) {
		this.server = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> request.receive()
			.aggregate()
			.asString()
			.flatMap((body) -> {
				this.bodies.add(body);
				if (this.bodies.size() <= lost) {
					response.withConnection(Connection::dispose);
					return Mono.<Void>empty();
				}
				return response.status(status).header("Content-Type", "application/json").sendString(Mono.just(answer)).then();
			})).bindNow(Duration.ofSeconds(5));
		return ProbeConfig.of(URI.create("ws://127.0.0.1:" + this.server.port() + "/ws/probe"), "enrolling", "cafe-host", 2, true);
	}

	@Test
	void aLostAnswerIsAskedForAgainWithTheSameRequestId() {
		ProbeConfig config = serverThatLoses(2, 200, "{\"name\":\"cafe\",\"credential\":\"dpc_fresh\"}");
		Enrollment.exchange(config, "ABCDE-FGHJK", Duration.ofMillis(10))
			.as(StepVerifier::create)
			.assertNext((credential) -> assertThat(credential.credential()).isEqualTo("dpc_fresh"))
			.expectComplete()
			.verify(Duration.ofSeconds(10));
		assertThat(this.bodies).hasSize(3);
		List<JsonNode> sent = this.bodies.stream().map(JSON::readTree).toList();
		String requestId = sent.get(0).path("requestId").asString();
		assertThat(requestId).matches("[0-9a-f]{32}");
		assertThat(sent).allSatisfy((body) -> {
			assertThat(body.path("requestId").asString()).isEqualTo(requestId);
			assertThat(body.path("code").asString()).isEqualTo("ABCDE-FGHJK");
		});
	}

	@Test
	void aRefusedCodeIsNotTriedAgain() {
		ProbeConfig config = serverThatLoses(0, 403, "{\"detail\":\"this enrollment code was already used\"}");
		Enrollment.exchange(config, "ABCDE-FGHJK", Duration.ofMillis(10))
			.as(StepVerifier::create)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ProbeRefusedException.class)
				.hasMessageContaining("already used"))
			.verify(Duration.ofSeconds(10));
		assertThat(this.bodies).hasSize(1);
	}

	@Test
	void eachEnrollmentHasItsOwnRequestId() {
		ProbeConfig config = serverThatLoses(0, 200, "{\"name\":\"cafe\",\"credential\":\"dpc_fresh\"}");
		Enrollment.exchange(config, "ABCDE-FGHJK", Duration.ofMillis(10)).block(Duration.ofSeconds(10));
		Enrollment.exchange(config, "ABCDE-FGHJK", Duration.ofMillis(10)).block(Duration.ofSeconds(10));
		assertThat(JSON.readTree(this.bodies.get(0)).path("requestId").asString())
			.isNotEqualTo(JSON.readTree(this.bodies.get(1)).path("requestId").asString());
	}
}
