package dev.dragnet.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.dragnet.net.Addresses;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.source.SourceRequest;
import org.jspecify.annotations.Nullable;

/**
 * Reads the command line and the environment into a {@link ProbeConfig}. An option given on the command line
 * wins over its environment variable. Pure: the environment and the host name are passed in.
 */
final class ProbeArguments {

	static final String USAGE = """
			Usage: java -jar dragnet-probe.jar --server URL[,URL...] --enroll CODE [options]   (first start)
			       java -jar dragnet-probe.jar --server URL[,URL...] [options]                 (later starts)
			       java -jar dragnet-probe.jar --server URL[,URL...] --token TOKEN [options]   (shared token)

			Connects to a Dragnet server and runs WHOIS lookups for it from this machine's address.

			Options (each also read from the environment variable shown):
			  --server URL[,URL...]     server probe endpoint, e.g. wss://host/ws/probe;      DRAGNET_SERVER
			                            several (instances of one Dragnet) separated by commas:
			                            the probe moves to the next when its server goes away
			  --enroll CODE             one-time enrollment code from the server's operator;  DRAGNET_ENROLL_CODE
			                            exchanged for this probe's own credential at the first
			                            start (ignored once the credential file exists)
			  --credentials FILE        where the credential is kept (default:                DRAGNET_CREDENTIALS
			                            ~/.config/dragnet/probe-credential.properties, on
			                            Windows %%APPDATA%%\\Dragnet\\probe-credential.properties)
			  --token TOKEN             shared probe token instead of a credential            DRAGNET_TOKEN
			                            (prefer the variable: command lines are visible to other users)
			  --ca-cert FILE            PEM certificate(s) the server's TLS certificate must  DRAGNET_CA_CERT
			                            lead to (default: the Java runtime's trust store)
			  --insecure                allow plain ws:// to a host other than this machine   DRAGNET_INSECURE
			  --log-file FILE           log to FILE, rolled at 5 MB, 3 old files kept         DRAGNET_LOG_FILE
			                            (default: the console)
			  --name NAME               probe name (default: this machine's host name)        DRAGNET_PROBE_NAME
			  --concurrency N           lookups at once, 1 to %d (default %d)               DRAGNET_CONCURRENCY
			  --allow-private-servers   allow loopback/private servers and plain-http RDAP    DRAGNET_ALLOW_PRIVATE_SERVERS
			  --dns-server IP[:PORT]    name server for PTR lookups and forward verification  DRAGNET_DNS_SERVER
			                            (default: the system's resolvers; IPv6 as [addr]:port)
			  --source-keys NAME=KEY,.. API keys for keyed reverse-IP sources (dnsdb=...)   DRAGNET_SOURCE_KEYS
			                            (prefer the variable; a source needing a key this
			                            probe lacks is not used)
			  --bind-address IP         local address outward WHOIS connections leave from   DRAGNET_BIND_ADDRESS
			                            (a machine with several addresses), and reverse-IP
			                            lookups too
			  --log-level LEVEL         trace, debug, info, warn or error (default info)      DRAGNET_LOG_LEVEL
			  --help                    print this help

			Exit codes: 2 when the server refuses the probe (token, credential, enrollment code, version, revoked),
			64 for bad arguments or files (a damaged credential file, a CA file that is not PEM)."""
		.formatted(Protocol.MAX_CONCURRENCY, ProbeConfig.DEFAULT_CONCURRENCY);

	private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");

	private static final Map<String, String> VALUE_OPTIONS = Map.ofEntries(Map.entry("--server", "DRAGNET_SERVER"),
			Map.entry("--token", "DRAGNET_TOKEN"), Map.entry("--name", "DRAGNET_PROBE_NAME"),
			Map.entry("--concurrency", "DRAGNET_CONCURRENCY"), Map.entry("--log-level", "DRAGNET_LOG_LEVEL"),
			Map.entry("--dns-server", "DRAGNET_DNS_SERVER"), Map.entry("--source-keys", "DRAGNET_SOURCE_KEYS"),
			Map.entry("--enroll", "DRAGNET_ENROLL_CODE"), Map.entry("--credentials", "DRAGNET_CREDENTIALS"),
			Map.entry("--ca-cert", "DRAGNET_CA_CERT"), Map.entry("--log-file", "DRAGNET_LOG_FILE"),
			Map.entry("--bind-address", "DRAGNET_BIND_ADDRESS"));

	private static final String INSECURE = "--insecure";

	/** Stands in for the credential until it is read from its file or enrolled; never sent. */
	static final String CREDENTIAL_PENDING = "credential-pending";

	private static final int DNS_PORT = 53;

