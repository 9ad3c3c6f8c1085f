package dev.dragnet.probe;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import dev.dragnet.protocol.CreditGrant;
import dev.dragnet.protocol.ErrorFrame;
import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Ping;
import dev.dragnet.protocol.Pong;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.RdapQuery;
import dev.dragnet.protocol.Task;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.TaskResult.Outcome;
import dev.dragnet.protocol.WhoisQuery;
import dev.dragnet.testbed.rdap.FakeRdapServer;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** A real {@link ProbeAgent} against a {@link FakeProbeServer} and a {@link FakeWhoisServer}, all on loopback. */
class ProbeAgentTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private FakeProbeServer server;

	private FakeWhoisServer whois;

	private ProbeAgent agent;

	@BeforeEach
	void startServers() {
		this.server = new FakeProbeServer();
		this.whois = FakeWhoisServer.start();
	}

	@AfterEach
	void stopAll() {
		if (this.agent != null) {
			this.agent.close();
		}
		this.server.close();
		this.whois.close();
	}

	@Test
	void sessionSaysHelloGrantsCreditRunsTasksAndAnswersPings() {
		this.whois.answer("domain example.com", "Domain Name: EXAMPLE.COM\r\n");
		this.agent = new ProbeAgent(config(4)).start();
		this.server.received()
			.as(StepVerifier::create)
			.assertNext(frame -> assertThat(frame).isEqualTo(new Hello("cafe-12", "s3cret", ProbeAgent.VERSION,
					Protocol.VERSION, List.of(Protocol.CAPABILITY_WHOIS, Protocol.CAPABILITY_RDAP,
							Protocol.CAPABILITY_REVERSE_IP), 4)))
			.expectNext(new CreditGrant(4))
			.then(() -> this.server.send(new Task("t1", 5000, whoisQuery("domain example.com"))))
			.assertNext(frame -> {
				TaskResult result = (TaskResult) frame;
				assertThat(result.taskId()).isEqualTo("t1");
				assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
				assertThat(result.text()).isEqualTo("Domain Name: EXAMPLE.COM\r\n");
			})
			.expectNext(new CreditGrant(1))
			.then(() -> this.server.send(new Ping(7)))
			.expectNext(new Pong(7))
			.thenCancel()
			.verify(WAIT);
		assertThat(this.agent.state()).isEqualTo(ProbeState.CONNECTED);
		assertThat(this.agent.completedTasks()).isEqualTo(1);
	}

	@Test
	void rdapTasksRunThroughTheSession() {
		try (FakeRdapServer rdap = FakeRdapServer.start().registeredDomain("example.com")) {
			this.agent = new ProbeAgent(config(2)).start();
			RdapQuery query = new RdapQuery(rdap.domainUrl("example.com"), 65536, 2000, true, null);
			this.server.received()
				.as(StepVerifier::create)
				.expectNextMatches(Hello.class::isInstance)
				.expectNext(new CreditGrant(2))
				.then(() -> this.server.send(new Task("r1", 5000, query)))
				.assertNext(frame -> {
					TaskResult result = (TaskResult) frame;
					assertThat(result.taskId()).isEqualTo("r1");
					assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
					assertThat(result.text()).contains("\"status\":200", rdap.registrarUrl("example.com"));
				})
				.expectNext(new CreditGrant(1))
				.thenCancel()
				.verify(WAIT);
			assertThat(rdap.requests()).extracting((request) -> request.path())
				.containsExactly("/domain/example.com", "/registrar/domain/example.com");
		}
	}

	@Test
	void taskBeyondTheGrantedCreditIsRejected() {
		this.whois.answer("slow", WhoisBehaviour.delayed(Duration.ofMillis(500), WhoisBehaviour.text("late\r\n")));
		this.agent = new ProbeAgent(config(1)).start();
		this.server.received()
			.as(StepVerifier::create)
			.expectNextMatches(Hello.class::isInstance)
			.expectNext(new CreditGrant(1))
			.then(() -> {
				this.server.send(new Task("t1", 5000, whoisQuery("slow")));
				this.server.send(new Task("t2", 5000, whoisQuery("slow")));
			})
			.expectNext(new ErrorFrame(ErrorFrame.PROTOCOL_VIOLATION,
					"task sent without credit: no free slot (concurrency 1)", "t2"))
			.assertNext(frame -> assertThat(((TaskResult) frame).taskId()).isEqualTo("t1"))
			.expectNext(new CreditGrant(1))
			.thenCancel()
			.verify(WAIT);
		assertThat(this.whois.queryCount("slow")).isEqualTo(1);
	}

	@Test
	void unknownTaskKindGetsAnErrorAndTheCreditBackWhileGarbageIsIgnored() {
		this.agent = new ProbeAgent(config(2)).start();
		this.server.received()
			.as(StepVerifier::create)
			.expectNextMatches(Hello.class::isInstance)
			.expectNext(new CreditGrant(2))
			.then(() -> {
				this.server.sendText("{not json at all");
				this.server.sendText("{\"type\":\"task\",\"id\":\"t9\",\"deadlineMillis\":1000,"
						+ "\"work\":{\"kind\":\"reverse-ip\",\"ip\":\"192.0.2.1\"}}");
			})
			.assertNext(frame -> {
				ErrorFrame error = (ErrorFrame) frame;
				assertThat(error.code()).isEqualTo(ErrorFrame.UNSUPPORTED_TASK);
				assertThat(error.taskId()).isEqualTo("t9");
				assertThat(error.message()).contains("reverse-ip");
			})
			.expectNext(new CreditGrant(1))
			.then(() -> this.server.send(new Ping(1)))
			.expectNext(new Pong(1))
			.thenCancel()
			.verify(WAIT);
		assertThat(this.agent.state()).isEqualTo(ProbeState.CONNECTED);
	}

	@Test
	void closeWithUnauthorizedEndsRunWithRefusal() {
		this.server.onHello(FakeProbeServer.OnHello.CLOSE_UNAUTHORIZED);
		this.agent = new ProbeAgent(config(4));
		this.agent.run()
			.as(StepVerifier::create)
			.expectErrorSatisfies(error -> {
				assertThat(error).isInstanceOf(ProbeRefusedException.class);
				assertThat(((ProbeRefusedException) error).closeCode()).isEqualTo(Protocol.CLOSE_UNAUTHORIZED);
				assertThat(ProbeAgentMain.exitCode(error)).isEqualTo(ProbeAgentMain.EXIT_REFUSED);
			})
			.verify(WAIT);
		assertThat(this.agent.state()).isEqualTo(ProbeState.REFUSED);
		assertThat(this.server.sessionCount()).isEqualTo(1);
	}

	@Test
	void unauthorizedErrorFrameEndsRunWithRefusal() {
		this.server.onHello(FakeProbeServer.OnHello.ERROR_UNAUTHORIZED);
		this.agent = new ProbeAgent(config(4));
		this.agent.run()
			.as(StepVerifier::create)
			.expectErrorSatisfies(error -> assertThat(error).isInstanceOf(ProbeRefusedException.class)
				.hasMessageContaining("unknown token"))
			.verify(WAIT);
		assertThat(this.agent.state()).isEqualTo(ProbeState.REFUSED);
	}

	@Test
	void unsupportedVersionEndsRunWithRefusal() {
		this.server.onHello(FakeProbeServer.OnHello.CLOSE_UNSUPPORTED_VERSION);
		this.agent = new ProbeAgent(config(4));
		this.agent.run()
			.as(StepVerifier::create)
			.expectErrorSatisfies(error -> assertThat(((ProbeRefusedException) error).versionRefused()).isTrue())
			.verify(WAIT);
	}

	@Test
	void droppedConnectionIsReopened() {
		this.agent = new ProbeAgent(config(4)).start();
		this.agent.states()
			.as(StepVerifier::create)
			.expectNext(ProbeState.CONNECTING)
			.expectNext(ProbeState.CONNECTED)
			.then(this.server::dropConnection)
			.expectNext(ProbeState.BACKING_OFF, ProbeState.CONNECTING, ProbeState.CONNECTED)
			.thenCancel()
			.verify(WAIT);
		this.server.received()
			.filter(Hello.class::isInstance)
			.take(2)
			.as(StepVerifier::create)
			.expectNextCount(2)
			.verifyComplete();
		assertThat(this.server.sessionCount()).isEqualTo(2);
	}

	@Test
	void silentServerIsLeftByTheWatchdog() {
		this.server.pingInterval(Duration.ofMillis(100)); // and never pings
		this.agent = new ProbeAgent(config(4)).start();
		this.server.received()
			.filter(Hello.class::isInstance)
			.take(2)
			.as(StepVerifier::create)
			.expectNextCount(2)
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void closeDropsTheConnectionAndStops() {
		this.agent = new ProbeAgent(config(4)).start();
		this.agent.states()
			.as(StepVerifier::create)
			.expectNext(ProbeState.CONNECTING, ProbeState.CONNECTED)
			.then(this.agent::close)
			.expectNext(ProbeState.STOPPED)
			.expectComplete()
			.verify(WAIT);
		this.server.ended().as(StepVerifier::create).expectNext(1).thenCancel().verify(WAIT);
		assertThat(this.server.sessionCount()).isEqualTo(1);
	}

	@Test
	void unreachableServerIsRetriedUntilClosed() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		ProbeConfig unreachable = ProbeConfig.of(URI.create("ws://127.0.0.1:" + closedPort + Protocol.PATH), "s3cret",
				"cafe-12", 4, true)
			.withReconnect(Duration.ofMillis(50), Duration.ofMillis(100));
		this.agent = new ProbeAgent(unreachable);
		StepVerifier.create(this.agent.run())
			.then(() -> this.agent.states()
				.filter(ProbeState.BACKING_OFF::equals)
				.take(2)
				.blockLast(WAIT))
			.then(this.agent::close)
			.expectComplete()
			.verify(WAIT);
		assertThat(this.agent.state()).isEqualTo(ProbeState.STOPPED);
	}

	private ProbeConfig config(int concurrency) {
		return ProbeConfig.of(this.server.uri(), "s3cret", "cafe-12", concurrency, true)
			.withReconnect(Duration.ofMillis(50), Duration.ofMillis(200));
	}

	private WhoisQuery whoisQuery(String line) {
		return new WhoisQuery(this.whois.host(), this.whois.port(), line, null, 65536, 2000, null);
	}
}
