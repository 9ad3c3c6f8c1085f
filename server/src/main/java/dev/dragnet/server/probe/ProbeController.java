package dev.dragnet.server.probe;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/** {@code GET /api/probes}: every probe ever seen, with its state and counters. */
@RestController
class ProbeController {

	private final ProbeService probes;

	ProbeController(ProbeService probes) {
		this.probes = probes;
	}

	@GetMapping("/api/probes")
	Flux<ProbeService.ProbeView> probes() {
		return this.probes.probes();
	}
}
