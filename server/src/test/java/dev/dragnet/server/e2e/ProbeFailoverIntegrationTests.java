package dev.dragnet.server.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.probe.ProbeConfig;
import dev.dragnet.probe.AgentState;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.Welcome;
import dev.dragnet.server.probe.ProbeRegistry;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Probe failover between two real server instances (each on its own database for now: a database shared by
 * instances is not built yet) and a real probe agent given both: when its server stops, the probe moves to the
 * other under the same name, and WHOIS lookups there are answered through it.
 */
class ProbeFailoverIntegrationTests {

	private static final String TOKEN = "failover-token";

	private static final String ADMIN = "failover-admin";

	private static final Duration SPREAD = Duration.ofSeconds(2);

	private FakeWhoisServer whois;

	private RunningServer one;

	private RunningServer two;

	private ProbeAgent agent;

	@BeforeEach
	void start() {
		this.whois = FakeWhoisServer.start();
		this.whois.answer("example.test", "Domain Name: EXAMPLE.TEST\r\nRegistrar: Fake Registrar\r\n");
		this.one = server();
		this.two = server();
	}

	@AfterEach
	void stop() {
		if (this.agent != null) {
			this.agent.close();
		}
		for (RunningServer server : new RunningServer[] { this.one, this.two }) {
			if (server != null && server.context().isActive()) {
				server.close();
			}
		}
		this.whois.close();
	}

	@Test
	void whenItsServerStopsTheProbeMovesToTheOtherUnderItsNameAndLookupsThereAreAnswered() {
		ProbeConfig config = ProbeConfig.of(List.of(this.one.probeUri(), this.two.probeUri()), TOKEN, "cafe-failover",
				4, true, false)
			.withReconnect(Duration.ofMillis(100), Duration.ofMillis(500));
		this.agent = new ProbeAgent(config).start();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> (connectedTo(this.one) || connectedTo(this.two)) && this.agent.state() == AgentState.CONNECTED);
		RunningServer first = connectedTo(this.one) ? this.one : this.two;
		RunningServer second = (first == this.one) ? this.two : this.one;
		assertThat(lookup(first)).containsEntry("probe", "cafe-failover");

		first.stopServerOnly();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> connectedTo(second) && this.agent.state() == AgentState.CONNECTED);
		assertThat(lookup(second)).containsEntry("probe", "cafe-failover")
			.hasEntrySatisfying("text", (text) -> assertThat((String) text).contains("Registrar: Fake Registrar"));
	}

	@Test
	void aStoppingServerClosesProbeSessionsWithASpreadOutWaitAndRefusesNewOnes() {
		try (RawProbe probe = new RawProbe(this.one.port()).hello("raw-probe", TOKEN, 2)) {
			assertThat(probe.next(Welcome.class, Duration.ofSeconds(10))).isNotNull();
			long started = System.nanoTime();
			this.one.stopServerOnly();
			WebSocketCloseStatus status = probe.closeStatus(Duration.ofSeconds(10));
			assertThat(status.code()).isEqualTo(Protocol.CLOSE_GOING_AWAY);
			assertThat(status.reasonText()).endsWith("the server is shutting down");
			assertThat(Protocol.retryAfter(status.reasonText())).isBetween(Duration.ZERO, SPREAD);
			// An idle session is not held for the drain.
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private RunningServer server() {
		RunningServer server = RunningServer.startBeside("--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN,
				"--dragnet.whois.allow-private-servers=true", "--dragnet.whois.pace.min-interval=0ms",
				"--dragnet.whois.default-policy=whois", "--dragnet.probes.ping-interval=1s",
				"--dragnet.probes.reconnect-spread=" + SPREAD.toMillis() + "ms");
		server.route("test", this.whois.host(), this.whois.port(), "%s", ADMIN);
		return server;
	}

	private static boolean connectedTo(RunningServer server) {
		return server.context().isActive() && server.context()
			.getBean(ProbeRegistry.class)
			.session("cafe-failover")
			.filter((session) -> session.isEffective())
			.isPresent();
	}

	private static Map<String, Object> lookup(RunningServer server) {
		return server.http()
			.get()
			.uri("/api/whois/example.test?fresh=true")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}
}
