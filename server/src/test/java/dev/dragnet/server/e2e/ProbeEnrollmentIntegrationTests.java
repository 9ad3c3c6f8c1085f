package dev.dragnet.server.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.dragnet.probe.CredentialFile;
import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.probe.ProbeAgentMain;
import dev.dragnet.probe.ProbeConfig;
import dev.dragnet.probe.ProbeRefusedException;
import dev.dragnet.probe.AgentState;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.Welcome;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.server.testsupport.TestHttp;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Enrollment and revocation as a probe's owner and an admin meet them: the real server, real probe agents started
 * through the probe's own start-up path ({@link ProbeAgentMain#prepare}), a fake WHOIS server, HTTP and WebSocket
 * only.
 */
class ProbeEnrollmentIntegrationTests {

	private static final String ADMIN = "trust-admin";

	private static final String TOKEN = "trust-shared-token";

	private static FakeWhoisServer whois;

	private static RunningServer server;

	@TempDir
	Path dir;

	private final List<ProbeAgent> agents = new ArrayList<>();

	@BeforeAll
	static void start() {
		whois = FakeWhoisServer.start();
		whois.answer("example.test", "Domain Name: EXAMPLE.TEST\r\nRegistrar: Fake Registrar\r\n");
		whois.fallback(WhoisBehaviour.delayed(Duration.ofMillis(1500), WhoisBehaviour.text("Domain Name: SLOW.TEST\r\n")));
		server = RunningServer.start("--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN,
				"--dragnet.whois.allow-private-servers=true",
				"--dragnet.dispatch.attempt-timeout=5s", "--dragnet.whois.pace.min-interval=0ms",
				"--dragnet.whois.pace.max-connections=64", "--dragnet.whois.default-policy=whois",
				"--dragnet.probes.quarantine.spot-check-share=0");
		server.route("test", whois.host(), whois.port(), "%s", ADMIN);
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
		if (whois != null) {
			whois.close();
		}
	}

	@AfterEach
	void closeAgents() {
		this.agents.forEach(ProbeAgent::close);
	}

	@Test
	void anEnrolledProbeComesBackAfterARestartWithItsCredentialFileAlone() throws Exception {
		String code = createCode(Map.of("name", "cafe-enrolled"));
		Path file = this.dir.resolve("cafe/credential.properties");
		ProbeConfig first = prepare("--enroll", code, "--credentials", file.toString(), "--name", "ignored-host-name");
		assertThat(first.name()).as("the code's name wins").isEqualTo("cafe-enrolled");
		assertThat(first.token()).startsWith("dpc_");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(Files.readString(file)).doesNotContain(code);
		ProbeAgent agent = start(first);
		await().atMost(Duration.ofSeconds(10)).until(() -> agent.state() == AgentState.CONNECTED);
		agent.close();

		// A restart: no code any more, only the file (a code given again is not used again).
		ProbeConfig again = prepare("--credentials", file.toString());
		assertThat(again.token()).isEqualTo(first.token());
		ProbeAgent restarted = start(again);
		await().atMost(Duration.ofSeconds(10)).until(() -> restarted.state() == AgentState.CONNECTED);
		assertThat(probe("cafe-enrolled")).containsEntry("state", "EFFECTIVE").containsEntry("revoked", false);
		assertThat(lookup("example.test")).containsEntry("probe", "cafe-enrolled");
		assertThat(prepare("--enroll", code, "--credentials", file.toString()).token()).isEqualTo(first.token());

		// A damaged file: a clear error naming it, and the usage exit status, not a connection with garbage.
		Files.writeString(file, Files.readString(file).replace(first.token(), first.token().substring(0, 12)));
		Throwable damaged = catchThrowable(() -> prepare("--credentials", file.toString()));
		assertThat(damaged).isInstanceOf(CredentialFile.DamagedCredentialFileException.class)
			.hasMessageContaining(file.toString())
			.hasMessageContaining("no valid 'credential'");
		assertThat(ProbeAgentMain.exitCode(damaged)).isEqualTo(ProbeAgentMain.EXIT_USAGE);
	}

