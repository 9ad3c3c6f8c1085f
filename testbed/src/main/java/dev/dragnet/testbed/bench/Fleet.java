package dev.dragnet.testbed.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Dragnet as a user runs it: the server jar on its embedded PostgreSQL and probe jars, each its own process,
 * with their output in log files under a work directory. Closing it stops every process.
 */
final class Fleet implements AutoCloseable {

	static final String PROBE_TOKEN = "bench-probe-token";

	static final String ADMIN_TOKEN = "bench-admin-token";

	private final Path workDir;

	private final int port;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<Process> processes = new ArrayList<>();

	private Fleet(Path workDir, int port) {
		this.workDir = workDir;
		this.port = port;
	}

	/** Starts the server with {@code properties} ({@code name=value}) and waits until it answers. */
	static Fleet startServer(Path serverJar, Path workDir, List<String> properties) throws IOException, InterruptedException {
		return startServer(serverJar, workDir, List.of(), properties);
	}

	/**
	 * Starts the server with these JVM options (after {@code -Xmx1g}, so they may override it) and
	 * {@code properties} ({@code name=value}), and waits until it answers.
	 */
	static Fleet startServer(Path serverJar, Path workDir, List<String> jvmOptions, List<String> properties)
			throws IOException, InterruptedException {
		Files.createDirectories(workDir);
		Fleet fleet = new Fleet(workDir, freePort());
		List<String> command = new ArrayList<>(List.of(java(), "-Xmx1g"));
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", serverJar.toString(), "--server.port=" + fleet.port,
				"--dragnet.embedded-db.dir=" + workDir.resolve("postgres"), "--dragnet.probes.tokens=" + PROBE_TOKEN,
				"--dragnet.admin.token=" + ADMIN_TOKEN));
		properties.forEach((p) -> command.add("--" + p));
		fleet.launch(command, "server.log");
		fleet.awaitHttp("/actuator/health", Duration.ofMinutes(3));
		return fleet;
	}

	/** Starts a probe jar named {@code name} with these extra options. */
	void startProbe(Path probeJar, String name, List<String> options) throws IOException {
		startProbe(probeJar, name, List.of("-Xmx128m"), options);
	}

	/**
	 * Starts a probe jar named {@code name} with exactly these JVM options (none: the JVM's own defaults) and these
	 * extra probe options; its output goes to {@link #log(String) log(name)}.
	 */
	Process startProbe(Path probeJar, String name, List<String> jvmOptions, List<String> options) throws IOException {
		List<String> command = new ArrayList<>(List.of(java()));
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", probeJar.toString(), "--server", "ws://127.0.0.1:" + this.port + "/ws/probe",
				"--token", PROBE_TOKEN, "--name", name));
		command.addAll(options);
		return launch(command, name + ".log");
	}

	/** Stops one process this fleet started (not the server) and forgets it. */
	void stop(Process process) throws InterruptedException {
		if (this.processes.indexOf(process) < 1) {
			throw new IllegalArgumentException("not a probe of this fleet: " + process.pid());
		}
		this.processes.remove(process);
		process.destroy();
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly();
		}
	}

	/** The log file of the process started as {@code name}. */
	Path log(String name) {
		return this.workDir.resolve(name + ".log");
	}

	/** Waits until {@code GET /api/probes} shows {@code count} effective probes. */
	void awaitEffectiveProbes(int count, Duration within) throws IOException, InterruptedException {
		await("/api/probes", (body) -> occurrences(body, "\"state\":\"EFFECTIVE\"") >= count, within,
				count + " effective probes");
	}

	/**
	 * The server's own count of effective probes: the {@code dragnet_probes{state="effective"}} gauge of
	 * {@code /actuator/prometheus}, which reads the live sessions and leaves the probe table alone.
	 */
	int effectiveProbes() throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri("/actuator/prometheus"))
			.timeout(Duration.ofSeconds(60))
			.build(), HttpResponse.BodyHandlers.ofString());
		for (String line : response.body().split("\n")) {
			if (line.startsWith("dragnet_probes{") && line.contains("state=\"effective\"")) {
				return (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		throw new IOException("no dragnet_probes{state=\"effective\"} in /actuator/prometheus (status "
				+ response.statusCode() + ")");
	}

	/** Waits until the server counts {@code count} effective probes ({@link #effectiveProbes()}); the last count. */
	int awaitEffectiveCount(int count, Duration within) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		int effective = effectiveProbes();
		while (effective < count && System.nanoTime() < deadline) {
			Thread.sleep(500);
			effective = effectiveProbes();
		}
		if (effective < count) {
			throw new IOException("the server counts " + effective + " of " + count + " probes effective after "
					+ within.toSeconds() + " s; see the logs in " + this.workDir);
		}
		return effective;
	}

	HttpResponse<String> send(String method, String path, String contentType, String body)
			throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(uri(path))
			.method(method, HttpRequest.BodyPublishers.ofString(body))
			.header("Content-Type", contentType)
			.header("Authorization", "Bearer " + ADMIN_TOKEN)
			.timeout(Duration.ofSeconds(30))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	HttpClient http() {
		return this.http;
	}

	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	Path workDir() {
		return this.workDir;
	}

	/** The server's process id. */
	long serverPid() {
		return this.processes.get(0).pid();
	}

	/** The probes' process ids, in the order they were started. */
	List<Long> probePids() {
		return this.processes.subList(1, this.processes.size()).stream().map(Process::pid).toList();
	}

	@Override
	public void close() {
		// Probes first, so the server does not spend its last moments re-dispatching their work.
		for (int i = this.processes.size() - 1; i >= 0; i--) {
			Process process = this.processes.get(i);
			process.destroy();
			try {
				if (!process.waitFor(30, TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}
	}

	private Process launch(List<String> command, String log) throws IOException {
		Path file = this.workDir.resolve(log);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(file.toFile()).start();
		this.processes.add(process);
		return process;
	}

	private void awaitHttp(String path, Duration within) throws IOException, InterruptedException {
		await(path, (body) -> true, within, "the server to answer on " + path);
	}

	private void await(String path, Predicate<String> done, Duration within, String what)
			throws IOException, InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		while (System.nanoTime() < deadline) {
			for (Process process : this.processes) {
				if (!process.isAlive()) {
					throw new IOException("a process ended (exit " + process.exitValue() + ") while waiting for " + what
							+ "; see the logs in " + this.workDir);
				}
			}
			try {
				HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path))
					.timeout(Duration.ofSeconds(5))
					.build(), HttpResponse.BodyHandlers.ofString());
				if (done.test(response.body())) {
					return;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new IOException("gave up after " + within.toSeconds() + " s waiting for " + what + "; see the logs in "
				+ this.workDir);
	}

	private static int occurrences(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
			count++;
		}
		return count;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}
}
