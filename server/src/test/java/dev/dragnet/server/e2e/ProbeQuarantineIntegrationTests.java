package dev.dragnet.server.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dragnet.protocol.CreditGrant;
import dev.dragnet.protocol.ErrorFrame;
import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Ping;
import dev.dragnet.protocol.Pong;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.ServerFrame;
import dev.dragnet.protocol.Task;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.dispatch.Attempt;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A probe that makes its answers up, found out by spot checks: every answer is asked again on another probe (share
 * 1 here), a third probe settles a disagreement, and after two lost checks the liar is quarantined: it stays
 * connected, gets no work, and {@code GET /api/probes} says why, until an admin releases it.
 */
class ProbeQuarantineIntegrationTests {

	private static final String TOKEN = "quarantine-token";

	private static final String ADMIN = "quarantine-admin";

	private static final String MADE_UP = "Domain Name: MADE-UP.TEST\r\nRegistrar: Nobody At All\r\n";

	private static FakeWhoisServer whois;

	private static RunningServer server;

	private static RawProbe liar;

	private static final AtomicInteger liarTasks = new AtomicInteger();

	private static final AtomicBoolean running = new AtomicBoolean(true);

	@BeforeAll
	static void start() {
		whois = FakeWhoisServer.start();
		for (int i = 0; i < 60; i++) {
			whois.answer("site-" + i + ".test", "Domain Name: SITE-" + i + ".TEST\r\nRegistrar: Fake Registrar\r\n"
					+ ">>> Last update of WHOIS database: 2026-12-02T18:" + (10 + i % 50) + ":00Z <<<\r\n");
		}
		server = RunningServer.start("--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN,
				"--dragnet.whois.allow-private-servers=true", "--dragnet.whois.pace.min-interval=0ms",
				"--dragnet.whois.pace.max-connections=64", "--dragnet.whois.default-policy=whois",
				"--dragnet.probes.ping-interval=30s", "--dragnet.probes.quarantine.spot-check-share=1",
				"--dragnet.probes.quarantine.max-disagreements=2",
				"--dragnet.probes.quarantine.max-consecutive-failures=3");
		server.route("test", whois.host(), whois.port(), "%s", ADMIN);
		server.startProbe("honest-a", TOKEN, 4);
		server.startProbe("honest-b", TOKEN, 4);
		liar = new RawProbe(server.port())
			.send(new Hello("liar", TOKEN, "raw", Protocol.VERSION, List.of(Protocol.CAPABILITY_WHOIS), 8));
		Thread answering = new Thread(ProbeQuarantineIntegrationTests::answerWithLies, "liar");
		answering.setDaemon(true);
		answering.start();
		await().atMost(Duration.ofSeconds(15))
			.until(() -> probes().stream().filter((p) -> "EFFECTIVE".equals(p.get("state"))).count() == 3);
	}

