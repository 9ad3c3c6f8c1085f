package dev.dragnet.server.probe;

import java.util.List;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.server.cluster.FleetProbes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * The fleet's gauges: {@code dragnet.probes} by state and {@code dragnet.tasks.in.flight} by task kind. Read
 * from memory at each scrape; with several instances, the effective probes include those on the other live
 * instances ({@link FleetProbes}, read from the probe table each heartbeat), so every instance shows the whole
 * fleet. Tasks in flight and the ineffective count are this instance's.
 */
@Component
class ProbeMetrics implements MeterBinder {

	private static final List<String> KINDS = List.of(Protocol.CAPABILITY_WHOIS, Protocol.CAPABILITY_RDAP);

	private final ProbeRegistry registry;

	private final ProbeEvents events;

	private final FleetProbes fleet;

	ProbeMetrics(ProbeRegistry registry, ProbeEvents events, FleetProbes fleet) {
		this.registry = registry;
		this.events = events;
		this.fleet = fleet;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		Gauge.builder("dragnet.probes", this, (m) -> m.registry.effectiveCount() + m.fleet.effectiveElsewhere())
			.tag("state", "effective")
			.description("Probes connected and answering pings, on every live server instance")
			.register(meters);
		Gauge.builder("dragnet.probes", this.events, (e) -> e.down().size())
			.tag("state", "ineffective")
			.description("Probes that became ineffective since the server started and are not back")
			.register(meters);
		for (String kind : KINDS) {
			Gauge.builder("dragnet.tasks.in.flight", this.registry, (r) -> r.inFlight(kind))
				.tag("kind", kind)
				.description("Tasks sent to probes and not answered yet")
				.register(meters);
		}
	}
}
