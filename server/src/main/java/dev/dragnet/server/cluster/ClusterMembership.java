package dev.dragnet.server.cluster;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.dragnet.server.db.DatabaseStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * This instance's membership of the Dragnet cluster: the {@code server_instance} table holds every instance (id,
 * advertised URL, start, heartbeat). Every {@code dragnet.cluster.heartbeat-interval} this instance writes its
 * heartbeat, reads who else is alive, and declares dead every instance whose heartbeat is older than
 * {@code dead-after}: one statement sets {@code stopped_at}, so exactly one surviving instance claims each death
 * and announces it on {@link #deaths()} (its probes are then shown INEFFECTIVE, their work goes elsewhere).
 *
 * <p>The database's clock judges every heartbeat, so clocks of instances may differ. After this instance could
 * not reach the database, it judges nobody until it has been beating again for {@code dead-after}: the others may
 * have been cut off just as long. An instance that finds itself declared dead (it was cut off longer) joins again
 * and announces it on {@link #rejoined()}, so that what it holds is written again.
 *
 * <p>With one instance all of this is one row and one statement every heartbeat.
 */
@Component
public class ClusterMembership implements SmartLifecycle, ApplicationListener<WebServerInitializedEvent> {

	private static final Logger logger = LoggerFactory.getLogger(ClusterMembership.class);

	private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);

	private final DatabaseClient db;

	private final DatabaseStatus status;

	private final ClusterProperties properties;

	private final String id;

	private final Sinks.Many<String> deaths = Sinks.many().multicast().onBackpressureBuffer(1024, false);

	private final Sinks.Many<Boolean> rejoined = Sinks.many().multicast().onBackpressureBuffer(16, false);

	private volatile List<Member> members = List.of();

	private volatile @Nullable URI url;

	/** When beats started succeeding again (nanoTime), or 0 while they fail. */
	private volatile long beatingSince;

	private volatile @Nullable Disposable beating;

	ClusterMembership(DatabaseClient db, DatabaseStatus status, ClusterProperties properties) {
		this.db = db;
		this.status = status;
		this.properties = properties;
		this.id = hostName() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
		this.url = properties.advertiseUrl();
	}

	/** This instance's id: its host name and a random suffix, new at every start. */
	public String id() {
		return this.id;
	}

	/** The instances alive at the last heartbeat, this one included. */
	public List<Member> members() {
		return this.members;
	}

	/** The other instances alive at the last heartbeat. */
	public List<Member> peers() {
		return this.members.stream().filter((member) -> !member.id().equals(this.id)).toList();
	}

	/**
	 * Whether this instance speaks for the cluster about what every instance sees alike (the database going away):
	 * the longest-running instance at the last heartbeat, or this one before the first. So an outage is mailed
	 * once, not once per instance.
	 */
	public boolean leads() {
		List<Member> known = this.members;
		return known.isEmpty() || known.get(0).self();
	}

	/** The id of every instance this instance declared dead; each death is claimed by one instance only. */
	public Flux<String> deaths() {
		return this.deaths.asFlux();
	}

	/** Emits when this instance, declared dead by another while cut off, joined again. */
	public Flux<Boolean> rejoined() {
		return this.rejoined.asFlux();
	}

	/** The SQL condition "instance {@code column} is alive", binding {@code :deadAfterMillis}. */
	public static String aliveCondition(String column) {
		return column + " IN (SELECT id FROM server_instance WHERE stopped_at IS NULL"
				+ " AND heartbeat_at > now() - make_interval(secs => :deadAfterMillis / 1000.0))";
	}

	/** The value to bind to {@code :deadAfterMillis} in an {@link #aliveCondition}. */
	public long deadAfterMillis() {
		return this.properties.deadAfter().toMillis();
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (this.url == null && !"management".equals(event.getApplicationContext().getServerNamespace())) {
			this.url = URI.create("http://" + hostAddress() + ":" + event.getWebServer().getPort());
		}
	}

	@Override
	public void start() {
		this.db.sql("""
				INSERT INTO server_instance (id, url, started_at, heartbeat_at) VALUES (:id, NULL, now(), now())
				""")
			.bind("id", this.id)
			.then()
			.block(STATEMENT_TIMEOUT.multipliedBy(2));
		this.beatingSince = System.nanoTime();
		logger.info("server instance {} joined the cluster", this.id);
		this.beating = Flux.interval(Duration.ZERO, this.properties.heartbeatInterval(), Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> beat().onErrorResume((ex) -> {
				this.status.failed(ex);
				if (this.beatingSince != 0) {
					logger.warn("instance {} could not write its heartbeat: {}", this.id, ex.toString());
				}
				this.beatingSince = 0;
				return Mono.empty();
			}))
			.subscribe(null, (ex) -> logger.error("the cluster heartbeat stopped: {}", ex.toString()));
	}

	/** One heartbeat: write ours, read the members, declare the dead. */
	Mono<Void> beat() {
		if (!this.status.isAvailable()) {
			this.beatingSince = 0;
			return Mono.empty();
		}
		URI advertised = this.url;
		return this.db.sql("""
				UPDATE server_instance SET heartbeat_at = now(), url = :url WHERE id = :id AND stopped_at IS NULL
				""")
			.bind("id", this.id)
			.bind("url", (advertised != null) ? advertised.toString() : "")
			.fetch()
			.rowsUpdated()
			.timeout(STATEMENT_TIMEOUT)
			.flatMap((updated) -> (updated > 0) ? Mono.<Void>empty() : rejoin())
			.then(Mono.defer(this::readMembers))
			.then(Mono.defer(() -> {
				long now = System.nanoTime();
				if (this.beatingSince == 0) {
					this.beatingSince = now;
				}
				boolean judging = now - this.beatingSince >= this.properties.deadAfter().toNanos();
				return judging ? declareDead() : Mono.<Void>empty();
			}));
	}

	private Mono<Void> rejoin() {
		logger.warn("instance {} was declared dead by another instance while cut off from the database; joining again",
				this.id);
		return this.db.sql("""
				INSERT INTO server_instance (id, url, started_at, heartbeat_at) VALUES (:id, NULL, now(), now())
				ON CONFLICT (id) DO UPDATE SET stopped_at = NULL, stop_reason = NULL, heartbeat_at = now()
				""")
			.bind("id", this.id)
			.then()
			.timeout(STATEMENT_TIMEOUT)
			.doOnSuccess((done) -> this.rejoined.tryEmitNext(Boolean.TRUE));
	}

	private Mono<Void> readMembers() {
		return this.db.sql("SELECT id, url, started_at, heartbeat_at FROM server_instance WHERE stopped_at IS NULL"
				+ " AND heartbeat_at > now() - make_interval(secs => :deadAfterMillis / 1000.0) ORDER BY started_at, id")
			.bind("deadAfterMillis", deadAfterMillis())
			.map((row) -> {
				String url = row.get("url", String.class);
				return new Member(row.get("id", String.class),
						(url == null || url.isEmpty()) ? null : URI.create(url),
						row.get("started_at", OffsetDateTime.class).toInstant(),
						row.get("heartbeat_at", OffsetDateTime.class).toInstant(), this.id.equals(row.get("id", String.class)));
			})
			.all()
			.collectList()
			.timeout(STATEMENT_TIMEOUT)
			.doOnNext((list) -> {
				if (!list.stream().map(Member::id).toList().equals(this.members.stream().map(Member::id).toList())) {
					logger.info("cluster members: {}", list.stream().map(Member::id).toList());
				}
				this.members = List.copyOf(list);
			})
			.then();
	}

	private Mono<Void> declareDead() {
		return this.db.sql("""
				UPDATE server_instance SET stopped_at = now(), stop_reason = :reason
				WHERE stopped_at IS NULL AND id <> :id AND heartbeat_at <= now() - make_interval(secs => :deadAfterMillis / 1000.0)
				RETURNING id
				""")
			.bind("id", this.id)
			.bind("deadAfterMillis", deadAfterMillis())
			.bind("reason", "no heartbeat for " + this.properties.deadAfter().toSeconds() + "s, declared by " + this.id)
			.map((row) -> row.get("id", String.class))
			.all()
			.timeout(STATEMENT_TIMEOUT)
			.doOnNext((dead) -> {
				logger.warn("server instance {} stopped beating; instance {} takes over what it held", dead, this.id);
				this.deaths.tryEmitNext(dead);
			})
			.then();
	}

	@Override
	public void stop() {
		Disposable running = this.beating;
		if (running != null) {
			running.dispose();
		}
		this.beating = null;
		// Leave as stale, not stopped: a surviving instance claims it at its next beat and takes over its probes
		// at once, as it would after a crash. With no other instance, the next start does.
		try {
			this.db.sql("UPDATE server_instance SET heartbeat_at = '-infinity' WHERE id = :id")
				.bind("id", this.id)
				.then()
				.block(STATEMENT_TIMEOUT);
			logger.info("server instance {} left the cluster", this.id);
		}
		catch (RuntimeException ex) {
			logger.warn("instance {} could not say it left the cluster ({}); the others will notice within {}", this.id,
					ex.toString(), this.properties.deadAfter());
		}
	}

	@Override
	public boolean isRunning() {
		return this.beating != null;
	}

	/** Before the web server starts, so that no probe is accepted before this instance is known. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	private static String hostName() {
		try {
			String name = InetAddress.getLocalHost().getHostName();
			int dot = name.indexOf('.');
			return ((dot > 0) ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9-]", "-");
		}
		catch (UnknownHostException ex) {
			return "dragnet";
		}
	}

	private static String hostAddress() {
		try {
			return InetAddress.getLocalHost().getHostAddress();
		}
		catch (UnknownHostException ex) {
			return "127.0.0.1";
		}
	}

	/** One live instance. */
	public record Member(String id, @Nullable URI url, Instant startedAt, Instant heartbeatAt, boolean self) {
	}
}
