package dev.dragnet.server.live;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The live feed behind the status page.
 *
 * @param sampleInterval how often the state is sampled while someone watches; a change shows within this
 * @param heartbeat how often a comment line is sent on an idle stream, so proxies keep it open
 * @param retry how long a browser waits before reconnecting a dropped stream
 */
@ConfigurationProperties("dragnet.live")
public record LiveProperties(@DefaultValue("500ms") Duration sampleInterval, @DefaultValue("15s") Duration heartbeat,
		@DefaultValue("2s") Duration retry) {

	public LiveProperties {
		if (sampleInterval.isNegative() || sampleInterval.isZero() || heartbeat.isNegative() || heartbeat.isZero()) {
			throw new IllegalArgumentException("dragnet.live.sample-interval and heartbeat must be positive");
		}
	}
}
