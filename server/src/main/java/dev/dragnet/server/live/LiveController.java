package dev.dragnet.server.live;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/** {@code GET /api/events}: the whole system as Server-Sent Events, for the status page at {@code /}. */
@RestController
class LiveController {

	private final LiveFeed feed;

	LiveController(LiveFeed feed) {
		this.feed = feed;
	}

	/**
	 * The event stream. A browser reconnecting on its own sends {@code Last-Event-ID}; the page sends the same as
	 * the {@code lastEventId} parameter when it has to open a new stream itself.
	 */
	@GetMapping(path = "/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<Object>> events(@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String header,
			@RequestParam(name = "lastEventId", required = false) @Nullable String parameter) {
		return this.feed.events((header != null) ? header : parameter);
	}
}
