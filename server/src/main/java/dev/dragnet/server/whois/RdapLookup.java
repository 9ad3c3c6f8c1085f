package dev.dragnet.server.whois;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.RdapQuery;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.dispatch.DispatchRequest;
import dev.dragnet.server.dispatch.Dispatched;
import dev.dragnet.server.dispatch.TaskDispatcher;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * RDAP through a probe: the probe fetches the registry's record and the registrar's related record, and
 * each response becomes a {@link Hop}. HTTP 429 comes back THROTTLED and is retried on another probe.
 */
@Component
class RdapLookup {

	private final TaskDispatcher dispatcher;

	private final WhoisProperties properties;

	private final JsonMapper json = JsonMapper.builder().build();

	RdapLookup(TaskDispatcher dispatcher, WhoisProperties properties) {
		this.dispatcher = dispatcher;
		this.properties = properties;
	}

	Mono<List<Hop>> run(String domain, String url) {
		String host = URI.create(url).getHost();
		RdapQuery work = new RdapQuery(url, (int) this.properties.maxResponseSize().toBytes(),
				this.properties.connectTimeout().toMillis(), true, this.properties.paceFor(domain));
		return this.dispatcher.dispatch(DispatchRequest.of(Protocol.CAPABILITY_RDAP, work, "rdap:" + host))
			.map((done) -> toHops(url, done));
	}

	private List<Hop> toHops(String url, Dispatched done) {
		TaskResult result = done.result();
		String text = result.text();
		if (result.outcome() != TaskResult.Outcome.OK || text == null) {
			return List.of(new Hop(Hop.RDAP, URI.create(url).getHost(), url, done.probe(), result.outcome(), text, null,
					done.elapsedMillis(), done.attempts(), result.detail()));
		}
		List<Hop> hops = new ArrayList<>();
		for (JsonNode response : this.json.readTree(text).path("responses")) {
			String responseUrl = response.path("url").asString(url);
			JsonNode body = response.get("body");
			boolean first = hops.isEmpty();
			hops.add(new Hop(Hop.RDAP, URI.create(responseUrl).getHost(), responseUrl, done.probe(), TaskResult.Outcome.OK,
					(body != null && !body.isNull()) ? this.json.writerWithDefaultPrettyPrinter().writeValueAsString(body) : null,
					response.path("status").asInt(0), first ? done.elapsedMillis() : 0, first ? done.attempts() : List.of(),
					first ? null : "related link from the registry's record"));
		}
		if (hops.isEmpty()) {
			hops.add(new Hop(Hop.RDAP, URI.create(url).getHost(), url, done.probe(), TaskResult.Outcome.ERROR, text, null,
					done.elapsedMillis(), done.attempts(), "the probe's RDAP result held no response"));
		}
		return List.copyOf(hops);
	}
}
