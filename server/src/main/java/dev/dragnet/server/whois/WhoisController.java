package dev.dragnet.server.whois;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.dispatch.TargetStatistics;
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

	private final WhoisService whois;

	private final WhoisProperties properties;

	private final TargetStatistics statistics;

	private final NetworkWhoisService network;

	WhoisController(WhoisService whois, WhoisProperties properties, TargetStatistics statistics,
			NetworkWhoisService network) {
		this.whois = whois;
		this.network = network;
		this.properties = properties;
		this.statistics = statistics;
	}

	@GetMapping(path = "/WHOIS/{spec}", produces = MediaType.TEXT_PLAIN_VALUE)
	Mono<ResponseEntity<String>> text(@PathVariable String spec, @RequestParam(required = false) @Nullable String policy,
			@RequestParam(defaultValue = "false") boolean fresh) {
		int colon = spec.indexOf(':');
		String domain = (colon < 0) ? spec : spec.substring(0, colon);
		String server = (colon < 0) ? null : spec.substring(colon + 1);
		return this.whois.lookup(request(domain, server, policy, fresh))
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
			@RequestParam(required = false) @Nullable String policy, @RequestParam(defaultValue = "false") boolean fresh) {
		return this.whois.lookup(request(domain, server, policy, fresh))
			.map((lookup) -> ResponseEntity.ok().header(CACHE_HEADER, lookup.cacheUse()).body(lookup));
	}

	@GetMapping(path = "/api/whois/ip/{address}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<NetworkLookup> address(@PathVariable String address, @RequestParam(required = false) @Nullable String server) {
		return this.network.address(address, server);
	}

	@GetMapping(path = "/api/whois/asn/{asn}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<NetworkLookup> asn(@PathVariable String asn, @RequestParam(required = false) @Nullable String server) {
		return this.network.asn(asn, server);
	}

	@GetMapping(path = "/api/whois-servers/stats", produces = MediaType.APPLICATION_JSON_VALUE)
	List<TargetStatistics.TargetStats> stats() {
		return this.statistics.snapshot();
	}

	private WhoisRequest request(String domain, @Nullable String server, @Nullable String policy, boolean fresh) {
		return new WhoisRequest(domain, server, LookupPolicy.parse(policy, this.properties.defaultPolicy()), fresh);
	}
}
