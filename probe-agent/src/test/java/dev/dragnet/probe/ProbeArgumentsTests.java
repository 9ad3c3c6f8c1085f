package dev.dragnet.probe;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

import dev.dragnet.probe.ProbeArguments.Parsed;
import dev.dragnet.probe.ProbeArguments.UsageException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbeArgumentsTests {

	private static final Map<String, String> NO_ENV = Map.of();

	@Test
	void fullCommandLine() {
		Parsed parsed = parse(NO_ENV, "--server", "ws://host:8080/ws/probe", "--insecure", "--token", "T", "--name", "cafe-12",
				"--concurrency", "32", "--allow-private-servers", "--log-level", "DEBUG");
		ProbeConfig config = parsed.config();
		assertThat(config.server()).isEqualTo(URI.create("ws://host:8080/ws/probe"));
		assertThat(config.token()).isEqualTo("T");
		assertThat(config.name()).isEqualTo("cafe-12");
		assertThat(config.concurrency()).isEqualTo(32);
		assertThat(config.allowPrivateServers()).isTrue();
		assertThat(config.reconnectMin()).isEqualTo(ProbeConfig.DEFAULT_RECONNECT_MIN);
		assertThat(config.reconnectMax()).isEqualTo(ProbeConfig.DEFAULT_RECONNECT_MAX);
		assertThat(config.connectTimeout()).isEqualTo(ProbeConfig.DEFAULT_CONNECT_TIMEOUT);
		assertThat(parsed.logLevel()).isEqualTo("debug");
	}

	@Test
	void defaultsAndEqualsSyntax() {
		ProbeConfig config = parse(NO_ENV, "--server=wss://dragnet.example/ws/probe", "--token=T").config();
		assertThat(config.name()).isEqualTo("this-host");
		assertThat(config.concurrency()).isEqualTo(16);
		assertThat(config.allowPrivateServers()).isFalse();
	}

	@Test
	void environmentFillsWhatTheCommandLineLeavesOut() {
		Map<String, String> env = Map.of("DRAGNET_SERVER", "wss://env:8080/ws/probe", "DRAGNET_TOKEN", "env-token",
				"DRAGNET_PROBE_NAME", "env-name", "DRAGNET_CONCURRENCY", "8", "DRAGNET_ALLOW_PRIVATE_SERVERS", "true");
		ProbeConfig config = parse(env).config();
		assertThat(config.server()).isEqualTo(URI.create("wss://env:8080/ws/probe"));
		assertThat(config.token()).isEqualTo("env-token");
		assertThat(config.name()).isEqualTo("env-name");
		assertThat(config.concurrency()).isEqualTo(8);
		assertThat(config.allowPrivateServers()).isTrue();
		assertThat(parse(env, "--name", "cli-name", "--concurrency", "2").config())
			.extracting(ProbeConfig::name, ProbeConfig::concurrency)
			.containsExactly("cli-name", 2);
	}

	@Test
	void withoutATokenTheCredentialIsSettledLater() {
		Parsed parsed = parse(NO_ENV, "--server", "wss://host/ws/probe", "--enroll", "ABCDE-FGHJK", "--credentials",
				"probe.cred", "--ca-cert", "ca.pem", "--log-file", "probe.log");
		assertThat(parsed.tokenGiven()).isFalse();
		assertThat(parsed.enrollCode()).isEqualTo("ABCDE-FGHJK");
		assertThat(parsed.credentials()).hasToString("probe.cred");
		assertThat(parsed.caCert()).hasToString("ca.pem");
		assertThat(parsed.logFile()).hasToString("probe.log");
		assertThatThrownBy(() -> parse(NO_ENV, "--server", "wss://host/ws/probe", "--token", "T", "--enroll", "C"))
			.isInstanceOf(UsageException.class)
			.hasMessage("give either --token or --enroll, not both");
	}

	@Test
	void plainWebSocketsOnlyToThisMachineUnlessInsecure() {
		assertThatThrownBy(() -> parse(NO_ENV, "--server", "ws://dragnet.example/ws/probe", "--token", "T"))
			.isInstanceOf(UsageException.class)
			.hasMessageContaining("refusing plain ws:// to dragnet.example")
			.hasMessageContaining("use wss://");
		assertThat(parse(NO_ENV, "--server", "ws://dragnet.example/ws/probe", "--token", "T", "--insecure").config()
			.insecure()).isTrue();
		assertThat(parse(Map.of("DRAGNET_INSECURE", "true"), "--server", "ws://dragnet.example/ws/probe", "--token", "T")
			.config()
			.insecure()).isTrue();
		assertThat(parse(NO_ENV, "--server", "ws://localhost:8080/ws/probe", "--token", "T").config().insecure()).isFalse();
		assertThat(parse(NO_ENV, "--server", "ws://[::1]:8080/ws/probe", "--token", "T").config().insecure()).isFalse();
		assertThat(parse(NO_ENV, "--server", "wss://dragnet.example/ws/probe", "--token", "T").config().insecure())
			.isFalse();
	}

	@Test
	void missingServerIsAUsageError() {
		assertThatThrownBy(() -> parse(NO_ENV, "--token", "T")).isInstanceOf(UsageException.class)
			.hasMessage("missing --server (or DRAGNET_SERVER)");
	}

	@Test
	void badConcurrencyIsAUsageError() {
		for (String bad : new String[] { "abc", "0", "1025", "-3", "1.5" }) {
			assertThatThrownBy(() -> parse(NO_ENV, "--server", "ws://127.0.0.1/ws/probe", "--token", "T", "--concurrency", bad))
				.isInstanceOf(UsageException.class)
				.hasMessage("concurrency must be a whole number from 1 to 1024, not '" + bad + "'");
		}
		assertThat(parse(NO_ENV, "--server", "ws://127.0.0.1/ws/probe", "--token", "T", "--concurrency", "1024").config()
			.concurrency()).isEqualTo(1024);
	}

	@Test
	void badServerUrlIsAUsageError() {
		assertThatThrownBy(() -> parse(NO_ENV, "--server", "ws://bad host/", "--token", "T"))
			.isInstanceOf(UsageException.class)
			.hasMessageStartingWith("malformed server URL 'ws://bad host/'");
		assertThatThrownBy(() -> parse(NO_ENV, "--server", "http://host/ws/probe", "--token", "T"))
			.isInstanceOf(UsageException.class)
			.hasMessageContaining("ws:// or wss://");
	}

	@Test
	void severalServersAreTakenInTheOrderGiven() {
		ProbeConfig config = parse(NO_ENV, "--server", "wss://a.example/ws/probe, wss://b.example:8443/ws/probe",
				"--token", "T").config();
		assertThat(config.servers()).containsExactly(URI.create("wss://a.example/ws/probe"),
				URI.create("wss://b.example:8443/ws/probe"));
		assertThat(config.server()).isEqualTo(URI.create("wss://a.example/ws/probe"));
		assertThat(parse(Map.of("DRAGNET_SERVER", "ws://127.0.0.1:1/ws/probe,ws://localhost:2/ws/probe",
				"DRAGNET_TOKEN", "T")).config().servers()).hasSize(2);
	}

	@Test
	void eachServerOfAListIsChecked() {
		assertThatThrownBy(() -> parse(NO_ENV, "--server", "wss://a.example/ws/probe,http://b.example/ws/probe",
				"--token", "T"))
			.isInstanceOf(UsageException.class)
			.hasMessage("server must be a ws:// or wss:// URL with a host, not 'http://b.example/ws/probe'");
		assertThatThrownBy(() -> parse(NO_ENV, "--server", "wss://a.example/ws/probe,ws://b.example/ws/probe",
				"--token", "T"))
			.isInstanceOf(UsageException.class)
			.hasMessageContaining("refusing plain ws:// to b.example");
		assertThat(parse(NO_ENV, "--server", "wss://a.example/ws/probe,ws://b.example/ws/probe", "--token", "T",
				"--insecure").config().servers()).hasSize(2);
		assertThatThrownBy(() -> parse(NO_ENV, "--server", "wss://a.example/ws/probe,,wss://b.example/ws/probe",
				"--token", "T"))
			.isInstanceOf(UsageException.class)
			.hasMessageStartingWith("empty server URL in");
		assertThatThrownBy(() -> parse(NO_ENV, "--server", "wss://a.example/ws/probe,", "--token", "T"))
			.isInstanceOf(UsageException.class)
			.hasMessageStartingWith("empty server URL in");
		assertThatThrownBy(() -> parse(NO_ENV, "--server", "wss://a.example/ws/probe,wss://a.example/ws/probe",
				"--token", "T"))
			.isInstanceOf(UsageException.class)
			.hasMessage("server wss://a.example/ws/probe is listed twice");
		assertThatThrownBy(() -> parse(NO_ENV, "--server", "wss://a.example/ws/probe,ws://bad host/", "--token", "T"))
			.isInstanceOf(UsageException.class)
			.hasMessageStartingWith("malformed server URL 'ws://bad host/'");
	}

	@Test
	void unknownOptionsAndMissingValuesAreUsageErrors() {
		assertThatThrownBy(() -> parse(NO_ENV, "--server", "ws://127.0.0.1/ws/probe", "--token", "T", "--verbose"))
			.isInstanceOf(UsageException.class)
			.hasMessage("unknown option '--verbose'");
		assertThatThrownBy(() -> parse(NO_ENV, "--server", "ws://127.0.0.1/ws/probe", "--token"))
			.isInstanceOf(UsageException.class)
			.hasMessage("--token needs a value");
		assertThatThrownBy(() -> parse(Map.of("DRAGNET_ALLOW_PRIVATE_SERVERS", "maybe"), "--server", "ws://127.0.0.1/ws/probe",
				"--token", "T"))
			.isInstanceOf(UsageException.class)
			.hasMessageContaining("DRAGNET_ALLOW_PRIVATE_SERVERS");
	}

	@Test
	void theDnsServerIsAnAddressWithAnOptionalPort() {
		String[] base = { "--server", "ws://127.0.0.1/ws/probe", "--token", "T" };
		assertThat(parse(NO_ENV, base).config().dnsServer()).as("the system's resolvers").isNull();
		assertThat(parse(NO_ENV, concat(base, "--dns-server", "192.0.2.53")).config().dnsServer())
			.isEqualTo(new InetSocketAddress("192.0.2.53", 53));
		assertThat(parse(NO_ENV, concat(base, "--dns-server=127.0.0.1:5353")).config().dnsServer())
			.isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
		assertThat(parse(NO_ENV, concat(base, "--dns-server", "[2001:db8::53]:5353")).config().dnsServer())
			.isEqualTo(new InetSocketAddress("2001:db8::53", 5353));
		assertThat(parse(NO_ENV, concat(base, "--dns-server", "2001:db8::53")).config().dnsServer())
			.isEqualTo(new InetSocketAddress("2001:db8::53", 53));
		assertThat(parse(Map.of("DRAGNET_DNS_SERVER", "198.51.100.1:54"), base).config().dnsServer())
			.isEqualTo(new InetSocketAddress("198.51.100.1", 54));
		for (String bad : new String[] { "dns.example", "dns.example:53", "192.0.2.53:0", "192.0.2.53:x",
				"[2001:db8::53", "[2001:db8::53]x" }) {
			assertThatThrownBy(() -> parse(NO_ENV, concat(base, "--dns-server", bad)))
				.isInstanceOf(UsageException.class)
				.hasMessageStartingWith("dns server must be an IP address")
				.hasMessageContaining(bad);
		}
		assertThat(ProbeArguments.USAGE).contains("--dns-server").contains("DRAGNET_DNS_SERVER");
	}

	@Test
	void theBindAddressIsAnIpLiteral() {
		String[] base = { "--server", "ws://127.0.0.1/ws/probe", "--token", "T" };
		assertThat(parse(NO_ENV, base).config().bindAddress()).as("the system's choice").isNull();
		assertThat(parse(NO_ENV, concat(base, "--bind-address", "127.0.0.2")).config().bindAddress().getHostAddress())
			.isEqualTo("127.0.0.2");
		assertThat(parse(NO_ENV, concat(base, "--bind-address=[2001:db8::7]")).config().bindAddress().getHostAddress())
			.isEqualTo("2001:db8:0:0:0:0:0:7");
		assertThat(parse(Map.of("DRAGNET_BIND_ADDRESS", "192.0.2.7"), base).config().bindAddress().getHostAddress())
			.isEqualTo("192.0.2.7");
		for (String bad : new String[] { "pc.example", "192.0.2.300", "127.0.0.2:43" }) {
			assertThatThrownBy(() -> parse(NO_ENV, concat(base, "--bind-address", bad)))
				.isInstanceOf(UsageException.class)
				.hasMessageStartingWith("bind address must be an IP address")
				.hasMessageContaining(bad);
		}
		assertThat(ProbeArguments.USAGE).contains("--bind-address").contains("DRAGNET_BIND_ADDRESS");
	}

	@Test
	void sourceKeysAreNamedPairsAndNeverPrinted() {
		String[] base = { "--server", "ws://127.0.0.1/ws/probe", "--token", "T" };
		assertThat(parse(NO_ENV, base).config().sourceKeys()).isEmpty();
		ProbeConfig config = parse(NO_ENV, concat(base, "--source-keys", "dnsdb=k-secret-1, other=k2")).config();
		assertThat(config.sourceKeys()).containsOnly(Map.entry("dnsdb", "k-secret-1"), Map.entry("other", "k2"));
		assertThat(config.toString()).contains("dnsdb").doesNotContain("k-secret-1");
		assertThat(parse(Map.of("DRAGNET_SOURCE_KEYS", "dnsdb=from-env"), base).config().sourceKeys())
			.containsOnly(Map.entry("dnsdb", "from-env"));
		for (String bad : new String[] { "dnsdb", "=k", "dnsdb=", "dnsdb=a b", "dnsdb=a,dnsdb=b" }) {
			assertThatThrownBy(() -> parse(NO_ENV, concat(base, "--source-keys", bad))).as(bad)
				.isInstanceOf(UsageException.class)
				.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("=a"));
		}
		assertThat(ProbeArguments.USAGE).contains("--source-keys").contains("DRAGNET_SOURCE_KEYS");
	}

	private static String[] concat(String[] first, String... more) {
		String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
		System.arraycopy(more, 0, all, first.length, more.length);
		return all;
	}

	@Test
	void helpIsRecognised() {
		assertThat(ProbeArguments.wantsHelp(new String[] { "--server", "x", "--help" })).isTrue();
		assertThat(ProbeArguments.wantsHelp(new String[] { "--server", "x" })).isFalse();
		assertThat(ProbeArguments.USAGE).contains("--server").contains("DRAGNET_TOKEN").contains("1 to 1024");
	}

	@Test
	void exitCodeMapping() {
		assertThat(ProbeAgentMain.exitCode(null)).isEqualTo(0);
		assertThat(ProbeAgentMain.exitCode(new ProbeRefusedException(4001, "bad token"))).isEqualTo(2);
		assertThat(ProbeAgentMain.exitCode(new IllegalStateException("wrapped", new ProbeRefusedException(4003, "v"))))
			.isEqualTo(2);
		assertThat(ProbeAgentMain.exitCode(new IllegalStateException("boom"))).isEqualTo(1);
		assertThat(ProbeAgentMain.exitCode(new UsageException("bad"))).isEqualTo(64);
	}

	@Test
	void tokenIsNeverPrinted() {
		ProbeConfig config = parse(NO_ENV, "--server", "ws://127.0.0.1/ws/probe", "--token", "very-secret").config();
		assertThat(config.toString()).doesNotContain("very-secret");
	}

	private static Parsed parse(Map<String, String> env, String... args) {
		return ProbeArguments.parse(args, env, () -> "this-host");
	}
}
