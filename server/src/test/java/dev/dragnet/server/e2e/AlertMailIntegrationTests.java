package dev.dragnet.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.server.alert.Alert;
import dev.dragnet.server.alert.AlertService;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.core.ParameterizedTypeReference;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Alerts by email for real: GreenMail as the SMTP server on a loopback port, the real server, and real
 * probes that are killed and started again. Each step checks the mailbox, not the server's word for it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertMailIntegrationTests {

	private static final String TOKEN = "alert-probe";

	private static final String ADMIN = "alert-admin";

	private static final Duration ROUND = Duration.ofSeconds(1);

	private static int smtpPort;

	private static GreenMail smtp;

	private static FakeWhoisServer whois;

	private static RunningServer server;

	private static ProbeAgent victim;

	private static Disposable lookups;

	@BeforeAll
	static void start() throws IOException {
		try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			smtpPort = free.getLocalPort();
		}
		smtp = startSmtp();
		whois = FakeWhoisServer.start();
		whois.fallback(WhoisBehaviour.delayed(Duration.ofSeconds(3), WhoisBehaviour.noMatch()));
		server = RunningServer.start(arguments());
		server.route("test", whois.host(), whois.port(), "%s", ADMIN);
		server.startProbe("steady", TOKEN, 4);
		victim = server.startProbe("victim", TOKEN, 4);
		awaitState("steady", "EFFECTIVE");
		awaitState("victim", "EFFECTIVE");
	}

	@AfterAll
	static void stop() {
		if (lookups != null) {
			lookups.dispose();
		}
		if (server != null) {
			server.close();
		}
		if (whois != null) {
			whois.close();
		}
		if (smtp != null) {
			smtp.stop();
		}
	}

	private static String[] arguments() {
		return new String[] { "--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN,
				"--dragnet.probes.ping-interval=500ms", "--spring.mail.host=127.0.0.1", "--spring.mail.port=" + smtpPort,
				"--dragnet.alerts.recipients=ops@dragnet.test, oncall@dragnet.test",
				"--dragnet.alerts.round=" + ROUND.toMillis() + "ms", "--dragnet.alerts.retry.initial-backoff=200ms",
				"--dragnet.alerts.retry.max-backoff=1s", "--dragnet.whois.allow-private-servers=true",
				"--dragnet.whois.default-policy=whois", "--dragnet.whois.pace.min-interval=0ms",
				"--dragnet.whois.pace.max-connections=16" };
	}

	private static GreenMail startSmtp() {
		GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
		mail.start();
		return mail;
	}

	@Test
	@Order(1)
	void aKilledProbeGivesExactlyOneMessageWithWhatItWasDoing() throws Exception {
		// Slow lookups, so that the victim has tasks in flight when it dies.
		lookups = Flux.range(0, 8)
			.flatMap((i) -> WebTestClientSupport.getText(server.http(), "/WHOIS/slow-" + i + ".test"), 8)
			.subscribe(null, (ex) -> { });
		await().atMost(Duration.ofSeconds(10)).until(() -> inFlight("victim") > 0);
		victim.close();

		awaitMessages(1);
		// Two more rounds: still one message, though the lookups it held went elsewhere meanwhile.
		Thread.sleep(ROUND.multipliedBy(2).toMillis());
		List<MimeMessage> received = inbox("ops@dragnet.test");
		assertThat(received).hasSize(1);
		assertThat(inbox("oncall@dragnet.test")).hasSize(1);
		MimeMessage message = received.get(0);
		assertThat(message.getSubject()).isEqualTo("[dragnet] 1 probe down: victim");
		assertThat(message.getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
			.containsExactly("ops@dragnet.test", "oncall@dragnet.test");
		String body = GreenMailUtil.getBody(message).replace("\r\n", "\n");
		assertThat(body).startsWith("1 probe became ineffective")
			.contains("victim at 127.0.0.1", "down since:", "last seen:")
			.containsPattern("reason: +connection (closed|lost)")
			.containsPattern("was doing: +[1-4] tasks? in flight, 0 campaign blocks")
			.containsPattern("task \\S+: whois 'slow-\\d\\.test' at 127\\.0\\.0\\.1:" + whois.port())
			.doesNotContain("steady");
		assertThat(server.context().getBean(AlertService.class).recent()).extracting(Alert::kind)
			.containsExactly(Alert.Kind.PROBES_DOWN);
	}

	@Test
	@Order(2)
	void theProbeComingBackGivesTheRecoveryMessage() throws Exception {
		victim = server.startProbe("victim", TOKEN, 4);
		awaitMessages(2);
		List<MimeMessage> received = inbox("ops@dragnet.test");
		assertThat(received).hasSize(2);
		assertThat(received.get(1).getSubject()).isEqualTo("[dragnet] probe victim is back");
		assertThat(GreenMailUtil.getBody(received.get(1))).contains("victim at 127.0.0.1 is effective again since")
			.containsPattern("It went down at .*: connection (closed|lost)");
		awaitState("victim", "EFFECTIVE");
	}

	@Test
	@Order(3)
	void withTheMailServerDownTheAlertWaitsAndArrivesWhenItIsBack() throws Exception {
		smtp.stop();
		victim.close();
		// The alert is raised, and sending it fails at least twice while the mail server is away.
		await().atMost(Duration.ofSeconds(15)).until(() -> metric("dragnet_alerts_failed_total") >= 2);
		assertThat(awaitState("victim", "INEFFECTIVE")).isTrue();

		smtp = startSmtp();
		awaitMessages(1);
		Thread.sleep(ROUND.multipliedBy(2).toMillis());
		List<MimeMessage> received = inbox("ops@dragnet.test");
		assertThat(received).hasSize(1);
		assertThat(received.get(0).getSubject()).isEqualTo("[dragnet] 1 probe down: victim");
		assertThat(metric("dragnet_alerts_sent_total")).isEqualTo(3);
		assertThat(metric("dragnet_alerts_dropped_total")).isZero();
	}

	/**
	 * What was reported lives in the database, not only in the server's memory: after a restart the probe reported
	 * down in the test before gets its recovery message, and no second down message.
	 */
	@Test
	@Order(4)
	void aRestartNeitherRepeatsADownNorLosesTheRecovery() throws Exception {
		RunningServer before = server;
		int port = before.port();
		Map<String, Object> database = before.database();
		before.stopServerOnly();
		smtp.purgeEmailFromAllMailboxes();
		server = RunningServer.start(database, port, arguments());
		victim = server.startProbe("victim", TOKEN, 4);
		awaitMessages(1);
		Thread.sleep(ROUND.multipliedBy(2).toMillis());
		assertThat(inbox("ops@dragnet.test")).extracting(MimeMessage::getSubject)
			.contains("[dragnet] probe victim is back")
			.noneMatch((subject) -> subject.contains("down") && subject.contains("victim"));
		before.close(); // its other probe, which moved to the new server
	}

	/** What the mailbox of {@code address} received, oldest first (GreenMail keeps one copy per recipient). */
	private static List<MimeMessage> inbox(String address) {
		return smtp.findReceivedMessages((user) -> address.equals(user.getEmail()), (message) -> true).toList();
	}

	private static void awaitMessages(int count) {
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
			.until(() -> inbox("ops@dragnet.test").size() >= count);
	}

	private static double metric(String name) {
		String exposition = server.http().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		return exposition.lines()
			.filter((line) -> line.startsWith(name + "{") || line.startsWith(name + " "))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private static Map<String, Object> probe(String name) {
		List<Map<String, Object>> probes = server.http().get().uri("/api/probes").exchange().expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			}).returnResult().getResponseBody();
		return probes.stream().filter((p) -> name.equals(p.get("name"))).findFirst().orElse(Map.of());
	}

	private static int inFlight(String name) {
		Object value = probe(name).get("inFlight");
		return (value instanceof Number n) ? n.intValue() : 0;
	}

	private static boolean awaitState(String name, String state) {
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
			.until(() -> state.equals(probe(name).get("state")));
		return true;
	}
}