	/** The dishonest probe: grants credit, answers pings, and answers every WHOIS task with the same invention. */
	private static void answerWithLies() {
		try {
			while (running.get()) {
				ServerFrame frame = liar.next(Duration.ofMillis(200));
				if (frame instanceof dev.dragnet.protocol.Welcome) {
					liar.send(new CreditGrant(8)); // more free slots than the honest probes: it is asked first
				}
				else if (frame instanceof Ping ping) {
					liar.send(new Pong(ping.seq()));
				}
				else if (frame instanceof Task task) {
					liarTasks.incrementAndGet();
					liar.send(new TaskResult(task.id(), TaskResult.Outcome.OK, MADE_UP, MADE_UP.length(), 3, null));
					liar.send(new CreditGrant(1));
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@AfterAll
	static void stop() {
		running.set(false);
		if (liar != null) {
			liar.close();
		}
		if (server != null) {
			server.close();
		}
		if (whois != null) {
			whois.close();
		}
	}

	@Test
	void aProbeWhoseAnswersKeepDisagreeingIsQuarantinedUntilReleased() {
		int asked = 0;
		while (asked < 40 && quarantineOf("liar") == null) {
			lookup("site-" + asked + ".test");
			asked++;
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> quarantineOf("liar") != null);
		assertThat(quarantineOf("liar")).contains("disagreed with other probes' in 2 spot checks");
		assertThat(quarantineOf("honest-a")).isNull();
		assertThat(quarantineOf("honest-b")).isNull();
		assertThat(probe("liar")).containsEntry("state", "EFFECTIVE");

		// Quarantined: connected, but no lookup and no spot check reaches it any more.
		int before = liarTasks.get();
		for (int i = 40; i < 50; i++) {
			assertThat(lookup("site-" + i + ".test")).extractingByKey("probe").isNotEqualTo("liar");
		}
		assertThat(liarTasks.get()).isEqualTo(before);

		server.http().post().uri("/api/probes/liar/release").exchange().expectStatus().isUnauthorized();
		server.http()
			.post()
			.uri("/api/probes/liar/release")
			.headers((h) -> h.setBearerAuth(ADMIN))
			.exchange()
			.expectStatus()
			.isNoContent();
		assertThat(quarantineOf("liar")).isNull();
		// Released: with every answer spot-checked on another probe, work reaches it again at once.
		for (int i = 50; i < 56 && liarTasks.get() == before; i++) {
			lookup("site-" + i + ".test");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> liarTasks.get() > before);
	}

	@Test
	void aProbeThatKeepsFailingWhileOthersAnswerIsQuarantined() throws Exception {
		AtomicBoolean failing = new AtomicBoolean(true);
		try (RawProbe failer = new RawProbe(server.port())) {
			failer.send(new Hello("failer", TOKEN, "raw", Protocol.VERSION, List.of(Protocol.CAPABILITY_WHOIS), 16));
			assertThat(failer.next(dev.dragnet.protocol.Welcome.class, Duration.ofSeconds(10))).isNotNull();
			failer.send(new CreditGrant(16)); // the most free slots: it is asked first
			Thread answering = new Thread(() -> failEveryTask(failer, failing), "failer");
			answering.setDaemon(true);
			answering.start();
			for (int asked = 0; asked < 10 && quarantineOf("failer") == null; asked++) {
				// Every lookup still succeeds: the failed attempt moves to another probe.
				assertThat(lookup("site-" + asked + ".test")).containsEntry("outcome", "OK");
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> quarantineOf("failer") != null);
			assertThat(quarantineOf("failer")).contains("3 tasks failed in a row while other probes answered");
		}
		finally {
			failing.set(false);
		}
	}

	@Test
	void whatAProbeSaysOfAFailureReachesTheAttemptsPrintableAndCut() throws Exception {
		String forged = "refused\n2026-12-03 INFO forged log line\u0000" + "x".repeat(5_000);
		// One probe answers its first task with an error frame (the task is lost, not counted), another with a failed
		// result (counted); each is the idle probe with the most free slots when its lookup comes, so it is asked first.
		String lost = firstAttemptOf("garbler-frame", forged, true);
		String failed = firstAttemptOf("garbler-result", forged, false);
		assertThat(List.of(lost, failed)).allSatisfy((detail) -> assertThat(detail)
			.contains("refused?2026-12-03 INFO forged log line?xxx")
			.doesNotContain("\n", "\u0000")
			.endsWith("...")
			.hasSizeLessThanOrEqualTo(Attempt.MAX_DETAIL + 3));
		assertThat(lost).startsWith("probe garbler-frame went away: bad?code: refused?");
		assertThat(failed).startsWith("refused?");
	}

	/** The detail of the first attempt of a lookup that probe {@code name} fails with {@code forged} as its text. */
	private static String firstAttemptOf(String name, String forged, boolean errorFrame) throws Exception {
		AtomicBoolean garbling = new AtomicBoolean(true);
		try (RawProbe garbler = new RawProbe(server.port())) {
			garbler.send(new Hello(name, TOKEN, "raw", Protocol.VERSION, List.of(Protocol.CAPABILITY_WHOIS), 32));
			assertThat(garbler.next(dev.dragnet.protocol.Welcome.class, Duration.ofSeconds(10))).isNotNull();
			await().atMost(Duration.ofSeconds(10)).until(() -> probes().stream()
				.anyMatch((p) -> name.equals(p.get("name")) && "EFFECTIVE".equals(p.get("state"))));
			Object welcomed = probe(name).get("lastSeen");
			garbler.send(new CreditGrant(32));
			// The lookup must come after the grant, or the liar (8 slots) is asked first. The server counts each frame
			// as a sign of life as it reads it and takes a grant at once: once lastSeen moves, the grant is in.
			await().atMost(Duration.ofSeconds(10)).until(() -> !Objects.equals(probe(name).get("lastSeen"), welcomed));
			Thread answering = new Thread(() -> garble(garbler, forged, errorFrame, garbling), name);
			answering.setDaemon(true);
			answering.start();
			Map<String, Object> answer = lookup(name + ".test");
			assertThat(answer).containsEntry("outcome", "OK"); // the attempt after it, on another probe
			@SuppressWarnings("unchecked")
			Map<String, Object> first = ((List<Map<String, Object>>) answer.get("attempts")).get(0);
			assertThat(first).containsEntry("probe", name);
			return (String) first.get("detail");
		}
		finally {
			garbling.set(false);
		}
	}

	/** The first task gets the failure with {@code forged} as its text; every later one a plain record. */
	private static void garble(RawProbe garbler, String forged, boolean errorFrame, AtomicBoolean garbling) {
		try {
			int tasks = 0;
			while (garbling.get()) {
				if (garbler.next(Duration.ofMillis(200)) instanceof Task task) {
					if (tasks++ > 0) {
						garbler.send(new TaskResult(task.id(), TaskResult.Outcome.OK, "Domain Name: GARBLED.TEST\r\n", 27,
								3, null));
					}
					else {
						garbler.send(errorFrame ? new ErrorFrame("bad\ncode", forged, task.id())
								: new TaskResult(task.id(), TaskResult.Outcome.ERROR, null, 0, 1, forged));
					}
					garbler.send(new CreditGrant(1));
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void failEveryTask(RawProbe failer, AtomicBoolean failing) {
		try {
			while (failing.get()) {
				if (failer.next(Duration.ofMillis(200)) instanceof Task task) {
					failer.send(new TaskResult(task.id(), TaskResult.Outcome.ERROR, null, 0, 1, "broken network"));
					failer.send(new CreditGrant(1));
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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

	private static String quarantineOf(String name) {
		return (String) probe(name).get("quarantineReason");
	}

	private static Map<String, Object> probe(String name) {
		return probes().stream().filter((p) -> name.equals(p.get("name"))).findFirst().orElseThrow();
	}

	private static List<Map<String, Object>> probes() {
		return server.http()
			.get()
			.uri("/api/probes")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult()
			.getResponseBody();
	}
}
