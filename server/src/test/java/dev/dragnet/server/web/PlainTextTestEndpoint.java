package dev.dragnet.server.web;

import dev.dragnet.net.DomainNames;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A text/plain endpoint like {@code /WHOIS/{domain}}, for checking how errors render to plain-text clients.
 * Component scanning finds it in every test context, but it is only active with {@value #ENABLED}.
 */
@RestController
@ConditionalOnProperty(name = PlainTextTestEndpoint.ENABLED, havingValue = "true")
class PlainTextTestEndpoint {

	static final String ENABLED = "dragnet.test.plain-text-endpoint";

	@GetMapping(path = "/test/text/{domain}", produces = MediaType.TEXT_PLAIN_VALUE)
	Mono<String> text(@PathVariable String domain) {
		return Mono.fromCallable(() -> "ok " + DomainNames.normalise(domain));
	}

	@GetMapping(path = "/test/boom", produces = MediaType.TEXT_PLAIN_VALUE)
	Mono<String> boom() {
		return Mono.error(new IllegalStateException("secret internals"));
	}
}
