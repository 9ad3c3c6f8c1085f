package dev.dragnet.server.db;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.security.auth.module.UnixSystem;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from zonky's binary archives, with its data in a directory that survives
 * restarts.
 *
 * <p>{@link #start()} unpacks the binaries (once per archive, see {@link PostgresBinaries}), runs
 * {@code initdb} when the directory holds no cluster yet, and starts the server with {@code pg_ctl} on
 * 127.0.0.1. PostgreSQL refuses to run as root, so when this JVM is root every PostgreSQL command runs through
 * {@code unshare --user --map-user=<uid> --map-group=<uid>}: inside that user namespace PostgreSQL sees an
 * ordinary user that still owns root's files. The output of every command goes to a log file beside the data
 * directory; a failure's message carries the end of that log.
 *
 * <p>Starting and stopping block the calling thread; call them at a program's edge (bean creation and
 * destruction, test setup), never on an event loop. Connect as {@link #USER} without a password.
 */
public final class EmbeddedPostgres implements AutoCloseable {

	/** The superuser, trusted on 127.0.0.1 without a password. */
	public static final String USER = "postgres";

	/** The database the cluster is created with. */
	public static final String DATABASE = "postgres";

	private static final String HOST = "127.0.0.1";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private static final int PORT_ATTEMPTS = 3;

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedPostgres.class);

	private final Path dataDirectory;

	private final int requestedPort;

	private final Duration startupTimeout;

	private final Map<String, String> settings;

	private final Path logFile;

	private final Path ownerFile;

	private @Nullable Path binaries;

	private String version = "";

	private int port;

	private boolean running;

	/**
	 * @param dataDirectory where the cluster lives; created by {@code initdb} when it holds no {@code PG_VERSION}
	 * @param port the TCP port on 127.0.0.1, or 0 to pick a free one at each start
	 * @param startupTimeout how long {@code initdb} and the server start may take
	 */
	public EmbeddedPostgres(Path dataDirectory, int port, Duration startupTimeout) {
		this(dataDirectory, port, startupTimeout, Map.of());
	}

	/**
	 * @param dataDirectory where the cluster lives; created by {@code initdb} when it holds no {@code PG_VERSION}
	 * @param port the TCP port on 127.0.0.1, or 0 to pick a free one at each start
	 * @param startupTimeout how long {@code initdb} and the server start may take
	 * @param settings server settings passed as {@code -c name=value}, such as {@code max_connections}
	 */
	public EmbeddedPostgres(Path dataDirectory, int port, Duration startupTimeout, Map<String, String> settings) {
		this.dataDirectory = dataDirectory.toAbsolutePath().normalize();
		this.requestedPort = port;
		this.startupTimeout = startupTimeout;
		this.settings = Map.copyOf(settings);
		String name = this.dataDirectory.getFileName().toString();
		this.logFile = this.dataDirectory.resolveSibling(name + ".log");
		this.ownerFile = this.dataDirectory.resolveSibling(name + ".owner");
	}

	/** Starts the server, creating the cluster first if needed; does nothing when already running. */
	public synchronized EmbeddedPostgres start() {
		if (this.running) {
			return this;
		}
		Path bin = binaries();
		createDirectories(this.dataDirectory.getParent());
		this.version = readVersion(bin);
		initialiseIfNeeded(bin);
		stopLeftoverServer(bin);
		startServer(bin);
		writeOwner();
		this.running = true;
		return this;
	}

	/** Stops the server with a fast shutdown (open sessions are ended) and waits for it to exit. */
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		try {
			stopServer(binaries(), postmaster());
		}
		finally {
			deleteQuietly(this.ownerFile);
		}
	}

	@Override
	public void close() {
		stop();
	}

	public synchronized boolean isRunning() {
		return this.running;
	}

	/** Always {@code 127.0.0.1}: the server listens on loopback only. */
	public String host() {
		return HOST;
	}

	/** The TCP port the server listens on; meaningful once started. */
	public synchronized int port() {
		return this.port;
	}

	/** The server version, such as {@code 17.6}; meaningful once started. */
	public synchronized String version() {
		return this.version;
	}

	public Path dataDirectory() {
		return this.dataDirectory;
	}

	/** Where the output of {@code initdb}, {@code pg_ctl} and the server goes. */
	public Path logFile() {
		return this.logFile;
	}

	/** The R2DBC URL of {@code database} on this server, such as {@code r2dbc:postgresql://127.0.0.1:5433/postgres}. */
	public synchronized String r2dbcUrl(String database) {
		return "r2dbc:postgresql://" + HOST + ":" + this.port + "/" + database;
	}

	private Path binaries() {
		if (this.binaries == null) {
			this.binaries = PostgresBinaries.install();
		}
		return this.binaries;
	}

	private static String pgCtl(Path bin) {
		return bin.resolve("bin/pg_ctl").toString();
	}

	private String readVersion(Path bin) {
		// --version is answered before PostgreSQL's root check, so no user namespace is needed here
		ProcessBuilder builder = new ProcessBuilder(bin.resolve("bin/postgres").toString(), "--version")
			.redirectErrorStream(true);
		try {
			Process process = builder.start();
			String output;
			try (InputStream in = process.getInputStream()) {
				output = new String(in.readNBytes(4096), StandardCharsets.UTF_8).trim();
			}
			waitFor(process, "postgres --version", Duration.ofSeconds(30));
			int space = output.lastIndexOf(' ');
			return (space >= 0) ? output.substring(space + 1) : output;
		}
		catch (IOException ex) {
			throw new EmbeddedPostgresException("could not run " + bin.resolve("bin/postgres") + ": " + ex, ex);
		}
	}

	private void initialiseIfNeeded(Path bin) {
		if (Files.exists(this.dataDirectory.resolve("PG_VERSION"))) {
			return;
		}
		if (isNonEmptyDirectory(this.dataDirectory)) {
			throw new EmbeddedPostgresException(this.dataDirectory + " is not empty but holds no PostgreSQL cluster"
					+ " (no PG_VERSION); empty it or point dragnet.embedded-db.dir at another directory");
		}
		logger.info("creating a PostgreSQL cluster in {}", this.dataDirectory);
		run("initdb", this.startupTimeout, bin.resolve("bin/initdb").toString(), "-A", "trust", "-U", USER, "-E",
				"UTF-8", "--locale=C", "--no-instructions", "-D", this.dataDirectory.toString());
	}

	/**
	 * A server may still run on this directory after the JVM that started it died. If that JVM is really gone,
	 * the server is an orphan of ours and is stopped; if it is alive, the directory is in use and we refuse.
	 */
	private void stopLeftoverServer(Path bin) {
		Optional<ProcessHandle> postmaster = postmaster();
		if (postmaster.isEmpty()) {
			return; // no file, or a stale one: PostgreSQL checks and replaces it itself
		}
		if (!servesThisDirectory(postmaster.get())) {
			// the pid was reused by an unrelated process, which would make PostgreSQL refuse to start
			deleteQuietly(this.dataDirectory.resolve("postmaster.pid"));
			return;
		}
		OptionalLong owner = readPid(this.ownerFile);
		long self = ProcessHandle.current().pid();
		if (owner.isPresent() && owner.getAsLong() != self
				&& ProcessHandle.of(owner.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) {
			throw new EmbeddedPostgresException("PostgreSQL (pid " + postmaster.get().pid() + ") already serves "
					+ this.dataDirectory + " for the running process " + owner.getAsLong()
					+ "; stop that process or point dragnet.embedded-db.dir at another directory");
		}
		logger.warn("stopping PostgreSQL (pid {}) left running on {} by an earlier run", postmaster.get().pid(),
				this.dataDirectory);
		stopServer(bin, postmaster);
	}

	private boolean servesThisDirectory(ProcessHandle process) {
		ProcessHandle.Info info = process.info();
		boolean postgres = info.command().map(command -> command.endsWith("postgres")).orElse(true);
		boolean sameDirectory = info.arguments()
			.map(arguments -> List.of(arguments).contains(this.dataDirectory.toString()))
			.orElse(true);
		return postgres && sameDirectory;
	}

	private void startServer(Path bin) {
		for (int attempt = 1;; attempt++) {
			this.port = (this.requestedPort != 0) ? this.requestedPort : freePort();
			long logSize = size(this.logFile);
			try {
				run("pg_ctl start", this.startupTimeout.plusSeconds(5), pgCtl(bin), "-D", this.dataDirectory.toString(),
						"-l", this.logFile.toString(), "-o", serverOptions(), "-w", "-t",
						Long.toString(Math.max(1, this.startupTimeout.toSeconds())), "start");
				return;
			}
			catch (EmbeddedPostgresException ex) {
				// a free port picked here can be taken by someone else before PostgreSQL binds it
				boolean portTaken = readFrom(this.logFile, logSize).contains("could not bind");
				if (this.requestedPort != 0 || !portTaken || attempt == PORT_ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	private String serverOptions() {
		StringBuilder options = new StringBuilder().append("-p ")
			.append(this.port)
			.append(" -h ")
			.append(HOST)
			.append(" -k ''"); // TCP only: no Unix socket, so no socket directory to create and clean up
		this.settings.forEach((name, value) -> options.append(" -c ").append(shellQuote(name + "=" + value)));
		return options.toString();
	}

	/**
	 * A fast shutdown through {@code pg_ctl stop}, which returns once the server has closed its sockets and
	 * removed its pid file, its last act; SIGINT and at last SIGKILL if that fails. (The process itself is not
	 * awaited: it is no child of ours, and where nothing reaps orphans it would stay a zombie.)
	 */
	private void stopServer(Path bin, Optional<ProcessHandle> postmaster) {
		try {
			run("pg_ctl stop", STOP_TIMEOUT.plusSeconds(5), pgCtl(bin), "-D", this.dataDirectory.toString(), "-m",
					"fast", "-w", "-t", Long.toString(STOP_TIMEOUT.toSeconds()), "stop");
		}
		catch (EmbeddedPostgresException ex) {
			logger.warn("pg_ctl stop failed on {}, interrupting the server instead: {}", this.dataDirectory,
					ex.getMessage());
			postmaster.ifPresent(this::interrupt);
		}
	}

	/** The running postmaster of this directory, from its pid file. */
	private Optional<ProcessHandle> postmaster() {
		return readPid(this.dataDirectory.resolve("postmaster.pid")).stream()
			.mapToObj(ProcessHandle::of)
			.flatMap(Optional::stream)
			.filter(ProcessHandle::isAlive)
			.findFirst();
	}

	/** Stops the postmaster with SIGINT (a fast shutdown), then SIGKILL if it outlives the deadline. */
	private void interrupt(ProcessHandle process) {
		if (!process.isAlive()) {
			return;
		}
		try {
			Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).redirectErrorStream(true)
				.redirectOutput(Redirect.DISCARD)
				.start();
			waitFor(kill, "kill -INT", Duration.ofSeconds(10));
			process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.warn("PostgreSQL (pid {}) did not stop in time; killing it: {}", process.pid(), ex.toString());
			process.destroyForcibly();
		}
	}

	/** Runs a PostgreSQL command (as an ordinary user when we are root), its output appended to the log. */
	private void run(String what, Duration timeout, String... command) {
		List<String> full = new ArrayList<>(userNamespaceWrapper());
		full.addAll(List.of(command));
		appendToLog("---- " + Instant.now() + " dragnet runs: " + String.join(" ", full));
		ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
			.redirectOutput(Redirect.appendTo(this.logFile.toFile()))
			.redirectInput(Redirect.from(new File("/dev/null")));
		builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
		builder.environment().put("LC_ALL", "C"); // English messages, so the log can be read and matched
		int exit;
		try {
			exit = waitFor(builder.start(), what, timeout);
		}
		catch (IOException ex) {
			throw new EmbeddedPostgresException(what + " could not be run: " + ex + rootHint(), ex);
		}
		if (exit != 0) {
			throw new EmbeddedPostgresException(what + " failed with exit code " + exit + rootHint() + "; the end of "
					+ this.logFile + ":\n" + tail(this.logFile));
		}
	}

	private int waitFor(Process process, String what, Duration timeout) {
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new EmbeddedPostgresException(what + " did not finish within " + timeout + "; the end of "
						+ this.logFile + ":\n" + tail(this.logFile));
			}
			return process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new EmbeddedPostgresException(what + " was interrupted", ex);
		}
	}

	private static List<String> userNamespaceWrapper() {
		if (!isRoot()) {
			return List.of();
		}
		String id = Long.toString(unprivilegedId());
		return List.of("unshare", "--user", "--map-user=" + id, "--map-group=" + id, "--");
	}

	private static String rootHint() {
		return isRoot() ? " (this JVM runs as root, so PostgreSQL runs through 'unshare --user'; where user"
				+ " namespaces are not allowed, run the server as another user or set spring.r2dbc.url)" : "";
	}

	static boolean isRoot() {
		try {
			return new UnixSystem().getUid() == 0;
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * The id PostgreSQL sees inside the user namespace. initdb looks its user name up, so the id must have a
	 * passwd entry: 1000 where it exists, else nobody (65534), else any other non-root user.
	 */
	private static long unprivilegedId() {
		List<Long> ids = new ArrayList<>();
		try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
			lines.map(line -> line.split(":", -1))
				.filter(fields -> fields.length > 2 && fields[2].matches("\\d{1,9}"))
				.map(fields -> Long.parseLong(fields[2]))
				.filter(id -> id != 0)
				.forEach(ids::add);
		}
		catch (IOException | RuntimeException ex) {
			return 1000;
		}
		if (ids.contains(1000L) || ids.isEmpty()) {
			return 1000;
		}
		return ids.contains(65534L) ? 65534 : ids.get(0);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new EmbeddedPostgresException("could not find a free port on " + HOST + ": " + ex, ex);
		}
	}

	private void writeOwner() {
		try {
			Files.writeString(this.ownerFile, ProcessHandle.current().pid() + "\n");
		}
		catch (IOException ex) {
			logger.warn("could not write {}: {}", this.ownerFile, ex.toString());
		}
	}

	private void appendToLog(String line) {
		try {
			Files.writeString(this.logFile, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new EmbeddedPostgresException("could not write the log file " + this.logFile + ": " + ex, ex);
		}
	}

	private static OptionalLong readPid(Path file) {
		try (Stream<String> lines = Files.lines(file)) {
			return lines.findFirst()
				.map(String::trim)
				.filter(line -> line.matches("\\d{1,10}"))
				.map(line -> OptionalLong.of(Long.parseLong(line)))
				.orElse(OptionalLong.empty());
		}
		catch (IOException | RuntimeException ex) {
			return OptionalLong.empty();
		}
	}

	private static boolean isNonEmptyDirectory(Path dir) {
		if (!Files.isDirectory(dir)) {
			return Files.exists(dir);
		}
		try (Stream<Path> entries = Files.list(dir)) {
			return entries.findAny().isPresent();
		}
		catch (IOException ex) {
			return true;
		}
	}

	private static void createDirectories(Path dir) {
		try {
			Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new EmbeddedPostgresException("could not create " + dir + ": " + ex, ex);
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			logger.debug("could not delete {}: {}", file, ex.toString());
		}
	}

	private static long size(Path file) {
		try {
			return Files.exists(file) ? Files.size(file) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static String readFrom(Path file, long offset) {
		try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
			long start = Math.max(offset, in.length() - 64 * 1024);
			byte[] bytes = new byte[(int) (in.length() - start)];
			in.seek(start);
			in.readFully(bytes);
			return new String(bytes, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/** The last lines of the log, for exception messages. */
	static String tail(Path file) {
		String text = readFrom(file, Math.max(0, size(file) - 4096));
		List<String> lines = List.of(text.split("\n"));
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
	}

	private static String shellQuote(String text) {
		return "'" + text.replace("'", "'\\''") + "'";
	}
}
