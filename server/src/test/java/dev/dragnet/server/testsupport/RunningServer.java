package dev.dragnet.server.testsupport;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.probe.ProbeConfig;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.server.DragnetServerApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The real server for a test class: started on a random port with a fresh database, reached over HTTP
 * with {@link #http()}, with probe agents started in this JVM and closed with it.
 */
public final class RunningServer implements AutoCloseable {

	/** Null once closed: a closed context still holds its beans, and test classes keep their server in a static field. */
	private @Nullable ConfigurableApplicationContext context;

	private final Map<String, Object> database;

	private final int port;

	private final WebTestClient http;

	private final List<ProbeAgent> agents = new ArrayList<>();

	private RunningServer(ConfigurableApplicationContext context, Map<String, Object> database) {
		this.context = context;
		this.database = database;
		this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		this.http = TestHttp.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	/** Starts the server with {@code arguments} (command-line style) on a random port and a new database. */
	public static RunningServer start(String... arguments) {
		return start(TestDatabase.springProperties(), 0, arguments);
	}

	/**
	 * Starts the server on {@code database} (the {@link #database()} of an earlier server, to restart on the same
	 * data) and {@code port} (0 for a random one).
	 */
	public static RunningServer start(Map<String, Object> database, int port, String... arguments) {
		return start(database, port, false, arguments);
	}

	/**
	 * Starts the server as {@link #start(String...)} does, but on Reactor Netty event loops of its own, so that it
	 * can stop while another server in this JVM goes on: a server on the global loops disposes them when it stops,
	 * and every other server on them stops listening.
	 */
	public static RunningServer startBeside(String... arguments) {
		return start(TestDatabase.springProperties(), 0, true, arguments);
	}

	/** As {@link #startBeside(String...)}, on {@code database}: one of several instances sharing it. */
	public static RunningServer startBeside(Map<String, Object> database, String... arguments) {
		return start(database, 0, true, arguments);
	}

	private static RunningServer start(Map<String, Object> database, int port, boolean ownLoops, String... arguments) {
		String[] all = new String[arguments.length + 1];
		all[0] = "--server.port=" + port;
		System.arraycopy(arguments, 0, all, 1, arguments.length);
		// Spot checks send a second query on purpose, at random: off unless a test asks for them, so that tests
		// counting a registry's queries count the lookups' own. Default properties: any argument overrides it.
		Map<String, Object> defaults = new java.util.HashMap<>(database);
		defaults.putIfAbsent("dragnet.probes.quarantine.spot-check-share", "0");
		SpringApplicationBuilder builder = new SpringApplicationBuilder(DragnetServerApplication.class);
		if (ownLoops) {
			builder.sources(OwnNettyResources.class);
		}
		return new RunningServer(builder.properties(defaults).run(all), database);
	}

	/** The database properties this server runs on. */
	public Map<String, Object> database() {
		return this.database;
	}

	public int port() {
		return this.port;
	}

	/** The probe endpoint, {@code ws://127.0.0.1:<port>/ws/probe}. */
	public URI probeUri() {
		return URI.create("ws://127.0.0.1:" + this.port + Protocol.PATH);
	}

	public WebTestClient http() {
		return this.http;
	}

	public ConfigurableApplicationContext context() {
		ConfigurableApplicationContext context = this.context;
		if (context == null) {
			throw new IllegalStateException("this server is closed");
		}
		return context;
	}

	/** Points the WHOIS server table's {@code suffix} at {@code host:port} with the admin token. */
	public void route(String suffix, String host, int port, String queryFormat, String adminToken) {
		this.http.put()
			.uri("/api/whois-servers/{suffix}", suffix)
			.headers((h) -> h.setBearerAuth(adminToken))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("host", host, "port", port, "queryFormat", queryFormat))
			.exchange()
			.expectStatus()
			.isOk();
	}

	/** Starts a probe agent (private servers allowed, quick reconnects) that is closed with the server. */
	public ProbeAgent startProbe(String name, String token, int concurrency) {
		return startProbe(name, token, concurrency, UnaryOperator.identity());
	}

	/** As {@link #startProbe(String, String, int)}, its configuration changed by {@code tweak} first. */
	public ProbeAgent startProbe(String name, String token, int concurrency, UnaryOperator<ProbeConfig> tweak) {
		ProbeConfig config = ProbeConfig.of(URI.create("ws://127.0.0.1:" + this.port + Protocol.PATH), token, name,
				concurrency, true)
			.withReconnect(Duration.ofMillis(100), Duration.ofMillis(500));
		ProbeAgent agent = new ProbeAgent(tweak.apply(config)).start();
		this.agents.add(agent);
		return agent;
	}

	/** Stops the server but leaves its probe agents running, as a crash or a redeploy would. */
	public void stopServerOnly() {
		context().close();
	}

	@Override
	public void close() {
		this.agents.forEach(ProbeAgent::close);
		this.agents.clear();
		if (this.context != null) {
			this.context.close();
			this.context = null;
		}
	}

	/** Reactor Netty resources of this server alone, not the JVM's global ones. */
	@Configuration(proxyBeanMethods = false)
	static class OwnNettyResources {

		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			factory.setShutdownQuietPeriod(Duration.ZERO);
			return factory;
		}
	}
}
