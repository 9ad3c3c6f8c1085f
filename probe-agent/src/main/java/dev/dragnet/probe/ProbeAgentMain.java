package dev.dragnet.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;

import ch.qos.logback.classic.Level;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

	/** Exit code when the server refused the token or the protocol version. */
	public static final int EXIT_REFUSED = 2;

	/** Exit code for bad arguments (sysexits' EX_USAGE). */
	public static final int EXIT_USAGE = 64;

	private ProbeAgentMain() {
	}

	public static void main(String[] args) {
		if (ProbeArguments.wantsHelp(args)) {
			System.out.println(ProbeArguments.USAGE);
			return;
		}
		ProbeArguments.Parsed parsed;
		try {
			parsed = ProbeArguments.parse(args, System.getenv(), ProbeAgentMain::hostName);
		}
		catch (ProbeArguments.UsageException ex) {
			System.err.println("dragnet-probe: " + ex.getMessage());
			System.err.println(ProbeArguments.USAGE);
			System.exit(EXIT_USAGE);
			return;
		}
		if (parsed.logLevel() != null) {
			setRootLevel(parsed.logLevel());
		}
		System.exit(run(parsed.config()));
	}

	/** Runs an agent to its end, blocking this (main) thread; returns the exit code. */
	static int run(ProbeConfig config) {
		ProbeAgent agent = new ProbeAgent(config);
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
	static int exitCode(@Nullable Throwable failure) {
		if (failure == null) {
			return EXIT_OK;
		}
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof ProbeRefusedException) {
				return EXIT_REFUSED;
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
