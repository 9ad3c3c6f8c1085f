package dev.dragnet.server.whois.directory;

import java.util.Objects;

import dev.dragnet.server.whois.directory.WhoisServerProblems.UnknownSuffix;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The directory's admin API. Reads are open unless {@code dragnet.admin.protect-reads} is set; writes need the
 * admin token (see {@code dev.dragnet.server.web.AdminAuthenticationFilter}).
 */
@RestController
@RequestMapping(path = "/api/whois-servers", produces = MediaType.APPLICATION_JSON_VALUE)
class WhoisServerController {

	private final WhoisServerDirectory directory;

	WhoisServerController(WhoisServerDirectory directory) {
		this.directory = directory;
	}

	/** The entry for exactly this suffix; 404 {@code unknown-suffix} when there is none. */
	@GetMapping("/{suffix}")
	Mono<WhoisServerEntry> get(@PathVariable String suffix) {
		return Mono.fromCallable(() -> WhoisServerRules.suffix(suffix))
			.flatMap(valid -> this.directory.findBySuffix(valid)
				.switchIfEmpty(Mono.error(() -> new UnknownSuffix(valid))));
	}

	/** Adds or replaces the entry as an operator's ({@code admin}) WHOIS server and answers the stored entry. */
	@PutMapping("/{suffix}")
	Mono<WhoisServerEntry> put(@PathVariable String suffix, @RequestBody WhoisServerRequest request) {
		return this.directory.put(suffix, Objects.requireNonNullElse(request.host(), ""),
				Objects.requireNonNullElse(request.port(), WhoisServerRules.DEFAULT_PORT),
				Objects.requireNonNullElse(request.queryFormat(), WhoisServerRules.DEFAULT_QUERY_FORMAT));
	}
}