	@Test
	void aCodeWorksOnceAndExpiredOrUnknownCodesAreRefusedWithExitStatusTwo() throws Exception {
		String code = createCode(Map.of());
		assertThat(prepare("--enroll", code, "--credentials", this.dir.resolve("one").toString(), "--name", "once")
			.name()).isEqualTo("once");

		Throwable reused = catchThrowable(
				() -> prepare("--enroll", code, "--credentials", this.dir.resolve("two").toString(), "--name", "twice"));
		assertThat(reused).isInstanceOf(ProbeRefusedException.class).hasMessageContaining("already used");
		assertThat(ProbeAgentMain.exitCode(reused)).isEqualTo(ProbeAgentMain.EXIT_REFUSED);
		assertThat(this.dir.resolve("two")).doesNotExist();

		String shortLived = createCode(Map.of("expiresIn", "PT1S"));
		Thread.sleep(1500);
		Throwable expired = catchThrowable(() -> prepare("--enroll", shortLived, "--credentials",
				this.dir.resolve("three").toString()));
		assertThat(expired).isInstanceOf(ProbeRefusedException.class).hasMessageContaining("expired");
		assertThat(ProbeAgentMain.exitCode(expired)).isEqualTo(ProbeAgentMain.EXIT_REFUSED);

		Throwable unknown = catchThrowable(() -> prepare("--enroll", "AAAAA-BBBBB-CCCCC-DDDDD", "--credentials",
				this.dir.resolve("four").toString()));
		assertThat(unknown).isInstanceOf(ProbeRefusedException.class).hasMessageContaining("not known");
		assertThat(ProbeAgentMain.exitCode(unknown)).isEqualTo(ProbeAgentMain.EXIT_REFUSED);
	}

	@Test
	void theSameEnrollmentRequestAgainReplacesTheLostCredentialAndAnyOtherSecondUseIsRefused() throws Exception {
		String code = createCode(Map.of("name", "cafe-retried"));
		String request = "first-try-0123456789abcdef";
		Map<String, Object> lost = enroll(code, request, 200);
		// Its answer never reached the probe, which sends the same request again.
		Map<String, Object> again = enroll(code, request, 200);
		assertThat(again).containsEntry("name", "cafe-retried");
		assertThat(again.get("credential")).isNotEqualTo(lost.get("credential"));
		assertThat(enroll(code, "someone-else-0123456789", 403).get("detail")).asString().contains("already used");
		assertThat(enroll(code, null, 403).get("detail")).asString().contains("already used");
		assertThat(enroll(code, "bad id", 400)).containsEntry("type", "/problems/invalid-enrollment");

		try (RawProbe replaced = new RawProbe(server.port())) {
			replaced.hello("cafe-retried", (String) lost.get("credential"), 2);
			assertThat(replaced.closeStatus(Duration.ofSeconds(10))).extracting((status) -> status.code())
				.isEqualTo(Protocol.CLOSE_UNAUTHORIZED);
		}
		try (RawProbe current = new RawProbe(server.port())) {
			current.hello("cafe-retried", (String) again.get("credential"), 2);
			assertThat(current.next(Welcome.class, Duration.ofSeconds(10))).isNotNull();
		}

		String shortLived = createCode(Map.of("name", "cafe-late", "expiresIn", "PT1S"));
		enroll(shortLived, request, 200);
		Thread.sleep(1500);
		assertThat(enroll(shortLived, request, 403).get("detail")).asString().contains("expired");
	}

