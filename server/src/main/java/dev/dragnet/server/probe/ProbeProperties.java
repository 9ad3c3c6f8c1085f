package dev.dragnet.server.probe;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the server treats probe agents.
 *
 * @param tokens tokens a probe may present in its hello; a probe with any other token is refused
 * @param pingInterval how often the server pings each probe
 * @param missedPings unanswered pings in a row after which a probe is INEFFECTIVE and its session closed
 * @param helloTimeout how long a new connection may take to send its hello
 */
@ConfigurationProperties("dragnet.probes")
public record ProbeProperties(@DefaultValue List<String> tokens, @DefaultValue("10s") Duration pingInterval,
		@DefaultValue("2") int missedPings, @DefaultValue("10s") Duration helloTimeout) {

	public ProbeProperties {
		tokens = tokens.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
		if (missedPings < 1) {
			throw new IllegalArgumentException("dragnet.probes.missed-pings must be at least 1");
		}
		if (pingInterval.isZero() || pingInterval.isNegative()) {
			throw new IllegalArgumentException("dragnet.probes.ping-interval must be positive");
		}
	}
}
