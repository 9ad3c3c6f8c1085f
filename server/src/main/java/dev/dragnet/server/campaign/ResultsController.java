package dev.dragnet.server.campaign;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

import dev.dragnet.net.DomainNames;
import dev.dragnet.net.Ipv4Range;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What campaigns found: domains on an address, addresses of a domain, and a campaign's whole result as CSV,
 * streamed row by row from the database (never built in memory).
 */
@RestController
class ResultsController {

	private static final String[] VERIFICATION = { "UNVERIFIED", "VERIFIED", "FAILED" };

	private final DatabaseClient db;

	private final CampaignService campaigns;

	ResultsController(DatabaseClient db, CampaignService campaigns) {
		this.db = db;
		this.campaigns = campaigns;
	}

	@GetMapping("/api/ips/{ip}/domains")
	Mono<AddressResult> domainsOf(@PathVariable String ip) {
		return Mono.fromCallable(() -> Ipv4Range.format(Ipv4Range.address(ip, ip)))
			.onErrorMap(IllegalArgumentException.class, (ex) -> new CampaignProblems.InvalidCampaign("invalid-ip",
					"Invalid IP address", ex.getMessage()))
			.flatMap((address) -> this.db.sql("SELECT * FROM ip_domain WHERE ip = :ip::inet ORDER BY domain")
				.bind("ip", address)
				.map(ResultsController::record)
				.all()
				.collectList()
				.zipWith(this.db.sql("SELECT checked_at FROM ip_no_domain WHERE ip = :ip::inet")
					.bind("ip", address)
					.map((row) -> List.of(row.get("checked_at", OffsetDateTime.class).toInstant()))
					.one()
					.defaultIfEmpty(List.of()))
				.map((both) -> new AddressResult(address, both.getT1(), both.getT2().isEmpty() ? null : both.getT2().get(0))));
	}

	@GetMapping("/api/domains/{domain}/ips")
	Flux<DomainRecord> addressesOf(@PathVariable String domain) {
		return Mono.fromCallable(() -> DomainNames.normalise(domain))
			.flatMapMany((name) -> this.db.sql("SELECT * FROM ip_domain WHERE domain = :domain ORDER BY ip")
				.bind("domain", name)
				.map(ResultsController::record)
				.all());
	}

	@GetMapping(path = "/api/campaigns/{id}/results.csv", produces = "text/csv")
	Mono<ResponseEntity<Flux<String>>> csv(@PathVariable long id) {
		return this.campaigns.campaign(id).map((campaign) -> {
			Flux<String> rows = this.db.sql("""
					SELECT host(ip) AS ip, domain, first_seen, last_seen, verification, domain_level, is_new, sources
					FROM ip_domain WHERE campaign_id = :id ORDER BY ip, domain
					""")
				.bind("id", id)
				.map(ResultsController::csvLine)
				.all();
			return ResponseEntity.ok()
				.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"campaign-" + id + "-results.csv\"")
				.contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
				.body(Flux.concat(Flux.just(ResultsCsv.line(ResultsCsv.HEADER)), rows));
		});
	}

	private static String csvLine(Readable row) {
		String[] sources = row.get("sources", String[].class);
		return ResultsCsv.line(Arrays.asList(row.get("ip", String.class), row.get("domain", String.class),
				row.get("first_seen", OffsetDateTime.class).toInstant(), row.get("last_seen", OffsetDateTime.class).toInstant(),
				VERIFICATION[row.get("verification", Short.class)], row.get("domain_level", Short.class),
				row.get("is_new", Boolean.class), String.join(";", (sources != null) ? sources : new String[0])));
	}

	private static DomainRecord record(Readable row) {
		String[] sources = row.get("sources", String[].class);
		Object ip = row.get("ip");
		return new DomainRecord(hostOf(ip), row.get("domain", String.class),
				row.get("first_seen", OffsetDateTime.class).toInstant(), row.get("last_seen", OffsetDateTime.class).toInstant(),
				VERIFICATION[row.get("verification", Short.class)], row.get("domain_level", Short.class),
				Boolean.TRUE.equals(row.get("is_new", Boolean.class)), (sources != null) ? List.of(sources) : List.of(),
				row.get("campaign_id", Long.class));
	}

	private static String hostOf(@Nullable Object inet) {
		if (inet instanceof java.net.InetAddress address) {
			return address.getHostAddress();
		}
		String text = String.valueOf(inet);
		int slash = text.indexOf('/');
		return (slash >= 0) ? text.substring(0, slash) : text;
	}

	/** The domains found on one address, and when it was last checked and found empty, if it was. */
	record AddressResult(String ip, List<DomainRecord> domains, @Nullable Instant noDomainCheckedAt) {
	}

	/**
	 * One (address, domain) record.
	 *
	 * @param verification {@code UNVERIFIED}, {@code VERIFIED} or {@code FAILED}
	 * @param domainLevel 1 for a registrable domain, 2 for a subdomain
	 * @param isNew seen once, not again since
	 */
	record DomainRecord(String ip, String domain, Instant firstSeen, Instant lastSeen, String verification,
			short domainLevel, boolean isNew, List<String> sources, @Nullable Long campaignId) {
	}
}
