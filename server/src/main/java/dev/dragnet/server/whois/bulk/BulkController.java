package dev.dragnet.server.whois.bulk;

import dev.dragnet.server.web.ClientSlots;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * {@code POST /api/whois/bulk}: a stream of domains in, a stream of NDJSON answers out, one per line, as the
 * lookups complete. The body is read as raw buffers so that it is never held whole.
 */
@RestController
class BulkController {

	private final BulkService bulk;

	private final ClientSlots clients;

	BulkController(BulkService bulk, BulkProperties properties) {
		this.bulk = bulk;
		this.clients = new ClientSlots(properties.maxRequestsPerClient());
	}

	@PostMapping(path = "/api/whois/bulk", consumes = { MediaType.TEXT_PLAIN_VALUE, MediaType.APPLICATION_NDJSON_VALUE },
			produces = MediaType.APPLICATION_NDJSON_VALUE)
	Flux<BulkAnswer> bulk(ServerHttpRequest request) {
		BulkFormat format = BulkFormat.of(request.getHeaders().getContentType());
		String client = ClientSlots.client(request.getRemoteAddress());
		return Flux.defer(() -> {
			if (!this.clients.tryTake(client)) {
				return Flux.error(new BulkProblems.TooManyRequests(this.clients.perClient()));
			}
			return this.bulk.answer(request.getBody(), format, request.getId(), client)
				.doFinally((signal) -> this.clients.release(client));
		});
	}
}
