package dev.dragnet.server.e2e;

import java.time.Duration;
import java.util.List;

import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.probe.ProbeAgentMain;
import dev.dragnet.probe.ProbeConfig;
import dev.dragnet.probe.ProbeRefusedException;
import dev.dragnet.probe.AgentState;
import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.Welcome;
import dev.dragnet.server.testsupport.RunningServer;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The limits on untrusted machines: probes per address and the oldest probe version the server accepts. */
class ProbeLimitsIntegrationTests {

	private static final String TOKEN = "limits-token";

	private static RunningServer server;

	@BeforeAll
	static void start() {
		server = RunningServer.start("--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=limits-admin",
				"--dragnet.probes.max-per-address=2", "--dragnet.probes.min-version=1.0");
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void theProbeOverThePerAddressLimitIsClosedWithItsReason() throws Exception {
		try (RawProbe first = hello("addr-1", "1.2.0"); RawProbe second = hello("addr-2", "1.0")) {
			assertThat(first.next(Welcome.class, Duration.ofSeconds(10))).isNotNull();
			assertThat(second.next(Welcome.class, Duration.ofSeconds(10))).isNotNull();
			try (RawProbe third = hello("addr-3", "2.0.1")) {
				WebSocketCloseStatus status = third.closeStatus(Duration.ofSeconds(10));
				assertThat(status.code()).isEqualTo(Protocol.CLOSE_ADDRESS_LIMIT);
				assertThat(status.reasonText()).contains("2 probes are already connected from 127.0.0.1")
					.contains("max-per-address");
				// Refused for load: told to wait half to all of dragnet.probes.reconnect-spread (10 s) first.
				assertThat(Protocol.retryAfter(status.reasonText())).isBetween(Duration.ofSeconds(5),
						Duration.ofSeconds(10));
			}
			// The same probe reconnecting replaces its own session: it is not one too many.
			try (RawProbe again = hello("addr-1", "1.2.0")) {
				assertThat(again.next(Welcome.class, Duration.ofSeconds(10))).isNotNull();
			}
		}
	}

	@Test
	void aProbeOlderThanTheMinimumVersionIsRefusedForGood() throws Exception {
		try (RawProbe old = hello("old-probe", "0.9.7")) {
			WebSocketCloseStatus status = old.closeStatus(Duration.ofSeconds(10));
			assertThat(status.code()).isEqualTo(Protocol.CLOSE_UNSUPPORTED_VERSION);
			assertThat(status.reasonText()).contains("probe version 0.9.7 is older than").contains("1.0");
		}
		// A real agent of this build (version "dev", no release number) is refused and stops with exit status 2.
		ProbeAgent agent = new ProbeAgent(ProbeConfig.of(server.probeUri(), TOKEN, "dev-build", 2, true));
		Throwable refusal = catchThrowable(() -> agent.run().block(Duration.ofSeconds(15)));
		assertThat(refusal).isInstanceOf(ProbeRefusedException.class).hasMessageContaining("older than");
		assertThat(ProbeAgentMain.exitCode(refusal)).isEqualTo(ProbeAgentMain.EXIT_REFUSED);
		assertThat(agent.state()).isEqualTo(AgentState.REFUSED);
	}

	@Test
	void aHelloWithAVersionOrCapabilitiesNothingCouldStoreIsRefusedWithItsReason() throws Exception {
		// a NUL, which PostgreSQL's text cannot hold, or a version of any length, would reach the probe table
		for (String version : List.of("1.2.0\u0000x", "1." + "9".repeat(64), "1.2 beta", "")) {
			try (RawProbe odd = hello("odd-version", version)) {
				WebSocketCloseStatus status = odd.closeStatus(Duration.ofSeconds(10));
				assertThat(status.code()).as(version).isEqualTo(Protocol.CLOSE_PROTOCOL_VIOLATION);
				assertThat(status.reasonText()).contains("probe version must be");
			}
		}
		for (List<String> capabilities : List.of(List.of("whois", "rdap\u0000"), List.of("WHOIS"),
				java.util.stream.IntStream.range(0, 17).mapToObj((i) -> "c" + i).toList())) {
			try (RawProbe odd = hello("odd-capabilities", "1.2.0", capabilities)) {
				WebSocketCloseStatus status = odd.closeStatus(Duration.ofSeconds(10));
				assertThat(status.code()).as("%s", capabilities).isEqualTo(Protocol.CLOSE_PROTOCOL_VIOLATION);
				assertThat(status.reasonText()).contains("capabilities must be");
			}
		}
		try (RawProbe fine = hello("fine-version", "1.2.0-SNAPSHOT+build.7")) {
			assertThat(fine.next(Welcome.class, Duration.ofSeconds(10))).isNotNull();
		}
	}

	private static RawProbe hello(String name, String version) {
		return hello(name, version, List.of(Protocol.CAPABILITY_WHOIS));
	}

	private static RawProbe hello(String name, String version, List<String> capabilities) {
		return new RawProbe(server.port()).send(new Hello(name, TOKEN, version, Protocol.VERSION, capabilities, 2));
	}
}
