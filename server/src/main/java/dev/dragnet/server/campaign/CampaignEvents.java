package dev.dragnet.server.campaign;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The live feed of campaign state changes: started, paused, resumed, cancelled by an operator, and DONE or
 * FAILED when the last block is over. For alerts and live pages.
 *
 * <p>Changes are published as they happen and not stored. Each subscriber has its own buffer of
 * {@value #BUFFER} changes; one that falls further behind loses its oldest changes, with a log line.
 */
@Component
public class CampaignEvents {

	private static final Logger logger = LoggerFactory.getLogger(CampaignEvents.class);

	/** Changes held for one subscriber that has not caught up. */
	static final int BUFFER = 256;

	private final Sinks.Many<CampaignStateChange> sink = Sinks.many().multicast().directBestEffort();

	private final CampaignRepository campaigns;

	private final Clock clock;

	CampaignEvents(CampaignRepository campaigns, ObjectProvider<Clock> clock) {
		this.campaigns = campaigns;
		this.clock = clock.getIfAvailable(Clock::systemUTC);
	}

	/** Every campaign state change from now on, in the order they happened. Never completes; cancel to stop. */
	public Flux<CampaignStateChange> changes() {
		return this.sink.asFlux()
			.onBackpressureBuffer(BUFFER, (dropped) -> logger.warn(
					"a slow listener of campaign changes missed that campaign {} became {}", dropped.campaign().id(),
					dropped.state()), BufferOverflowStrategy.DROP_OLDEST);
	}

	/** Publishes the campaign's change, read back with its progress; completes once published. */
	Mono<Void> changed(long campaignId) {
		return this.campaigns.findById(campaignId)
			.doOnNext((view) -> publish(new CampaignStateChange(view, this.clock.instant())))
			.then();
	}

	private void publish(CampaignStateChange change) {
		synchronized (this.sink) {
			this.sink.tryEmitNext(change);
		}
	}
}
