package dev.dragnet.server.whois.directory;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import dev.dragnet.server.db.DatabaseSeed;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seeds {@code whois_server} from {@code classpath:whois/tld.json} at every start, in one statement: new
 * suffixes are added, {@code seed} rows follow the file (and go when the file drops them), and {@code admin}
 * rows are never touched.
 */
@Component
@Order(0)
class WhoisServerSeed implements DatabaseSeed {

	static final String FILE = "whois/tld.json";

	private static final Logger logger = LoggerFactory.getLogger(WhoisServerSeed.class);

	private static final String UPSERT = """
			WITH seed AS (
			    SELECT * FROM jsonb_to_recordset($1::jsonb)
			        AS s(suffix text, host text, "queryFormat" text, service text, "webUrl" text)
			), removed AS (
			    DELETE FROM whois_server w
			    WHERE w.origin = 'seed' AND NOT EXISTS (SELECT 1 FROM seed WHERE seed.suffix = w.suffix)
			    RETURNING 1
			), changed AS (
			    INSERT INTO whois_server (suffix, host, port, query_format, service, web_url, origin)
			    SELECT suffix, host, 43, "queryFormat", service, "webUrl", 'seed' FROM seed
			    ON CONFLICT (suffix) DO UPDATE
			        SET host = EXCLUDED.host, port = EXCLUDED.port, query_format = EXCLUDED.query_format,
			            service = EXCLUDED.service, web_url = EXCLUDED.web_url, updated_at = now()
			        WHERE whois_server.origin = 'seed'
			          AND (whois_server.host, whois_server.port, whois_server.query_format, whois_server.service,
			               whois_server.web_url)
			              IS DISTINCT FROM (EXCLUDED.host, EXCLUDED.port, EXCLUDED.query_format, EXCLUDED.service,
			               EXCLUDED.web_url)
			    RETURNING 1
			)
			SELECT (SELECT count(*) FROM changed) AS changed, (SELECT count(*) FROM removed) AS removed
			""";

	@Override
	public Mono<Void> populate(Connection connection) {
		return readFile().flatMap(file -> upsert(connection, file).doOnNext(counts -> log(file, counts))).then();
	}

	/** Reading the classpath is blocking I/O, so it happens off the event loop. */
	private static Mono<SeedFile> readFile() {
		return Mono.fromCallable(WhoisServerSeed::read).subscribeOn(Schedulers.boundedElastic());
	}

	private static SeedFile read() throws IOException {
		JsonMapper json = JsonMapper.shared();
		JsonNode root;
		try (InputStream in = new ClassPathResource(FILE).getInputStream()) {
			root = json.readTree(in);
		}
		List<TldFile.Row> rows = TldFile.rows(root);
		return new SeedFile(rows.size(), TldFile.updated(root), json.writeValueAsString(rows));
	}

	private static Mono<Counts> upsert(Connection connection, SeedFile file) {
		return Mono.from(connection.createStatement(UPSERT).bind("$1", Json.of(file.rowsJson())).execute())
			.flatMap(result -> Mono.from(result.map((row, metadata) -> new Counts(row.get("changed", Long.class),
					row.get("removed", Long.class)))));
	}

	private static void log(SeedFile file, Counts counts) {
		logger.info("WHOIS server directory: {} suffixes in {} (updated {}); {} added or changed, {} removed",
				file.size(), FILE, file.updated(), counts.changed(), counts.removed());
	}

	private record SeedFile(int size, String updated, String rowsJson) {
	}

	private record Counts(Long changed, Long removed) {
	}
}
