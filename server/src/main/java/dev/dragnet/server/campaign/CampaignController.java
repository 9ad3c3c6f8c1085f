package dev.dragnet.server.campaign;

import java.time.Duration;
import java.util.List;

import dev.dragnet.server.web.ServerStopping;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /api/campaigns}: create (JSON or a CSV upload of ranges), list, show with progress, and control.
 * Creating and controlling need the admin token, like every mutating endpoint.
 */
@RestController
class CampaignController {

	private final CampaignService campaigns;

	private final ServerStopping stopping;

	CampaignController(CampaignService campaigns, ServerStopping stopping) {
		this.campaigns = campaigns;
		this.stopping = stopping;
	}

	@PostMapping(path = "/api/campaigns", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	Mono<CampaignView> create(@RequestBody CampaignRequest request) {
		return this.campaigns.create(request);
	}

	@PostMapping(path = "/api/campaigns", consumes = { "text/csv", MediaType.TEXT_PLAIN_VALUE })
	@ResponseStatus(HttpStatus.CREATED)
	Mono<CampaignView> createFromCsv(@RequestParam(required = false) @Nullable String name,
			@RequestParam(required = false) @Nullable Integer blockSize,
			@RequestParam(required = false) @Nullable List<String> sources,
			@RequestParam(required = false) @Nullable Boolean verify, @RequestBody(required = false) @Nullable String csv) {
		return this.campaigns.createFromCsv(name, (csv != null) ? csv : "", blockSize, sources, verify);
	}

	@GetMapping("/api/campaigns")
	Flux<CampaignView> campaigns() {
		return this.campaigns.campaigns();
	}

	@GetMapping("/api/campaigns/{id}")
	Mono<CampaignView> campaign(@PathVariable long id) {
		return this.campaigns.campaign(id);
	}

	/**
	 * Progress as Server-Sent Events: a {@code progress} event whenever the numbers change (checked every
	 * second), a comment every 15 s to keep proxies from closing the stream, and a last event when the
	 * campaign is over. A slow reader only ever gets the latest numbers: nothing queues up for it.
	 */
	@GetMapping(path = "/api/campaigns/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<CampaignView>> events(@PathVariable long id) {
		return this.campaigns.campaign(id).flatMapMany((first) -> {
			Flux<ServerSentEvent<CampaignView>> progress = Flux.interval(Duration.ZERO, Duration.ofSeconds(1))
				.onBackpressureDrop()
				.concatMap((tick) -> this.campaigns.campaign(id), 1)
				.distinctUntilChanged()
				.map((view) -> ServerSentEvent.builder(view)
					.event("progress")
					.id(Long.toString(view.progress().blocks().done()))
					.build());
			Flux<ServerSentEvent<CampaignView>> heartbeat = Flux.interval(Duration.ofSeconds(15))
				.onBackpressureDrop()
				.map((tick) -> ServerSentEvent.<CampaignView>builder().comment("heartbeat").build());
			return Flux.merge(progress, heartbeat)
				.takeUntil((event) -> event.data() != null && event.data().state().isOver())
				.takeUntilOther(this.stopping.signal());
		});
	}

	/** FAILED blocks back to PENDING with fresh attempts; a campaign that had ended runs again. */
	@PostMapping("/api/campaigns/{id}/retry-failed")
	Mono<CampaignView> retryFailed(@PathVariable long id) {
		return this.campaigns.retryFailed(id);
	}

	@PostMapping("/api/campaigns/{id}/{action}")
	Mono<CampaignView> control(@PathVariable long id, @PathVariable String action) {
		return this.campaigns.control(id, action);
	}
}
