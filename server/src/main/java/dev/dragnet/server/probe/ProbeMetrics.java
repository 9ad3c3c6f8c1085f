package dev.dragnet.server.probe;

import java.util.List;

import dev.dragnet.protocol.Protocol;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * The fleet's gauges: {@code dragnet.probes} by state and {@code dragnet.tasks.in.flight} by task kind. Read
 * from memory at each scrape.
 */
@Component
class ProbeMetrics implements MeterBinder {

	private static final List<String> KINDS = List.of(Protocol.CAPABILITY_WHOIS, Protocol.CAPABILITY_RDAP);

	private final ProbeRegistry registry;

	private final ProbeEvents events;

	ProbeMetrics(ProbeRegistry registry, ProbeEvents events) {
		this.registry = registry;
		this.events = events;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		Gauge.builder("dragnet.probes", this.registry, ProbeRegistry::effectiveCount)
			.tag("state", "effective")
			.description("Probes connected and answering pings")
			.register(meters);
		Gauge.builder("dragnet.probes", this.events, (e) -> e.down().size())
			.tag("state", "ineffective")
			.description("Probes that became ineffective since the server started and are not back")
			.register(meters);
		for (String kind : KINDS) {
			Gauge.builder("dragnet.tasks.in.flight", this.registry, (r) -> r.inFlightByKind().getOrDefault(kind, 0))
				.tag("kind", kind)
				.description("Tasks sent to probes and not answered yet")
				.register(meters);
		}
	}
}
