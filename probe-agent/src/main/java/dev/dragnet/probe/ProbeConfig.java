package dev.dragnet.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.source.SourceRequest;
import org.jspecify.annotations.Nullable;

/**
 * Settings of one probe agent.
 *
 * @param servers WebSocket URIs of the probe endpoints of the server's instances, {@code ws://} or {@code wss://}, at
 * least one; the probe keeps one session, with one of them at a time, and moves on to the next when it ends
 * @param token shared secret presented in the hello; never printed
 * @param name probe name; reconnecting with the same name resumes the probe at the server
 * @param concurrency most tasks run at once, 1 to {@link Protocol#MAX_CONCURRENCY}; all granted as credit
 * @param allowPrivateServers whether WHOIS and RDAP servers on loopback or private addresses may be contacted, and
 * RDAP over plain {@code http://}
 * @param reconnectMin ceiling of the first reconnect delay; the ceiling doubles per failed attempt, and each
 * delay is drawn uniformly below it (full jitter)
 * @param reconnectMax largest ceiling, so longest reconnect delay
 * @param connectTimeout deadline for the TCP connection to the server, and again for the WebSocket handshake
 * @param welcomeTimeout how long to wait for the server's welcome after the hello
 * @param dnsServer the name server asked for PTR lookups and forward verification, or {@code null} for the
 * system's resolvers
 * @param sourceKeys this probe's API keys for keyed reverse-IP sources, by source name; never printed. A source
 * that needs a key this probe does not have is not used by it
 * @param trustedCertificates the certificates a {@code wss://} server's chain must lead to ({@code --ca-cert});
 * empty: the Java runtime's trust store
 * @param insecure whether plain {@code ws://} to a host other than loopback is allowed ({@code --insecure}): the
 * token or credential and every answer then cross the network readable by anyone on the way
 * @param bindAddress the local address outward WHOIS and reverse-IP connections leave from (a machine with several
 * addresses, or several probes on one machine), or {@code null} for the system's choice
 */
