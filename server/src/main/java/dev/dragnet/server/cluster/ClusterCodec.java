package dev.dragnet.server.cluster;

import java.util.List;

import dev.dragnet.server.dispatch.TargetStatistics;
import dev.dragnet.server.dispatch.TrafficSeries;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON of the calls between instances. Both ends use this one mapper, so a WHOIS answer is escaped and read back
 * the same way; unknown properties are ignored, so a newer instance can add fields.
 */
final class ClusterCodec {

	private static final TypeReference<List<TargetStatistics.TargetStats>> STATS = new TypeReference<>() {
	};

	private final JsonMapper mapper = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	byte[] write(Object value) {
		return this.mapper.writeValueAsBytes(value);
	}

	ForwardedTask task(byte[] json) {
		return this.mapper.readValue(json, ForwardedTask.class);
	}

	ForwardReply reply(byte[] json) {
		return this.mapper.readValue(json, ForwardReply.class);
	}

	List<TargetStatistics.TargetStats> stats(byte[] json) {
		return this.mapper.readValue(json, STATS);
	}

	TrafficSeries.Traffic traffic(byte[] json) {
		return this.mapper.readValue(json, TrafficSeries.Traffic.class);
	}
}