	private static final String ALLOW_PRIVATE = "--allow-private-servers";

	private ProbeArguments() {
	}

	static boolean wantsHelp(String[] args) {
		return Arrays.stream(args).anyMatch(arg -> arg.equals("--help") || arg.equals("-h"));
	}

	/**
	 * @param args the command line
	 * @param env the environment
	 * @param hostName this machine's name, asked only when no probe name is given
	 * @throws UsageException with a one-line message a person can act on
	 */
	static Parsed parse(String[] args, Map<String, String> env, Supplier<String> hostName) {
		Map<String, String> options = readOptions(args);
		String server = value(options, env, "--server");
		String token = value(options, env, "--token");
		if (server == null) {
			throw new UsageException("missing --server (or DRAGNET_SERVER)");
		}
		String enroll = value(options, env, "--enroll");
		if (token != null && enroll != null) {
			throw new UsageException("give either --token or --enroll, not both");
		}
		String name = value(options, env, "--name");
		String concurrency = value(options, env, "--concurrency");
		boolean allowPrivate = options.containsKey(ALLOW_PRIVATE)
				|| flag(env.get("DRAGNET_ALLOW_PRIVATE_SERVERS"), "DRAGNET_ALLOW_PRIVATE_SERVERS");
		boolean insecure = options.containsKey(INSECURE) || flag(env.get("DRAGNET_INSECURE"), "DRAGNET_INSECURE");
		ProbeConfig config = config(serverUris(server), (token != null) ? token : CREDENTIAL_PENDING,
				name != null ? name : hostName.get(), concurrency(concurrency), allowPrivate, insecure)
			.withDnsServer(dnsServer(value(options, env, "--dns-server")))
			.withSourceKeys(sourceKeys(value(options, env, "--source-keys")))
			.withBindAddress(bindAddress(value(options, env, "--bind-address")));
		return new Parsed(config, logLevel(value(options, env, "--log-level")), token != null, enroll,
				path(value(options, env, "--credentials")), path(value(options, env, "--ca-cert")),
				path(value(options, env, "--log-file")));
	}