	private static Map<String, Object> enroll(String code, String requestId, int status) {
		Map<String, Object> body = new HashMap<>(Map.of("code", code, "name", "cafe-host"));
		if (requestId != null) {
			body.put("requestId", requestId);
		}
		return server.http()
			.post()
			.uri("/api/probes/enroll")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	@Test
	void creatingACodeNeedsTheAdminTokenAndSaneInput() {
		server.http().post().uri("/api/probes/enrollments").exchange().expectStatus().isUnauthorized();
		server.http()
			.post()
			.uri("/api/probes/enrollments")
			.headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "no spaces please"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("/problems/invalid-enrollment");
		server.http()
			.delete()
			.uri("/api/probes/nobody-by-this-name")
			.headers((h) -> h.setBearerAuth(ADMIN))
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("/problems/unknown-probe");
	}

	@Test
	void aRevokedProbeIsCutOffAtOnceItsWorkGoesElsewhereAndItCannotComeBack() throws Exception {
		Path file = this.dir.resolve("revoked.properties");
		ProbeConfig config = prepare("--enroll", createCode(Map.of("name", "cafe-revoked")), "--credentials",
				file.toString());
		ProbeAgent revoked = start(config);
		ProbeAgent helper = start(ProbeConfig.of(server.probeUri(), TOKEN, "cafe-helper", 8, true));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> revoked.state() == AgentState.CONNECTED && helper.state() == AgentState.CONNECTED);

		// Slow lookups (1.5 s at the fake server) on both probes; revoke while the probe still holds some.
		Mono<List<Map<String, Object>>> lookups = Flux.range(1, 8)
			.flatMap((i) -> Mono.fromCallable(() -> lookup("slow-" + i + ".test")).subscribeOn(Schedulers.boundedElastic()))
			.collectList()
			.cache();
		lookups.subscribe();
		await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) probe("cafe-revoked").get("inFlight")).intValue() > 0);
		server.http()
			.delete()
			.uri("/api/probes/cafe-revoked")
			.headers((h) -> h.setBearerAuth(ADMIN))
			.exchange()
			.expectStatus()
			.isNoContent();

		await().atMost(Duration.ofSeconds(5)).until(() -> revoked.state() == AgentState.REFUSED);
		List<Map<String, Object>> answers = lookups.block(Duration.ofSeconds(30));
		assertThat(answers).hasSize(8).allSatisfy((answer) -> assertThat(answer).containsEntry("outcome", "OK"));
		assertThat(answers).anySatisfy((answer) -> assertThat(answer).containsEntry("probe", "cafe-helper")
			.extractingByKey("attempts")
			.asList()
			.hasSizeGreaterThan(1));
		Map<String, Object> row = probe("cafe-revoked");
		assertThat(row).containsEntry("revoked", true).containsEntry("state", "INEFFECTIVE");
		assertThat((String) row.get("disconnectReason")).contains("revoked");

		// The same credential again: refused, and the probe stops with exit status 2.
		ProbeAgent again = new ProbeAgent(prepare("--credentials", file.toString()));
		Throwable refusal = catchThrowable(() -> again.run().block(Duration.ofSeconds(15)));
		assertThat(refusal).isInstanceOf(ProbeRefusedException.class).hasMessageContaining("revoked");
		assertThat(ProbeAgentMain.exitCode(refusal)).isEqualTo(ProbeAgentMain.EXIT_REFUSED);
		assertThat(again.state()).isEqualTo(AgentState.REFUSED);
	}

	private ProbeConfig prepare(String... args) {
		List<String> all = new ArrayList<>(List.of("--server", server.probeUri().toString(), "--allow-private-servers"));
		all.addAll(List.of(args));
		ProbeConfig config = ProbeAgentMain.prepare(all.toArray(String[]::new), Map.of(), () -> "this-host");
		return config.withReconnect(Duration.ofMillis(100), Duration.ofMillis(500));
	}

	private ProbeAgent start(ProbeConfig config) {
		ProbeAgent agent = new ProbeAgent(config.withReconnect(Duration.ofMillis(100), Duration.ofMillis(500))).start();
		this.agents.add(agent);
		return agent;
	}

	private static String createCode(Map<String, Object> body) {
		Map<String, Object> created = TestHttp.createAsAdmin(server.http(), ADMIN, "/api/probes/enrollments", body);
		assertThat(created).containsKeys("code", "expiresAt");
		return (String) created.get("code");
	}

	private static Map<String, Object> lookup(String domain) {
		return server.http()
			.get()
			.uri("/api/whois/{domain}?fresh=true", domain)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	private static Map<String, Object> probe(String name) {
		List<Map<String, Object>> probes = server.http()
			.get()
			.uri("/api/probes")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult()
			.getResponseBody();
		return probes.stream().filter((p) -> name.equals(p.get("name"))).findFirst().orElseThrow();
	}
}
