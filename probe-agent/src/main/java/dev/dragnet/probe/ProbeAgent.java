package dev.dragnet.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.dragnet.probe.campaign.HeldResults;
import dev.dragnet.probe.campaign.SourcePool;
import javax.net.ssl.SSLException;

import dev.dragnet.probe.net.ProbeLoops;
import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.reverseip.NameServers;
import dev.dragnet.probe.reverseip.SourceRunner;
import dev.dragnet.probe.rdap.RdapClient;
import dev.dragnet.probe.whois.WhoisClient;
import dev.dragnet.protocol.FrameCodec;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.Welcome;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.AddressResolverGroup;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * A probe agent: keeps one WebSocket session open to the Dragnet server and runs the tasks it sends from this
 * machine's address, reconnecting with jittered exponential backoff whenever the session ends. Given several
 * servers (the instances of one Dragnet), it moves on to the next one each time a session ends, keeping its name,
 * and waits first as long as the server advised when it closed the session ({@link Protocol#RETRY_AFTER}).
 *
 * <p>It gives up only when the server refuses its token or protocol version ({@link ProbeRefusedException}),
 * or when {@link #close()} is called. Several agents can run in one JVM.
 *
 * <pre>{@code
 * try (ProbeAgent agent = new ProbeAgent(ProbeConfig.of(uri, token, "cafe-12", 32, false)).start()) {
 *     ...
 * }
 * }</pre>
 */
public final class ProbeAgent implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ProbeAgent.class);

	private static final String POM_PROPERTIES = "/META-INF/maven/dev.dragnet/dragnet-probe-agent/pom.properties";

	/** This probe's software version, sent in the hello. */
	static final String VERSION = versionOrDev();

	private static final Duration GOOD_SESSION = Duration.ofMinutes(1);

	private final ProbeConfig config;

	private final FrameCodec codec = new FrameCodec();

	private final WhoisClient whois;

	private final RdapClient rdap;

	private final SourceRunner sources;

	private final NameServers nameServers;

	/** The sources and their rests, kept across sessions so a reconnect does not forget which sources rest. */
	private final SourcePool sourcePool;

	/** Finished block results the server has not settled yet; they outlive sessions like the rests do. */
	private final HeldResults heldResults = new HeldResults();

	/** The client for {@code ws://} servers. */
	private final HttpClient plainHttp;

	/** The client for {@code wss://} servers, or null when none is given. */
	private final @Nullable HttpClient secureHttp;

	private final ServerRotation servers;

	private final Sinks.Many<AgentState> states = Sinks.many().replay().latest();

	private final Sinks.One<Boolean> stop = Sinks.one();

	private final AtomicReference<@Nullable Connection> connection = new AtomicReference<>();

	private final AtomicReference<@Nullable Disposable> background = new AtomicReference<>();

	private final AtomicLong completedTasks = new AtomicLong();

	private volatile AgentState state = AgentState.CONNECTING;

	private volatile boolean closed;

	/** An agent that will connect with {@code config} once {@link #run()} or {@link #start()} is called. */
	public ProbeAgent(ProbeConfig config) {
		this(config, null);
	}

	/**
	 * An agent whose connections to the server resolve host names with {@code resolver} (tests: a name with
	 * several addresses), or with Reactor Netty's default when it is {@code null}.
	 */
	ProbeAgent(ProbeConfig config, @Nullable AddressResolverGroup<?> resolver) {
		this.config = config;
		this.servers = new ServerRotation(config.servers(), (count) -> ThreadLocalRandom.current().nextInt(count));
		// One pacer for both protocols: a host reached over WHOIS and RDAP is paced as one.
		HostPacer pacer = new HostPacer();
		this.whois = new WhoisClient(config.allowPrivateServers(), pacer, config.bindAddress());
		this.rdap = new RdapClient(config.allowPrivateServers(), pacer, "dragnet-probe/" + VERSION);
		this.sources = new SourceRunner(config.allowPrivateServers(), pacer,
				"Mozilla/5.0 (compatible; dragnet-probe/" + VERSION + ")", SourceRunner.DEFAULT_MAX_BODY_BYTES,
				config.bindAddress());
		this.nameServers = (config.dnsServer() != null) ? new NameServers(List.of(config.dnsServer()))
				: NameServers.system();
		this.sourcePool = SourcePool.of(this.sources, this.nameServers);
		HttpClient base = HttpClient.newConnection()
			.runOn(ProbeLoops.get())
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
			.headers(headers -> headers.set(HttpHeaderNames.USER_AGENT, "dragnet-probe/" + VERSION))
			.doOnConnected(this.connection::set);
		if (resolver != null) {
			base = base.resolver(resolver);
		}
		this.plainHttp = base;
		this.secureHttp = config.servers().stream().anyMatch(ProbeAgent::isSecure) ? secure(base, config) : null;
		this.states.tryEmitNext(this.state);
	}

	/**
	 * Connects and serves until the server refuses the probe (an error with {@link ProbeRefusedException}) or
	 * until {@link #close()} (completes). Reconnects forever otherwise. Subscribe once.
	 */
	public Mono<Void> run() {
		return Mono.defer(() -> {
			ReconnectBackoff backoff = new ReconnectBackoff(this.config.reconnectMin(), this.config.reconnectMax());
			return Mono.defer(this::session)
				.flatMap(end -> afterSession(end, backoff))
				.repeat(() -> !this.closed)
				.then();
		}).takeUntilOther(this.stop.asMono()).doFinally(signal -> stopped());
	}

	/** Runs {@link #run()} in the background, logging a failure; returns this agent. */
	public ProbeAgent start() {
		Disposable running = run().subscribe(null, this::backgroundFailed);
		Disposable previous = this.background.getAndSet(running);
		if (previous != null) {
			previous.dispose();
		}
		return this;
	}

	/** Where the agent stands now. */
	public AgentState state() {
		return this.state;
	}

	/** The current state, then every change; completes when the agent is stopped or refused. */
	public Flux<AgentState> states() {
		return this.states.asFlux();
	}

	/** Tasks whose result went to the server, over all sessions. */
	public long completedTasks() {
		return this.completedTasks.get();
	}

	/**
	 * Kills the agent: drops the WebSocket connection at once, without a close frame, as a crashed PC would,
	 * and stops reconnecting. Tasks in flight are abandoned.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		Connection current = this.connection.getAndSet(null);
		if (current != null) {
			current.channel().close();
		}
		this.stop.tryEmitValue(Boolean.TRUE);
		Disposable running = this.background.getAndSet(null);
		if (running != null) {
			running.dispose();
		}
		stopped();
	}

	private Mono<ServerSession.End> session() {
		URI server = this.servers.current();
		changeState(AgentState.CONNECTING, "connecting to {} as {}", server, this.config.name());
		HttpClient http = (isSecure(server) && this.secureHttp != null) ? this.secureHttp : this.plainHttp;
		return new ServerSession(this.config, server, this.codec, this.whois, this.rdap, this.sourcePool,
				this.heldResults, this.nameServers, http, new SessionListener(server)).run();
	}

	private Mono<Void> afterSession(ServerSession.End end, ReconnectBackoff backoff) {
		this.connection.set(null);
		if (this.closed) {
			return Mono.empty();
		}
		ProbeRefusedException refusal = end.refusal();
		if (refusal != null) {
			refused(refusal);
			return Mono.error(refusal);
		}
		// A probe replaced by a namesake must not reset: two probes with one name would take turns every second.
		if ((end.welcomed() || end.lasted().compareTo(GOOD_SESSION) > 0) && end.closeCode() != Protocol.CLOSE_REPLACED) {
			backoff.reset();
		}
		Duration advised = end.retryAfter();
		Duration delay = (advised != null) ? backoff.after(advised) : backoff.next();
		URI left = this.servers.current();
		URI next = this.servers.advance();
		String then = ((advised != null) ? "waiting " + seconds(delay) + " as the server asked, then " : "")
				+ (this.servers.several() ? "trying " + next : "retrying")
				+ ((advised != null) ? "" : " in " + seconds(delay));
		if (end.welcomed()) {
			changeState(AgentState.BACKING_OFF, "connection to {} lost: {}; {}", left, end.reason(), then);
		}
		else {
			changeState(AgentState.BACKING_OFF, "could not open a session with {}: {}; {}", left, end.reason(), then);
		}
		return Mono.delay(delay).then();
	}

	private void refused(ProbeRefusedException refusal) {
		synchronized (this.states) {
			if (this.state == AgentState.REFUSED || this.state == AgentState.STOPPED) {
				return;
			}
			this.state = AgentState.REFUSED;
			if (refusal.versionRefused()) {
				log.error("server refused this probe's version (protocol {}, software {}): {}", Protocol.VERSION, VERSION,
						refusal.getMessage());
			}
			else if (refusal.closeCode() == Protocol.CLOSE_REVOKED) {
				log.error("server revoked this probe: {}; it will not connect again until it is enrolled with a new code",
						refusal.getMessage());
			}
			else {
				log.error("server refused our token or credential: {}", refusal.getMessage());
			}
			this.states.tryEmitNext(AgentState.REFUSED);
			this.states.tryEmitComplete();
		}
	}

	private void stopped() {
		synchronized (this.states) {
			if (this.state == AgentState.REFUSED || this.state == AgentState.STOPPED) {
				return;
			}
			this.closed = true;
			this.nameServers.close();
			this.state = AgentState.STOPPED;
			log.info("probe agent {} stopped", this.config.name());
			this.states.tryEmitNext(AgentState.STOPPED);
			this.states.tryEmitComplete();
		}
	}

	/** Moves to {@code next} and logs the one line that says so; final states are never left. */
	private void changeState(AgentState next, String format, Object... args) {
		synchronized (this.states) {
			if (this.state == AgentState.REFUSED || this.state == AgentState.STOPPED) {
				return;
			}
			this.state = next;
			log.info(format, args);
			this.states.tryEmitNext(next);
		}
	}

	private void backgroundFailed(Throwable error) {
		if (error instanceof ProbeRefusedException) {
			return; // already logged once, as the state change
		}
		log.error("probe agent {} failed: {}", this.config.name(), error.toString(), error);
	}

	/** {@code client} as {@code server} needs it: with TLS ({@link #secure}) for {@code wss://}, else as it is. */
	static HttpClient secured(HttpClient client, ProbeConfig config, URI server) {
		return isSecure(server) ? secure(client, config) : client;
	}

	static boolean isSecure(URI server) {
		return "wss".equalsIgnoreCase(server.getScheme());
	}

	/**
	 * {@code client} with TLS: the server's certificate must lead to one of {@link ProbeConfig#trustedCertificates()},
	 * or to the Java runtime's trust store when none are given, and name the host of the URL connected to (also sent
	 * as SNI), whichever of its addresses answers.
	 */
	private static HttpClient secure(HttpClient client, ProbeConfig config) {
		SslContextBuilder builder = SslContextBuilder.forClient();
		if (!config.trustedCertificates().isEmpty()) {
			builder.trustManager(config.trustedCertificates().toArray(X509Certificate[]::new));
		}
		SslContext context;
		try {
			context = builder.build();
		}
		catch (SSLException ex) {
			throw new IllegalArgumentException("cannot set up TLS: " + ex.getMessage(), ex);
		}
		return client.secure((spec) -> spec.sslContext(context));
	}

	static WebsocketClientSpec websocketSpec() {
		return WebsocketClientSpec.builder().maxFramePayloadLength(Protocol.MAX_FRAME_BYTES).build();
	}

	static String seconds(Duration duration) {
		return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
	}

	/** The version from the jar's manifest, else from the pom.properties Maven packs, else "dev". */
	private static String versionOrDev() {
		String version = ProbeAgent.class.getPackage().getImplementationVersion();
		if (version != null) {
			return version;
		}
		// Read once, when the class initialises on the thread that creates the first agent.
		try (InputStream in = ProbeAgent.class.getResourceAsStream(POM_PROPERTIES)) {
			if (in != null) {
				Properties properties = new Properties();
				properties.load(in);
				return properties.getProperty("version", "dev");
			}
		}
		catch (IOException ex) {
			// fall through: a version is nice to have, not needed
		}
		return "dev";
	}

	/** Session events that change what the agent reports. */
	private final class SessionListener implements ServerSession.Listener {

		private final URI server;

		SessionListener(URI server) {
			this.server = server;
		}

		@Override
		public void welcomed(Welcome welcome) {
			changeState(AgentState.CONNECTED, "connected to {} as {} ({})", this.server, welcome.name(),
					ServerSession.slots(ProbeAgent.this.config.concurrency()));
		}

		@Override
		public void taskCompleted() {
			ProbeAgent.this.completedTasks.incrementAndGet();
		}
	}
}
