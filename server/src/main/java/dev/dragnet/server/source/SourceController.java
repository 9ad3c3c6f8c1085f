package dev.dragnet.server.source;

import dev.dragnet.protocol.source.SourceDefinition;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code /api/sources}: list, show and (admin) store reverse-IP source definitions. */
@RestController
class SourceController {

	private final SourceService sources;

	SourceController(SourceService sources) {
		this.sources = sources;
	}

	@GetMapping("/api/sources")
	Flux<SourceDefinition> sources() {
		return this.sources.sources();
	}

	@GetMapping("/api/sources/{name}")
	Mono<SourceDefinition> source(@PathVariable String name) {
		return this.sources.source(name);
	}

	@PutMapping("/api/sources/{name}")
	Mono<SourceDefinition> put(@PathVariable String name, @RequestBody SourceDefinition definition) {
		return this.sources.put(name, definition);
	}
}
