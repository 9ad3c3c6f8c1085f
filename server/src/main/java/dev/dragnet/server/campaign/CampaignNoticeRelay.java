package dev.dragnet.server.campaign;

import dev.dragnet.server.cluster.ClusterEvents;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;

/**
 * A campaign started or ended on another instance: this instance tells its own probes, so that probes on every
 * instance start pulling blocks at once rather than at their next periodic ask.
 */
@Component
class CampaignNoticeRelay implements SmartLifecycle {

	private final ClusterEvents events;

	private final BlockWork work;

	private volatile @Nullable Disposable relaying;

	CampaignNoticeRelay(ClusterEvents events, BlockWork work) {
		this.events = events;
		this.work = work;
	}

	@Override
	public void start() {
		this.relaying = this.events.received(BlockWork.CAMPAIGN_EVENT).subscribe((event) -> {
			try {
				this.work.announceHere(Long.parseLong(event.subject()), event.detail());
			}
			catch (NumberFormatException ex) {
				// not a campaign id: an event from a newer or broken instance, ignored
			}
		});
	}

	@Override
	public void stop() {
		Disposable running = this.relaying;
		if (running != null) {
			running.dispose();
		}
		this.relaying = null;
	}

	@Override
	public boolean isRunning() {
		return this.relaying != null;
	}
}
