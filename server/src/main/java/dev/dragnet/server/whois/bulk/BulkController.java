package dev.dragnet.server.whois.bulk;

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

	BulkController(BulkService bulk) {
		this.bulk = bulk;
	}

	@PostMapping(path = "/api/whois/bulk", consumes = { MediaType.TEXT_PLAIN_VALUE, MediaType.APPLICATION_NDJSON_VALUE },
			produces = MediaType.APPLICATION_NDJSON_VALUE)
	Flux<BulkAnswer> bulk(ServerHttpRequest request) {
		BulkFormat format = BulkFormat.of(request.getHeaders().getContentType());
		return this.bulk.answer(request.getBody(), format, request.getId());
	}
}
