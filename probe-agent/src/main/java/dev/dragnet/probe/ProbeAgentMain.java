package dev.dragnet.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import java.io.IOException;

import ch.qos.logback.classic.Level;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.dragnet.probe.net.ProbeLoops;

/**
 * Command line entry point of the probe agent:
 * {@code java -jar dragnet-probe.jar --server ws://host:8080/ws/probe --token T --name cafe-12 --concurrency 32}.
 *
 * <p>Runs until the server refuses the probe (exit code {@value #EXIT_REFUSED}) or the process is stopped. Bad
 * arguments print a message and the usage and exit with code {@value #EXIT_USAGE}.
 */
public final class ProbeAgentMain {

	/** Exit code after a clean stop. */
	public static final int EXIT_OK = 0;

	/** Exit code after an unexpected failure. */
	public static final int EXIT_FAILED = 1;

	/** Exit code when the server refused the probe: token, credential, enrollment code, version, revoked. */
	public static final int EXIT_REFUSED = 2;

	/** Exit code for bad arguments or files (sysexits' EX_USAGE). */
	public static final int EXIT_USAGE = 64;

	private static final String NETTY_JFR = "io.netty.jfr.enabled";

	private static final String NETTY_ALLOCATOR = "io.netty.allocator.type";

	private ProbeAgentMain() {
	}

	public static void main(String[] args) {
		lightDefaults();
		if (ProbeArguments.wantsHelp(args)) {
			System.out.println(ProbeArguments.USAGE);
			return;
		}
		ProbeConfig config;
		try {
			config = prepare(args, System.getenv(), ProbeAgentMain::hostName);
		}
		catch (ProbeArguments.UsageException ex) {
			System.err.println("dragnet-probe: " + ex.getMessage());
			System.err.println(ProbeArguments.USAGE);
			System.exit(EXIT_USAGE);
			return;
		}
		catch (RuntimeException ex) {
			System.exit(exitCode(ex));
			return;
		}
		System.exit(run(config));
	}

	/**
	 * JVM-wide settings that keep the probe small, each unless the user set it: Netty's JFR events off (Netty
	 * loads about 100 classes of {@code jdk.jfr} only to find out whether to send them), and Netty's buffers
	 * unpooled (its default pooling allocator keeps chunks per event loop that a probe, with a few dozen
	 * connections at most, never fills: about 2 MB more resident idle and 6 MB more at 64 tasks, for no CPU
	 * saved; see docs/BENCHMARKS.md). Called first, before any Netty class is loaded.
	 */
	static void lightDefaults() {
		if (System.getProperty(NETTY_JFR) == null) {
			System.setProperty(NETTY_JFR, "false");
		}
		if (System.getProperty(NETTY_ALLOCATOR) == null) {
			System.setProperty(NETTY_ALLOCATOR, "unpooled");
		}
	}

	/**
	 * Reads the command line and settles who the probe is: the shared token, or its own credential from the
	 * credential file, or a credential got by enrolling with the code (then written to that file). Sets up logging.
	 * Blocks while it enrolls: call it at start, not on an event loop.
	 * @throws ProbeArguments.UsageException for bad arguments
	 * @throws ProbeRefusedException when the server refuses the enrollment code (logged)
	 * @throws CredentialFile.DamagedCredentialFileException for a credential file that cannot be used (logged)
	 * @throws PemCertificates.InvalidCertificateFileException for a CA file that is not PEM (logged)
	 */
	public static ProbeConfig prepare(String[] args, Map<String, String> env, Supplier<String> hostName) {
		ProbeArguments.Parsed parsed = ProbeArguments.parse(args, env, hostName);
		if (parsed.logFile() != null) {
			ProbeLogging.toFile(parsed.logFile());
		}
		if (parsed.logLevel() != null) {
			setRootLevel(parsed.logLevel());
		}
		Logger log = LoggerFactory.getLogger(ProbeAgentMain.class);
		try {
			ProbeConfig config = parsed.config();
			if (parsed.caCert() != null) {
				config = config.withTrustedCertificates(PemCertificates.read(parsed.caCert()));
			}
			return parsed.tokenGiven() ? config : identify(parsed, config, env, log);
		}
		catch (PemCertificates.InvalidCertificateFileException | CredentialFile.DamagedCredentialFileException ex) {
			log.error(ex.getMessage());
			throw ex;
		}
	}

	private static ProbeConfig identify(ProbeArguments.Parsed parsed, ProbeConfig config, Map<String, String> env,
			Logger log) {
		Path file = (parsed.credentials() != null) ? parsed.credentials()
				: CredentialFile.defaultPath(env, System.getProperty("user.home"));
		if (Files.exists(file)) {
			CredentialFile.Credential credential = CredentialFile.read(file);
			if (parsed.enrollCode() != null) {
				log.info("already enrolled as {} (credential in {}); the enrollment code is not needed any more",
						credential.name(), file);
			}
			return config.withIdentity(credential.name(), credential.credential());
		}
		if (parsed.enrollCode() == null) {
			throw new ProbeArguments.UsageException("no credential file at " + file + ": enroll this probe first with"
					+ " --enroll CODE (from the server's operator), or give a shared --token");
		}
		CredentialFile.Credential credential;
		try {
			credential = Enrollment.exchange(config, parsed.enrollCode()).block();
		}
		catch (ProbeRefusedException ex) {
			log.error("the server refused the enrollment code: {}", ex.getMessage());
			throw ex;
		}
		try {
			CredentialFile.write(file, credential);
		}
		catch (IOException ex) {
			throw new IllegalStateException("enrolled as " + credential.name() + " but cannot write the credential file "
					+ file + " (" + ex + "); the code is used up: ask for a new one", ex);
		}
		log.info("enrolled as {}; credential saved to {} (readable by this user only)", credential.name(), file);
		return config.withIdentity(credential.name(), credential.credential());
	}

	/** Runs an agent to its end, blocking this (main) thread; returns the exit code. */
	static int run(ProbeConfig config) {
		ProbeAgent agent = new ProbeAgent(config);
		LoggerFactory.getLogger(ProbeAgentMain.class).info("network: {}", ProbeLoops.describe());
		Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "dragnet-probe-shutdown"));
		try {
			agent.run().block();
			return exitCode(null);
		}
		catch (RuntimeException ex) {
			return exitCode(ex);
		}
	}

	/**
	 * The exit code for how the agent ended.
	 * @param failure the agent's error, or {@code null} when it stopped cleanly
	 */
	public static int exitCode(@Nullable Throwable failure) {
		if (failure == null) {
			return EXIT_OK;
		}
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof ProbeRefusedException) {
				return EXIT_REFUSED;
			}
			if (t instanceof ProbeArguments.UsageException || t instanceof CredentialFile.DamagedCredentialFileException
					|| t instanceof PemCertificates.InvalidCertificateFileException) {
				return EXIT_USAGE;
			}
		}
		Logger log = LoggerFactory.getLogger(ProbeAgentMain.class);
		log.error("probe agent failed: {}", failure.toString(), failure);
		return EXIT_FAILED;
	}

	private static void setRootLevel(String level) {
		if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
			root.setLevel(Level.toLevel(level, Level.INFO));
		}
	}

	private static String hostName() {
		String fromEnv = System.getenv("HOSTNAME");
		if (fromEnv == null || fromEnv.isBlank()) {
			fromEnv = System.getenv("COMPUTERNAME"); // Windows
		}
		if (fromEnv != null && !fromEnv.isBlank()) {
			return fromEnv.trim();
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "probe";
		}
	}
}
