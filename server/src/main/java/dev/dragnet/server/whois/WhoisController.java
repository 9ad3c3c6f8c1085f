package dev.dragnet.server.whois;

import java.nio.charset.StandardCharsets;

import dev.dragnet.protocol.TaskResult;
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
 * contract (raw text); {@code /api/whois/{domain}} answers JSON.
 */
@RestController
class WhoisController {

	static final String TRUNCATED_HEADER = "Dragnet-Truncated";

	private final WhoisService whois;

	WhoisController(WhoisService whois) {
		this.whois = whois;
	}

	@GetMapping(path = "/WHOIS/{spec}", produces = MediaType.TEXT_PLAIN_VALUE)
	Mono<ResponseEntity<String>> text(@PathVariable String spec) {
		int colon = spec.indexOf(':');
		String domain = (colon < 0) ? spec : spec.substring(0, colon);
		String server = (colon < 0) ? null : spec.substring(colon + 1);
		return this.whois.lookup(domain, server)
			.map((lookup) -> ResponseEntity.ok()
				.contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
				.header("Dragnet-Probe", lookup.probe())
				.header("Dragnet-Server", lookup.server())
				.header(TRUNCATED_HEADER, Boolean.toString(lookup.outcome() == TaskResult.Outcome.TRUNCATED))
				.body((lookup.text() != null) ? lookup.text() : ""));
	}

	@GetMapping(path = "/api/whois/{domain}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<WhoisLookup> json(@PathVariable String domain, @RequestParam(required = false) @Nullable String server) {
		return this.whois.lookup(domain, server);
	}
}
