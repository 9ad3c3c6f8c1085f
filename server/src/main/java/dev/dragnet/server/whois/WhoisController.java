package dev.dragnet.server.whois;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.cluster.FleetStatistics;
import dev.dragnet.server.dispatch.TargetStatistics;
import dev.dragnet.server.schedule.Lane;
import dev.dragnet.server.schedule.ScheduleProperties;
import dev.dragnet.server.web.Printable;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * WHOIS over HTTP. {@code /WHOIS/{domain}} and {@code /WHOIS/{domain}:{server}} keep the original service's
 * contract (raw text, every hop in order); {@code /api/whois/{domain}} answers JSON with parsed fields.
 */
@RestController
class WhoisController {

	static final String TRUNCATED_HEADER = "Dragnet-Truncated";

	/** How the cache took part: {@code hit}, {@code miss}, or {@code skipped} while the database is away. */
	static final String CACHE_HEADER = "Dragnet-Cache";

	/** How many server instances' statistics an answer merges (only with several instances). */
	static final String FLEET_HEADER = "Dragnet-Fleet-Instances";

	/** A live instance whose statistics an answer lacks, and why; one header per instance. */
	static final String MISSING_HEADER = "Dragnet-Fleet-Missing";

	private final WhoisService whois;

	private final WhoisProperties properties;

	private final FleetStatistics fleet;

	private final NetworkWhoisService network;

	private final ScheduleProperties schedule;

	private static final Pattern MAX_WAIT = Pattern.compile("(\\d+)(ms|s|m)?");

	WhoisController(WhoisService whois, WhoisProperties properties, FleetStatistics fleet,
			NetworkWhoisService network, ScheduleProperties schedule) {
		this.whois = whois;
		this.schedule = schedule;
		this.network = network;
		this.properties = properties;
		this.fleet = fleet;
	}

	@GetMapping(path = "/WHOIS/{spec}", produces = MediaType.TEXT_PLAIN_VALUE)
	Mono<ResponseEntity<String>> text(@PathVariable String spec, @RequestParam(required = false) @Nullable String policy,
			@RequestParam(defaultValue = "false") boolean fresh, @RequestParam(required = false) @Nullable String maxWait) {
		int colon = spec.indexOf(':');
		String domain = (colon < 0) ? spec : spec.substring(0, colon);
		String server = (colon < 0) ? null : spec.substring(colon + 1);
		if (server != null && server.isBlank()) {
			// A colon names a server; nothing after it is a mistake, not a request for the table's server.
			String shown = Printable.of(domain);
			return Mono.error(WhoisServerAddress.invalid(server, "nothing names it after the ':'; give /WHOIS/" + shown
					+ ":<server>, or /WHOIS/" + shown + " for the server the table names"));
		}
		return waiting(maxWait, () -> this.whois.lookupRaw(request(domain, server, policy, fresh)))
			.map((lookup) -> ResponseEntity.ok()
				.contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
				.header("Dragnet-Probe", lookup.probe())
				.header("Dragnet-Server", lookup.server())
				.header("Dragnet-Source", lookup.source())
				.header("Dragnet-Cached", Boolean.toString(lookup.cached()))
				.header(CACHE_HEADER, lookup.cacheUse())
				.header(TRUNCATED_HEADER, Boolean.toString(lookup.outcome() == TaskResult.Outcome.TRUNCATED))
				.body(WhoisText.render(lookup)));
	}

	@GetMapping(path = "/api/whois/{domain}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<WhoisLookup>> json(@PathVariable String domain,
			@RequestParam(required = false) @Nullable String server,
			@RequestParam(required = false) @Nullable String policy, @RequestParam(defaultValue = "false") boolean fresh,
			@RequestParam(required = false) @Nullable String maxWait) {
		return waiting(maxWait, () -> this.whois.lookup(request(domain, server, policy, fresh)))
			.map((lookup) -> ResponseEntity.ok().header(CACHE_HEADER, lookup.cacheUse()).body(lookup));
	}

	@GetMapping(path = "/api/whois/ip/{address}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<NetworkLookup> address(@PathVariable String address, @RequestParam(required = false) @Nullable String server,
			@RequestParam(required = false) @Nullable String maxWait) {
		return waiting(maxWait, () -> this.network.address(address, server));
	}

	@GetMapping(path = "/api/whois/asn/{asn}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<NetworkLookup> asn(@PathVariable String asn, @RequestParam(required = false) @Nullable String server,
			@RequestParam(required = false) @Nullable String maxWait) {
		return waiting(maxWait, () -> this.network.asn(asn, server));
	}

	/** Runs a lookup that waits at most {@code maxWait} (estimated) for its turn; a bad value is a 400 problem. */
	private <T> Mono<T> waiting(@Nullable String maxWait, Supplier<Mono<T>> lookup) {
		if (maxWait == null) {
			return Mono.defer(lookup);
		}
		Duration parsed;
		try {
			parsed = parseMaxWait(maxWait, this.schedule.maxMaxWait());
		}
		catch (WhoisProblems.InvalidMaxWait ex) {
			return Mono.error(ex);
		}
		return Mono.defer(lookup).contextWrite(Lane.maxWait(parsed));
	}

	/** {@code 30}, {@code 30s}, {@code 500ms} or {@code 2m}; from 0 to {@code dragnet.schedule.max-max-wait}. */
	static Duration parseMaxWait(String text, Duration most) {
		Matcher matcher = MAX_WAIT.matcher(text.strip());
		String shown = Printable.of(text);
		if (!matcher.matches() || matcher.group(1).length() > 9) {
			throw new WhoisProblems.InvalidMaxWait("maxWait '" + shown + "' is not a duration: give seconds (30), or a "
					+ "number with ms, s or m (500ms, 30s, 2m)");
		}
		long amount = Long.parseLong(matcher.group(1));
		String unit = (matcher.group(2) != null) ? matcher.group(2) : "s";
		Duration parsed = switch (unit) {
			case "ms" -> Duration.ofMillis(amount);
			case "m" -> Duration.ofMinutes(amount);
			default -> Duration.ofSeconds(amount);
		};
		if (parsed.compareTo(most) > 0) {
			throw new WhoisProblems.InvalidMaxWait("maxWait '" + shown + "' is longer than the " + most.toSeconds()
					+ "s a lookup may wait");
		}
		return parsed;
	}

	/**
	 * The fleet's per-server statistics. With several instances, {@value #FLEET_HEADER} says how many instances'
	 * numbers are merged, and {@value #MISSING_HEADER} names each live instance left out and why.
	 */
	@GetMapping(path = "/api/whois-servers/stats", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<List<TargetStatistics.TargetStats>>> stats() {
		return this.fleet.snapshot().map((fleet) -> {
			ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
			if (fleet.instances() > 1 || !fleet.missing().isEmpty()) {
				answer.header(FLEET_HEADER, Integer.toString(fleet.instances()));
			}
			fleet.missing().forEach((instance) -> answer.header(MISSING_HEADER, instance.replaceAll("\\p{Cntrl}", " ")));
			return answer.body(fleet.servers());
		});
	}

	private WhoisRequest request(String domain, @Nullable String server, @Nullable String policy, boolean fresh) {
		return new WhoisRequest(domain, server, LookupPolicy.parse(policy, this.properties.defaultPolicy()), fresh);
	}
}
