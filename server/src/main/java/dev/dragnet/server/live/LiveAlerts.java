package dev.dragnet.server.live;

import dev.dragnet.server.alert.AlertService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;

/** Puts every alert raised on the status page, as it is raised. */
@Component
class LiveAlerts implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(LiveAlerts.class);

	private final AlertService alerts;

	private final LiveFeed feed;

	private volatile @Nullable Disposable subscription;

	LiveAlerts(AlertService alerts, LiveFeed feed) {
		this.alerts = alerts;
		this.feed = feed;
	}

	@Override
	public void start() {
		this.subscription = this.alerts.alerts()
			.subscribe(this.feed::alert, (ex) -> logger.error("the status page gets no more alerts: {}", ex.toString()));
	}

	@Override
	public void stop() {
		Disposable current = this.subscription;
		if (current != null) {
			current.dispose();
		}
		this.subscription = null;
	}

	@Override
	public boolean isRunning() {
		return this.subscription != null;
	}
}
