package dev.dragnet.server.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.dragnet.server.db.EmbeddedPostgres;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Fresh, empty PostgreSQL databases for tests, all on one server per JVM: a Testcontainers PostgreSQL when a
 * Docker engine answers, else an {@link EmbeddedPostgres} in a temporary directory. The server starts on first
 * use and stops when the JVM exits.
 *
 * <pre>{@code
 * ConfigurableApplicationContext app = new SpringApplicationBuilder(DragnetServerApplication.class)
 *     .properties(TestDatabase.springProperties())
 *     .run("--server.port=0");
 * }</pre>
 */
public final class TestDatabase {

	private static final Logger logger = LoggerFactory.getLogger(TestDatabase.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final AtomicInteger counter = new AtomicInteger();

	private static volatile @Nullable Server server;

	private TestDatabase() {
	}

	/** The R2DBC URL of a new, empty database ({@code t_<n>}) on the JVM-wide server. */
	public static String newDatabaseUrl() {
		Server current = server();
		String name = "t_" + counter.incrementAndGet();
		createDatabase(current, name);
		return "r2dbc:postgresql://" + current.host() + ":" + current.port() + "/" + name;
	}

	/**
	 * {@code spring.r2dbc.url} (a new database, see {@link #newDatabaseUrl()}), {@code spring.r2dbc.username} and
	 * {@code spring.r2dbc.password}: with these the server uses that database instead of its embedded one.
	 */
	public static Map<String, Object> springProperties() {
		String url = newDatabaseUrl();
		Server current = server();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.r2dbc.url", url);
		properties.put("spring.r2dbc.username", current.username());
		properties.put("spring.r2dbc.password", current.password());
		return properties;
	}

	/** The same properties as command-line arguments, for {@code SpringApplicationBuilder.run(String...)}. */
	public static String[] springArguments() {
		return springProperties().entrySet()
			.stream()
			.map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

	private static Server server() {
		Server current = server;
		if (current == null) {
			synchronized (TestDatabase.class) {
				current = server;
				if (current == null) {
					current = start();
					server = current;
				}
			}
		}
		return current;
	}

	private static Server start() {
		if (dockerAvailable()) {
			return startContainer();
		}
		return startEmbedded();
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	@SuppressWarnings("resource") // stopped by the shutdown hook
	private static Server startContainer() {
		PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
		container.start();
		Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-postgres-stop"));
		logger.info("test PostgreSQL in a container on {}:{}", container.getHost(),
				container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT));
		return new Server(container.getHost(), container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
				container.getUsername(), container.getPassword(), container.getDatabaseName());
	}

	private static Server startEmbedded() {
		Path dir = temporaryDirectory();
		// fsync off: test data need not survive a crash, and the suite runs faster without it
		EmbeddedPostgres postgres = new EmbeddedPostgres(dir.resolve("data"), 0, Duration.ofSeconds(60),
				Map.of("max_connections", "300", "fsync", "off", "synchronous_commit", "off",
						"full_page_writes", "off"))
			.start();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			postgres.stop();
			deleteTree(dir);
		}, "test-postgres-stop"));
		logger.info("test PostgreSQL (embedded) on {}:{}, data in {}", postgres.host(), postgres.port(), dir);
		return new Server(postgres.host(), postgres.port(), EmbeddedPostgres.USER, "", EmbeddedPostgres.DATABASE);
	}

	private static void createDatabase(Server server, String name) {
		PostgresqlConnectionConfiguration.Builder configuration = PostgresqlConnectionConfiguration.builder()
			.host(server.host())
			.port(server.port())
			.username(server.username())
			.database(server.adminDatabase());
		if (!server.password().isEmpty()) {
			configuration.password(server.password());
		}
		PostgresqlConnectionFactory connections = new PostgresqlConnectionFactory(configuration.build());
		Mono.usingWhen(connections.create(), connection -> execute(connection, "CREATE DATABASE " + name),
				Connection::close)
			.block(TIMEOUT);
	}

	private static Mono<Void> execute(Connection connection, String sql) {
		return Flux.from(connection.createStatement(sql).execute()).flatMap(result -> result.getRowsUpdated()).then();
	}

	private static Path temporaryDirectory() {
		try {
			return Files.createTempDirectory("dragnet-test-pg-");
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

	private record Server(String host, int port, String username, String password, String adminDatabase) {
	}
}
