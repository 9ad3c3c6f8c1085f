package dev.dragnet.server.source;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.SourceList;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.server.cluster.ClusterEvents;
import dev.dragnet.server.db.DatabaseFailures;
import dev.dragnet.server.probe.ProbeRegistry;
import dev.dragnet.server.web.Printable;
import dev.dragnet.server.web.ProblemException;
import io.r2dbc.postgresql.codec.Json;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reverse-IP sources probes use. Definitions change faster than probe software, so they live here and
 * go to probes as data: after each welcome, and to every connected probe when one changes.
 */
@Service
public class SourceService {

	private static final Logger logger = LoggerFactory.getLogger(SourceService.class);

	private final DatabaseClient db;

	private final ProbeRegistry registry;

	private final JsonMapper json = JsonMapper.builder().build();

	/** The list last read, for probes that connect while the database is away. */
	private final AtomicReference<@Nullable SourceList> lastRead = new AtomicReference<>();

	private final ClusterEvents cluster;

	/** The cluster event that says the source definitions changed ({@link ClusterEvents}). */
	static final String SOURCES_EVENT = "sources";

	SourceService(DatabaseClient db, ProbeRegistry registry, ClusterEvents cluster) {
		this.db = db;
		this.registry = registry;
		this.cluster = cluster;
		// When another instance stored a source, this one sends the new list to its own probes.
		cluster.on(SOURCES_EVENT, (event) -> sourceList().subscribe((list) -> {
			logger.info("source {} changed on instance {}; sending {} source(s) to the probes here", event.subject(),
					event.from(), list.sources().size());
			this.registry.broadcast(Protocol.CAPABILITY_REVERSE_IP, list);
		}, (ex) -> logger.warn("could not read the sources after a change on instance {}: {}", event.from(),
				ex.toString())));
	}


	/** Every enabled source, by name. */
	public Flux<SourceDefinition> sources() {
		return this.db.sql("SELECT definition FROM source WHERE enabled ORDER BY name")
			.map((row) -> this.json.readValue(row.get("definition", Json.class).asString(), SourceDefinition.class))
			.all();
	}

	/** The names a campaign may use: every enabled source, and the built-in {@value SourceCatalogue#PTR}. */
	public Mono<Set<String>> names() {
		return sources().map(SourceDefinition::name).collect(TreeSet<String>::new, Set::add).map((names) -> {
			names.add(SourceCatalogue.PTR);
			return names;
		});
	}

	/** The frame a probe gets after its welcome. */
	public Mono<SourceList> sourceList() {
		return sources().collectList().map(SourceList::new).doOnNext(this.lastRead::set);
	}

	/**
	 * The frame a probe gets after its welcome; while the database is away, the list last read (none when none was
	 * read since the start).
	 */
	public Mono<SourceList> sourceListOrLastRead() {
		return sourceList().onErrorResume(DatabaseFailures::isUnavailable,
				(ex) -> Mono.justOrEmpty(this.lastRead.get()));
	}

	Mono<SourceDefinition> source(String name) {
		return this.db.sql("SELECT definition FROM source WHERE name = :name")
			.bind("name", name)
			.map((row) -> this.json.readValue(row.get("definition", Json.class).asString(), SourceDefinition.class))
			.one()
			.switchIfEmpty(Mono.error(() -> new SourceProblem(HttpStatus.NOT_FOUND, "unknown-source", "No such source",
					"there is no source named '" + name + "'")));
	}

	/** Stores a definition under its name and sends the new list to every probe that runs campaigns. */
	Mono<SourceDefinition> put(String name, SourceDefinition definition) {
		if (!name.equals(definition.name())) {
			return Mono.error(new SourceProblem(HttpStatus.BAD_REQUEST, "invalid-source", "Name mismatch",
					"the path names '" + name + "' but the definition is named '" + definition.name() + "'"));
		}
		if (!SourceCatalogue.isValidName(name)) {
			return Mono.error(new SourceProblem(HttpStatus.BAD_REQUEST, "invalid-source", "Bad source name",
					"'" + Printable.of(name) + "' is not a source name: use 1-64 lower-case letters,"
							+ " digits, dots, underscores and hyphens, starting with a letter or digit"));
		}
		if (SourceCatalogue.PTR.equals(name)) {
			return Mono.error(new SourceProblem(HttpStatus.BAD_REQUEST, "invalid-source", "Reserved name",
					"'" + name + "' is the built-in PTR source every probe has; give the definition another name"));
		}
		return this.db.sql("""
				INSERT INTO source (name, definition, enabled, updated_at) VALUES (:name, :definition, true, now())
				ON CONFLICT (name) DO UPDATE SET definition = EXCLUDED.definition, enabled = true, updated_at = now()
				""")
			.bind("name", name)
			.bind("definition", Json.of(this.json.writeValueAsString(definition)))
			.then()
			.then(sourceList())
			.doOnNext((list) -> {
				logger.info("source {} (version {}) stored; sending {} source(s) to the probes", name,
						definition.version(), list.sources().size());
				this.registry.broadcast(Protocol.CAPABILITY_REVERSE_IP, list);
			})
			.flatMap((list) -> this.cluster.publish(SOURCES_EVENT, name, Integer.toString(definition.version())))
			.thenReturn(definition);
	}

	/** A source that does not exist or cannot be stored as given. */
	static final class SourceProblem extends ProblemException {

		SourceProblem(HttpStatus status, String slug, String title, String detail) {
			super(status, slug, title, detail);
		}
	}
}