	private static Map<String, String> readOptions(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			int equals = arg.indexOf('=');
			String option = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
			if ((option.equals(ALLOW_PRIVATE) || option.equals(INSECURE)) && equals < 0) {
				options.put(option, "true");
			}
			else if (VALUE_OPTIONS.containsKey(option)) {
				if (equals > 0) {
					options.put(option, arg.substring(equals + 1));
				}
				else if (i + 1 < args.length) {
					options.put(option, args[++i]);
				}
				else {
					throw new UsageException(option + " needs a value");
				}
			}
			else {
				throw new UsageException("unknown option '" + arg + "'");
			}
		}
		return options;
	}

	private static @Nullable String value(Map<String, String> options, Map<String, String> env, String option) {
		String value = options.containsKey(option) ? options.get(option) : env.get(VALUE_OPTIONS.get(option));
		return value == null || value.isBlank() ? null : value.trim();
	}

	/** {@code URL[,URL...]}: each a ws:// or wss:// URL with a host, none empty, none twice. */
	private static List<URI> serverUris(String text) {
		List<URI> servers = new ArrayList<>();
		for (String part : text.split(",", -1)) {
			String one = part.trim();
			if (one.isEmpty()) {
				throw new UsageException("empty server URL in '" + text + "': separate several servers with single commas");
			}
			URI uri = serverUri(one);
			if (servers.contains(uri)) {
				throw new UsageException("server " + one + " is listed twice");
			}
			servers.add(uri);
		}
		return servers;
	}

	private static URI serverUri(String text) {
		try {
			URI uri = new URI(text);
			String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
			if (!scheme.equals("ws") && !scheme.equals("wss") || uri.getHost() == null) {
				throw new UsageException("server must be a ws:// or wss:// URL with a host, not '" + text + "'");
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			throw new UsageException("malformed server URL '" + text + "': " + ex.getReason());
		}
	}

	private static int concurrency(@Nullable String text) {
		if (text == null) {
			return ProbeConfig.DEFAULT_CONCURRENCY;
		}
		try {
			int value = Integer.parseInt(text);
			if (value >= 1 && value <= Protocol.MAX_CONCURRENCY) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// reported below, with the range
		}
		throw new UsageException(
				"concurrency must be a whole number from 1 to " + Protocol.MAX_CONCURRENCY + ", not '" + text + "'");
	}

	/** {@code 192.0.2.53}, {@code 192.0.2.53:5353}, {@code [2001:db8::53]:5353} or a bare IPv6 address; no names. */
	private static @Nullable InetSocketAddress dnsServer(@Nullable String text) {
		if (text == null) {
			return null;
		}
		String host = text;
		String port = null;
		if (text.startsWith("[")) {
			int close = text.indexOf(']');
			if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
				throw dnsServerUsage(text);
			}
			host = text.substring(1, close);
			port = (close + 1 < text.length()) ? text.substring(close + 2) : null;
		}
		else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
			host = text.substring(0, text.indexOf(':'));
			port = text.substring(text.indexOf(':') + 1);
		}
		InetAddress address = Addresses.parseLiteral(host);
		if (address == null) {
			throw dnsServerUsage(text);
		}
		return new InetSocketAddress(address, (port != null) ? dnsPort(port, text) : DNS_PORT);
	}

	private static int dnsPort(String port, String text) {
		try {
			int value = Integer.parseInt(port);
			if (value >= 1 && value <= 65_535) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw dnsServerUsage(text);
	}

	private static UsageException dnsServerUsage(String text) {
		return new UsageException("dns server must be an IP address with an optional port (192.0.2.53:53, "
				+ "[2001:db8::53]:53), not '" + text + "'");
	}

	/** An IP literal (no name: the probe must not ask a resolver which of its own addresses to use). */
	private static @Nullable InetAddress bindAddress(@Nullable String text) {
		if (text == null) {
			return null;
		}
		String literal = (text.startsWith("[") && text.endsWith("]")) ? text.substring(1, text.length() - 1) : text;
		InetAddress address = Addresses.parseLiteral(literal);
		if (address == null) {
			throw new UsageException("bind address must be an IP address of this machine (192.0.2.7, 2001:db8::7), not '"
					+ text + "'");
		}
		return address;
	}

	/** {@code name=key,name=key}: each source once, each key one word. */
	private static Map<String, String> sourceKeys(@Nullable String text) {
		Map<String, String> keys = new HashMap<>();
		if (text == null) {
			return keys;
		}
		for (String pair : text.split(",")) {
			int equals = pair.indexOf('=');
			String source = (equals > 0) ? pair.substring(0, equals).trim() : "";
			String key = (equals > 0) ? pair.substring(equals + 1).trim() : "";
			if (source.isEmpty() || !SourceRequest.isValidKey(key)) {
				throw new UsageException("source keys are NAME=KEY pairs separated by commas, each key one word");
			}
			if (keys.put(source, key) != null) {
				throw new UsageException("source '" + source + "' is given two keys");
			}
		}
		return keys;
	}

	private static boolean flag(@Nullable String text, String variable) {
		if (text == null || text.isBlank()) {
			return false;
		}
		return switch (text.trim().toLowerCase(Locale.ROOT)) {
			case "true", "1", "yes", "on" -> true;
			case "false", "0", "no", "off" -> false;
			default -> throw new UsageException(variable + " must be true or false, not '" + text + "'");
		};
	}

	private static @Nullable String logLevel(@Nullable String text) {
		if (text == null) {
			return null;
		}
		String level = text.toLowerCase(Locale.ROOT);
		if (!LOG_LEVELS.contains(level)) {
			throw new UsageException("log level must be one of trace, debug, info, warn, error, not '" + text + "'");
		}
		return level;
	}

	private static @Nullable Path path(@Nullable String text) {
		try {
			return (text != null) ? Path.of(text) : null;
		}
		catch (InvalidPathException ex) {
			throw new UsageException("not a file name: '" + text + "'");
		}
	}

	private static ProbeConfig config(List<URI> servers, String token, String name, int concurrency,
			boolean allowPrivate, boolean insecure) {
		try {
			return ProbeConfig.of(servers, token, name, concurrency, allowPrivate, insecure);
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException(ex.getMessage());
		}
	}

	/**
	 * What the command line asked for.
	 * @param config the agent's configuration; without a shared token its token and perhaps its name are settled
	 * later, from the credential file or the enrollment
	 * @param logLevel the root log level, or {@code null} to keep the default
	 * @param tokenGiven whether a shared token was given (then no credential is used)
	 * @param enrollCode the one-time enrollment code, or null
	 * @param credentials the credential file named, or null for the default
	 * @param caCert the PEM file of trusted certificates, or null for the Java trust store
	 * @param logFile the file to log to, or null for the console
	 */
	record Parsed(ProbeConfig config, @Nullable String logLevel, boolean tokenGiven, @Nullable String enrollCode,
			@Nullable Path credentials, @Nullable Path caCert, @Nullable Path logFile) {
	}

	/** Arguments a person must fix; the message is one line saying how. */
	static final class UsageException extends RuntimeException {

		UsageException(String message) {
			super(message, null, false, false);
		}
	}
}