public record ProbeConfig(List<URI> servers, String token, String name, int concurrency, boolean allowPrivateServers,
		Duration reconnectMin, Duration reconnectMax, Duration connectTimeout, Duration welcomeTimeout,
		@Nullable InetSocketAddress dnsServer, Map<String, String> sourceKeys, List<X509Certificate> trustedCertificates,
		boolean insecure, @Nullable InetAddress bindAddress) {

	/** Default ceiling of the first reconnect delay. */
	public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofSeconds(1);

	/** Default longest reconnect delay. */
	public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(60);

	/** Default connect timeout. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

	/** Default welcome timeout. */
	public static final Duration DEFAULT_WELCOME_TIMEOUT = Duration.ofSeconds(10);

	/** Default concurrency. */
	public static final int DEFAULT_CONCURRENCY = 16;

	public ProbeConfig {
		Objects.requireNonNull(servers, "servers");
		Objects.requireNonNull(token, "token");
		Objects.requireNonNull(name, "name");
		servers = List.copyOf(servers);
		if (servers.isEmpty()) {
			throw new IllegalArgumentException("at least one server is needed");
		}
		if (Set.copyOf(servers).size() < servers.size()) {
			throw new IllegalArgumentException("a server is listed twice: " + servers);
		}
		servers.forEach((server) -> checkServer(server, insecure));
		trustedCertificates = List.copyOf(trustedCertificates);
		if (token.isBlank()) {
			throw new IllegalArgumentException("token must not be blank");
		}
		if (name.isBlank()) {
			throw new IllegalArgumentException("name must not be blank");
		}
		if (concurrency < 1 || concurrency > Protocol.MAX_CONCURRENCY) {
			throw new IllegalArgumentException(
					"concurrency must be between 1 and " + Protocol.MAX_CONCURRENCY + ", not " + concurrency);
		}
		requirePositive(reconnectMin, "reconnectMin");
		requirePositive(reconnectMax, "reconnectMax");
		requirePositive(connectTimeout, "connectTimeout");
		requirePositive(welcomeTimeout, "welcomeTimeout");
		if (reconnectMax.compareTo(reconnectMin) < 0) {
			throw new IllegalArgumentException("reconnectMax must not be shorter than reconnectMin");
		}
		sourceKeys = (sourceKeys != null) ? Map.copyOf(sourceKeys) : Map.of();
		sourceKeys.forEach((source, key) -> {
			if (source.isBlank() || !SourceRequest.isValidKey(key)) {
				throw new IllegalArgumentException("the key for source '" + source
						+ "' must be one word without spaces or control characters");
			}
		});
		if (dnsServer != null && dnsServer.isUnresolved()) {
			throw new IllegalArgumentException("the DNS server must be an IP address, not the name " + dnsServer.getHostString());
		}
	}

	/** A configuration with one server and the default tunables. */
	public static ProbeConfig of(URI server, String token, String name, int concurrency, boolean allowPrivateServers) {
		return of(server, token, name, concurrency, allowPrivateServers, false);
	}

	/** A configuration with one server and the default tunables; {@code insecure} allows plain {@code ws://} to any host. */
	public static ProbeConfig of(URI server, String token, String name, int concurrency, boolean allowPrivateServers,
			boolean insecure) {
		return of(List.of(server), token, name, concurrency, allowPrivateServers, insecure);
	}

	/**
	 * A configuration with the default tunables and several servers, the instances of one Dragnet; {@code insecure}
	 * allows plain {@code ws://} to any host.
	 */
	public static ProbeConfig of(List<URI> servers, String token, String name, int concurrency,
			boolean allowPrivateServers, boolean insecure) {
		return new ProbeConfig(servers, token, name, concurrency, allowPrivateServers, DEFAULT_RECONNECT_MIN,
				DEFAULT_RECONNECT_MAX, DEFAULT_CONNECT_TIMEOUT, DEFAULT_WELCOME_TIMEOUT, null, Map.of(), List.of(), insecure, null);
	}

	/** The first server of {@link #servers()}: the one enrollment asks first. */
	public URI server() {
		return this.servers.get(0);
	}

	/** This configuration with these servers instead (the same checks apply to each). */
	public ProbeConfig withServers(List<URI> servers) {
		return new ProbeConfig(servers, this.token, this.name, this.concurrency, this.allowPrivateServers,
				this.reconnectMin, this.reconnectMax, this.connectTimeout, this.welcomeTimeout, this.dnsServer,
				this.sourceKeys, this.trustedCertificates, this.insecure, this.bindAddress);
	}

	/** This configuration with other reconnect delays. */
	public ProbeConfig withReconnect(Duration min, Duration max) {
		return new ProbeConfig(this.servers, this.token, this.name, this.concurrency, this.allowPrivateServers, min, max,
				this.connectTimeout, this.welcomeTimeout, this.dnsServer, this.sourceKeys, this.trustedCertificates,
				this.insecure, this.bindAddress);
	}

	/** This configuration with other connect and welcome timeouts. */
	public ProbeConfig withTimeouts(Duration connect, Duration welcome) {
		return new ProbeConfig(this.servers, this.token, this.name, this.concurrency, this.allowPrivateServers,
				this.reconnectMin, this.reconnectMax, connect, welcome, this.dnsServer, this.sourceKeys,
				this.trustedCertificates, this.insecure, this.bindAddress);
	}

	/** This configuration asking {@code server} (an address, not a name) for PTR and forward lookups. */
	public ProbeConfig withDnsServer(@Nullable InetSocketAddress server) {
		return new ProbeConfig(this.servers, this.token, this.name, this.concurrency, this.allowPrivateServers,
				this.reconnectMin, this.reconnectMax, this.connectTimeout, this.welcomeTimeout, server, this.sourceKeys,
				this.trustedCertificates, this.insecure, this.bindAddress);
	}

	/** This configuration with these API keys for keyed sources, by source name. */
	public ProbeConfig withSourceKeys(Map<String, String> keys) {
		return new ProbeConfig(this.servers, this.token, this.name, this.concurrency, this.allowPrivateServers,
				this.reconnectMin, this.reconnectMax, this.connectTimeout, this.welcomeTimeout, this.dnsServer, keys,
				this.trustedCertificates, this.insecure, this.bindAddress);
	}

	/** This configuration with outward WHOIS and reverse-IP connections leaving from {@code address} ({@code null}: the system's choice). */
	public ProbeConfig withBindAddress(@Nullable InetAddress address) {
		return new ProbeConfig(this.servers, this.token, this.name, this.concurrency, this.allowPrivateServers,
				this.reconnectMin, this.reconnectMax, this.connectTimeout, this.welcomeTimeout, this.dnsServer,
				this.sourceKeys, this.trustedCertificates, this.insecure, address);
	}

	/** This configuration trusting only {@code certificates} (empty: the Java runtime's trust store) for wss://. */
	public ProbeConfig withTrustedCertificates(List<X509Certificate> certificates) {
		return new ProbeConfig(this.servers, this.token, this.name, this.concurrency, this.allowPrivateServers,
				this.reconnectMin, this.reconnectMax, this.connectTimeout, this.welcomeTimeout, this.dnsServer,
				this.sourceKeys, certificates, this.insecure, this.bindAddress);
	}

	/** This configuration presenting {@code token} (a shared token or an enrolled credential) as probe {@code name}. */
	public ProbeConfig withIdentity(String name, String token) {
		return new ProbeConfig(this.servers, token, name, this.concurrency, this.allowPrivateServers, this.reconnectMin,
				this.reconnectMax, this.connectTimeout, this.welcomeTimeout, this.dnsServer, this.sourceKeys,
				this.trustedCertificates, this.insecure, this.bindAddress);
	}

	/** A {@code ws://} or {@code wss://} URL with a host; plain {@code ws://} only to this machine unless insecure. */
	private static void checkServer(URI server, boolean insecure) {
		Objects.requireNonNull(server, "server");
		String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(Locale.ROOT);
		if (!scheme.equals("ws") && !scheme.equals("wss") || server.getHost() == null) {
			throw new IllegalArgumentException("server must be a ws:// or wss:// URL with a host, not " + server);
		}
		if (scheme.equals("ws") && !insecure && !isLoopback(server.getHost())) {
			throw new IllegalArgumentException("refusing plain ws:// to " + server.getHost() + ": the credential and every"
					+ " answer would cross the network unencrypted; use wss:// (or --insecure on a network you trust)");
		}
	}

	/** Whether {@code host} is this machine: {@code localhost} or a loopback address literal. No name is resolved. */
	static boolean isLoopback(String host) {
		String bare = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		if (bare.equalsIgnoreCase("localhost")) {
			return true;
		}
		java.net.InetAddress literal = dev.dragnet.net.Addresses.parseLiteral(bare);
		return literal != null && literal.isLoopbackAddress();
	}

	@Override
	public String toString() {
		// Never print the token into a log line.
		return "ProbeConfig[servers=" + this.servers + ", name=" + this.name + ", concurrency=" + this.concurrency
				+ ", allowPrivateServers=" + this.allowPrivateServers + ", reconnect=" + this.reconnectMin + ".."
				+ this.reconnectMax + ", connectTimeout=" + this.connectTimeout + ", welcomeTimeout="
				+ this.welcomeTimeout + ", dnsServer=" + ((this.dnsServer != null) ? this.dnsServer : "system") + ", keysFor="
				+ new TreeMap<>(this.sourceKeys).keySet() + ", trustedCertificates=" + this.trustedCertificates.size()
				+ ", insecure=" + this.insecure
				+ ((this.bindAddress != null) ? ", bindAddress=" + this.bindAddress.getHostAddress() : "") + "]";
	}

	private static void requirePositive(Duration duration, String name) {
		Objects.requireNonNull(duration, name);
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive");
		}
	}
}
