package dev.dragnet.server.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import dev.dragnet.server.db.EmbeddedPostgres;

/**
 * A PostgreSQL of its own for an outage test: an {@link EmbeddedPostgres} in a temporary directory on a port fixed
 * at the first start, so that {@link #stop()} and {@link #start()} take the same server away and bring it back on
 * the same data and the same address while the Dragnet server keeps running against it. (The JVM-wide
 * {@link TestDatabase} is shared by every test class and must never stop.)
 *
 * <p>Starting and stopping block: call them from the test thread only.
 */
public final class StoppableDatabase implements AutoCloseable {

	private final Path directory;

	private final EmbeddedPostgres postgres;

	private StoppableDatabase(Path directory, int port) {
		this.directory = directory;
		this.postgres = new EmbeddedPostgres(directory.resolve("data"), port, Duration.ofSeconds(60),
				Map.of("max_connections", "100", "fsync", "off", "synchronous_commit", "off", "full_page_writes", "off"));
	}

	/** Creates the cluster and starts it on a free loopback port that every later start reuses. */
	public static StoppableDatabase start(String name) {
		StoppableDatabase database = new StoppableDatabase(temporaryDirectory(name), freePort());
		database.start();
		return database;
	}

	/** Starts the server again (or the first time); waits until it accepts connections. */
	public void start() {
		this.postgres.start();
	}

	/** Stops the server with a fast shutdown: every open session is cut, new connections are refused. */
	public void stop() {
		this.postgres.stop();
	}

	public boolean isRunning() {
		return this.postgres.isRunning();
	}

	/** The properties that point the Dragnet server at this database (an external one, as far as it knows). */
	public Map<String, Object> springProperties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.r2dbc.url", this.postgres.r2dbcUrl(EmbeddedPostgres.DATABASE));
		properties.put("spring.r2dbc.username", EmbeddedPostgres.USER);
		properties.put("spring.r2dbc.password", "");
		return properties;
	}

	@Override
	public void close() {
		this.postgres.stop();
		deleteTree(this.directory);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path temporaryDirectory(String name) {
		try {
			return Files.createTempDirectory("dragnet-" + name + "-pg-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void deleteTree(Path dir) {
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// a temp dir left behind is no failure
		}
	}
}
