package dev.dragnet.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
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
import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
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
				assertThat(result.credits()).as("an older server's welcome: the slot comes back in a grant").isNull();
			})
			.expectNext(new CreditGrant(1))
			.then(() -> this.server.send(new Ping(7)))
			.expectNext(new Pong(7))
			.thenCancel()
			.verify(WAIT);
		assertThat(this.agent.state()).isEqualTo(AgentState.CONNECTED);
		assertThat(this.agent.completedTasks()).isEqualTo(1);
	}

	@Test
	void aServerThatTakesCreditInResultsGetsOneFramePerTask() {
		this.whois.answer("domain example.com", "Domain Name: EXAMPLE.COM\r\n");
		this.whois.answer("domain example.net", "Domain Name: EXAMPLE.NET\r\n");
		this.server.creditInResult(true);
		this.agent = new ProbeAgent(config(1)).start();
		this.server.received()
			.as(StepVerifier::create)
			.expectNextMatches(Hello.class::isInstance)
			.expectNext(new CreditGrant(1))
			.then(() -> this.server.send(new Task("t1", 5000, whoisQuery("domain example.com"))))
			.assertNext(frame -> {
				TaskResult result = (TaskResult) frame;
				assertThat(result.taskId()).isEqualTo("t1");
				assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.OK);
				assertThat(result.credits()).as("the slot given back in the result").isEqualTo(1);
			})
			// the slot is free again at once: a second task on a probe of one slot is run, not refused
			.then(() -> this.server.send(new Task("t2", 5000, whoisQuery("domain example.net"))))
			.assertNext(frame -> assertThat(frame).isInstanceOfSatisfying(TaskResult.class, (result) -> {
				assertThat(result.taskId()).isEqualTo("t2");
				assertThat(result.text()).isEqualTo("Domain Name: EXAMPLE.NET\r\n");
				assertThat(result.credits()).isEqualTo(1);
			}))
			.then(() -> this.server.send(new Ping(8)))
			.expectNext(new Pong(8)) // and no credit frame came between
			.thenCancel()
			.verify(WAIT);
		assertThat(this.agent.completedTasks()).isEqualTo(2);
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
		assertThat(this.agent.state()).isEqualTo(AgentState.CONNECTED);
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
		assertThat(this.agent.state()).isEqualTo(AgentState.REFUSED);
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
		assertThat(this.agent.state()).isEqualTo(AgentState.REFUSED);
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
		statesFromConnected()
			.as(StepVerifier::create)
			.expectNext(AgentState.CONNECTED)
			.then(this.server::dropConnection)
			.expectNext(AgentState.BACKING_OFF, AgentState.CONNECTING, AgentState.CONNECTED)
			.thenCancel()
			.verify(WAIT);
		expectSecondSession();
		assertThat(this.server.sessionCount()).isEqualTo(2);
	}

	/**
	 * The agent's states from its first connection on: {@code states()} starts with the current one, CONNECTING, or
	 * already CONNECTED on a quick machine.
	 */
	private Flux<AgentState> statesFromConnected() {
		return this.agent.states().skipWhile((state) -> state == AgentState.CONNECTING);
	}

	/** The agent left its first session and said hello in a second one. */
	private void expectSecondSession() {
		this.server.received()
			.filter(Hello.class::isInstance)
			.take(2)
			.as(StepVerifier::create)
			.expectNextCount(2)
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void silentServerIsLeftByTheWatchdog() {
		this.server.pingInterval(Duration.ofMillis(100)); // and never pings
		this.agent = new ProbeAgent(config(4)).start();
		expectSecondSession();
	}

	@Test
	void serverThatNeverWelcomesIsLeftAfterTheWelcomeTimeout() {
		this.server.onHello(FakeProbeServer.OnHello.IGNORE);
		this.agent = new ProbeAgent(config(4).withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300))).start();
		// the first session is given up without a welcome; the second starts with a hello again
		expectSecondSession();
	}

	@Test
	void closeDropsTheConnectionAndStops() {
		this.agent = new ProbeAgent(config(4)).start();
		statesFromConnected()
			.as(StepVerifier::create)
			.expectNext(AgentState.CONNECTED)
			.then(this.agent::close)
			.expectNext(AgentState.STOPPED)
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
				.filter(AgentState.BACKING_OFF::equals)
				.take(2)
				.blockLast(WAIT))
			.then(this.agent::close)
			.expectComplete()
			.verify(WAIT);
		assertThat(this.agent.state()).isEqualTo(AgentState.STOPPED);
	}

	@Test
	void aWaitTheServerAdvisesIsHonouredBeforeTheNextAttempt() {
		this.agent = new ProbeAgent(config(4)).start();
		this.agent.states().filter(AgentState.CONNECTED::equals).blockFirst(WAIT);
		long closed = System.nanoTime();
		this.server.closeSession(Protocol.CLOSE_GOING_AWAY,
				Protocol.closeReason("the server is shutting down", Duration.ofMillis(1500)));
		this.server.received().filter(Hello.class::isInstance).take(2).blockLast(WAIT);
		long waitedMillis = (System.nanoTime() - closed) / 1_000_000;
		// The advice, plus at most the first reconnect ceiling (50 ms) of jitter, plus connecting.
		assertThat(waitedMillis).isGreaterThanOrEqualTo(1500).isLessThan(5000);
		assertThat(this.server.sessionCount()).isEqualTo(2);
	}

	@Test
	void withoutAnAdviceTheProbeComesBackAfterItsOwnShortDelay() {
		this.agent = new ProbeAgent(config(4)).start();
		this.agent.states().filter(AgentState.CONNECTED::equals).blockFirst(WAIT);
		long closed = System.nanoTime();
		this.server.closeSession(Protocol.CLOSE_GOING_AWAY, "the server is shutting down");
		this.server.received().filter(Hello.class::isInstance).take(2).blockLast(WAIT);
		assertThat((System.nanoTime() - closed) / 1_000_000).isLessThan(1500);
	}

	@Test
	void whenItsServerGoesAwayTheProbeMovesToTheNextKeepingItsName() {
		try (FakeProbeServer other = new FakeProbeServer()) {
			ProbeConfig config = config(4).withServers(List.of(this.server.uri(), other.uri()));
			this.agent = new ProbeAgent(config).start();
			FakeProbeServer first = Flux.merge(this.server.received().map((frame) -> this.server),
					other.received().map((frame) -> other)).blockFirst(WAIT);
			FakeProbeServer second = (first == this.server) ? other : this.server;
			first.closeSession(Protocol.CLOSE_GOING_AWAY, Protocol.closeReason("shutting down", Duration.ofMillis(200)));
			first.close();
			second.received()
				.as(StepVerifier::create)
				.assertNext((frame) -> assertThat(((Hello) frame).name()).isEqualTo("cafe-12"))
				.expectNext(new CreditGrant(4))
				.thenCancel()
				.verify(WAIT);
			this.agent.states().filter(AgentState.CONNECTED::equals).blockFirst(WAIT);
			assertThat(second.sessionCount()).isEqualTo(1);
			// The way back: the second server goes too, and the first is tried again (still gone), then the second.
			second.dropConnection();
			second.received().filter(Hello.class::isInstance).take(2).blockLast(WAIT);
			assertThat(first.sessionCount()).isEqualTo(1);
		}
	}

	@Test
	void aServerNameWithSeveralAddressesIsTriedAddressByAddress() throws IOException {
		InetAddress refusing = InetAddress.getByAddress(new byte[] { 127, 0, 0, 2 });
		InetAddress listening = InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 });
		URI named = URI.create("ws://dragnet.test:" + this.server.uri().getPort() + Protocol.PATH);
		ProbeConfig config = ProbeConfig.of(named, "s3cret", "cafe-12", 4, true, true)
			.withReconnect(Duration.ofSeconds(20), Duration.ofSeconds(20));
		this.agent = new ProbeAgent(config, new FixedResolver("dragnet.test", List.of(refusing, listening))).start();
		statesFromConnected()
			.as(StepVerifier::create)
			.expectNext(AgentState.CONNECTED) // no BACKING_OFF first: one attempt, two addresses
			.thenCancel()
			.verify(WAIT);
		assertThat(this.server.sessionCount()).isEqualTo(1);
	}

	private ProbeConfig config(int concurrency) {
		return ProbeConfig.of(this.server.uri(), "s3cret", "cafe-12", concurrency, true)
			.withReconnect(Duration.ofMillis(50), Duration.ofMillis(200));
	}

	private WhoisQuery whoisQuery(String line) {
		return new WhoisQuery(this.whois.host(), this.whois.port(), line, null, 65536, 2000, null);
	}

	/** Resolves one name to fixed addresses, in order; every other name is unknown. */
	private static final class FixedResolver extends AddressResolverGroup<InetSocketAddress> {

		private final String host;

		private final List<InetAddress> addresses;

		FixedResolver(String host, List<InetAddress> addresses) {
			this.host = host;
			this.addresses = addresses;
		}

		@Override
		protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
			return new AbstractAddressResolver<>(executor, InetSocketAddress.class) {

				@Override
				protected boolean doIsResolved(InetSocketAddress address) {
					return !address.isUnresolved();
				}

				@Override
				protected void doResolve(InetSocketAddress address, Promise<InetSocketAddress> promise) {
					List<InetSocketAddress> all = lookUp(address);
					if (all.isEmpty()) {
						promise.setFailure(new UnknownHostException(address.getHostString()));
					}
					else {
						promise.setSuccess(all.get(0));
					}
				}

				@Override
				protected void doResolveAll(InetSocketAddress address, Promise<List<InetSocketAddress>> promise) {
					List<InetSocketAddress> all = lookUp(address);
					if (all.isEmpty()) {
						promise.setFailure(new UnknownHostException(address.getHostString()));
					}
					else {
						promise.setSuccess(all);
					}
				}
			};
		}

		private List<InetSocketAddress> lookUp(InetSocketAddress address) {
			if (!this.host.equalsIgnoreCase(address.getHostString())) {
				return List.of();
			}
			return this.addresses.stream().map((a) -> new InetSocketAddress(a, address.getPort())).toList();
		}
	}
}
