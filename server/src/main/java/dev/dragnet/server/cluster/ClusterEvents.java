package dev.dragnet.server.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.dragnet.server.db.DatabaseStatus;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Small events every server instance should act on, carried by PostgreSQL's {@code LISTEN/NOTIFY} on channel
 * {@value #CHANNEL}: a campaign started or ended (each instance tells its own probes), the source definitions
 * changed (each instance sends them to its own probes). Best effort by design: an event sent while an instance is
 * not listening (its database connection is being re-established) is not replayed, which costs only time, since
 * probes also ask for blocks every 15 s and get the sources at every welcome.
 *
 * <p>One dedicated connection (not from the pool) listens; it is opened again, with back-off, whenever it fails.
 */
@Component
public class ClusterEvents implements SmartLifecycle {

	/** The notification channel. */
	public static final String CHANNEL = "dragnet_events";

	private static final Logger logger = LoggerFactory.getLogger(ClusterEvents.class);

	/** NOTIFY payloads are limited to 8000 bytes; events are far smaller. */
	private static final int MAX_PAYLOAD = 7900;

	private final DatabaseClient db;

	private final ConnectionFactory connections;

	private final ClusterMembership membership;

	private final DatabaseStatus status;

	private final JsonMapper json = JsonMapper.builder().build();

	/** What to do with each kind of event another instance sends; registered by the features at construction. */
	private final Map<String, List<Consumer<Event>>> handlers = new ConcurrentHashMap<>();

	private volatile @Nullable Disposable listening;

	ClusterEvents(DatabaseClient db, ConnectionFactory connections, ClusterMembership membership,
			DatabaseStatus status) {
		this.db = db;
		this.connections = connections;
		this.membership = membership;
		this.status = status;
	}

	/** Sends {@code kind} about {@code subject} to the other instances; never fails (logged at debug). */
	public Mono<Void> publish(String kind, String subject, String detail) {
		String payload = this.json.writeValueAsString(new Event(kind, subject, detail, this.membership.id()));
		if (payload.length() > MAX_PAYLOAD || !this.status.isAvailable()) {
			return Mono.empty();
		}
		return this.db.sql("SELECT pg_notify(:channel, :payload)")
			.bind("channel", CHANNEL)
			.bind("payload", payload)
			.then()
			.timeout(Duration.ofSeconds(5))
			.onErrorResume((ex) -> {
				logger.debug("could not tell the other instances about {} {}: {}", kind, subject, ex.toString());
				return Mono.empty();
			});
	}

	/**
	 * Calls {@code handler} with every event of {@code kind} another instance sends, on the thread that reads the
	 * notifications: it must not block. A handler that fails is logged and the others still run.
	 */
	public void on(String kind, Consumer<Event> handler) {
		this.handlers.computeIfAbsent(kind, (k) -> new CopyOnWriteArrayList<>()).add(handler);
	}

	@Override
	public void start() {
		this.listening = Flux.usingWhen(Mono.from(raw(this.connections).create()), this::listen,
				(connection) -> Mono.from(connection.close()))
			.repeat()
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(15))
				.doBeforeRetry((signal) -> logger.debug("listening for cluster events again after: {}",
						signal.failure().toString())))
			.subscribe(this::dispatch, (ex) -> logger.error("cluster events stopped: {}", ex.toString()));
	}

	private void dispatch(Event event) {
		for (Consumer<Event> handler : this.handlers.getOrDefault(event.kind(), List.of())) {
			try {
				handler.accept(event);
			}
			catch (RuntimeException ex) {
				logger.warn("a {} event from instance {} could not be handled: {}", event.kind(), event.from(),
						ex.toString());
			}
		}
	}

	private Flux<Event> listen(Connection connection) {
		if (!(connection instanceof PostgresqlConnection postgres)) {
			return Flux.error(new IllegalStateException("cluster events need a PostgreSQL connection, not "
					+ connection.getClass().getName()));
		}
		return postgres.createStatement("LISTEN " + CHANNEL)
			.execute()
			.flatMap((result) -> result.getRowsUpdated())
			.thenMany(postgres.getNotifications())
			.mapNotNull((notification) -> {
				String payload = notification.getParameter();
				if (payload == null) {
					return null;
				}
				try {
					Event event = this.json.readValue(payload, Event.class);
					return this.membership.id().equals(event.from()) ? null : event;
				}
				catch (RuntimeException ex) {
					logger.warn("ignored a cluster event that does not parse: {}", ex.toString());
					return null;
				}
			});
	}

	/** The driver's own factory under a pool, so that listening holds no pooled connection. */
	private static ConnectionFactory raw(ConnectionFactory factory) {
		ConnectionFactory current = factory;
		while (current instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionFactory inner
				&& inner != current) {
			current = inner;
		}
		return current;
	}

	@Override
	public void stop() {
		Disposable running = this.listening;
		if (running != null) {
			running.dispose();
		}
		this.listening = null;
	}

	@Override
	public boolean isRunning() {
		return this.listening != null;
	}

	/**
	 * One event.
	 *
	 * @param kind what it is about ({@code campaign}, {@code sources})
	 * @param subject which one (a campaign id)
	 * @param detail what happened ({@code STARTED}, {@code OVER})
	 * @param from the instance that sent it
	 */
	public record Event(String kind, String subject, String detail, String from) {
	}
}
