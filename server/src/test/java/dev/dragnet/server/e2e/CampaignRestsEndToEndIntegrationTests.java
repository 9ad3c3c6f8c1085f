package dev.dragnet.server.e2e;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.source.Extractor;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.server.testsupport.CampaignWorlds;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.testbed.reverseip.Blocking;
import dev.dragnet.testbed.reverseip.FakeSite;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rate limits are scheduling, not failure: real probes through a fake site that throttles briefly and often lose no
 * address and fail no block; a site whose page changed makes the campaign wait (visibly, with the reason) instead of
 * failing, and a fixed definition makes it resume and end exact.
 */
class CampaignRestsEndToEndIntegrationTests {

	private static final String ADMIN = "rests-admin";

	private static final String TOKEN = "rests-probe";

	private static final ReverseIpWorld world = new ReverseIpWorld(97L);

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> EVENT =
			new ParameterizedTypeReference<>() {
			};

	private static final ParameterizedTypeReference<ServerSentEvent<Object>> LIVE_EVENT =
			new ParameterizedTypeReference<>() {
			};

	private PlainTextSite site;

	private RunningServer server;

	private SourceDefinition plain;

	@BeforeEach
	void start() {
		this.site = PlainTextSite.start(world).unlimited();
		this.server = RunningServer.start("--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN,
				"--dragnet.campaigns.min-block-size=16", "--dragnet.probes.ping-interval=2s");
		this.plain = SourceCatalogue.plainText(this.site.baseUrl()).withPace(new Pace(0, 4)).withLimits(1, 1000);
		putSource(this.plain);
		for (String name : List.of("rests-a", "rests-b", "rests-c")) {
			this.server.startProbe(name, TOKEN, 4);
		}
		await().atMost(Duration.ofSeconds(15)).until(() -> this.server.http().get().uri("/api/probes").exchange()
			.expectBody(List.class).returnResult().getResponseBody().size() == 3);
	}

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
		if (this.site != null) {
			this.site.close();
		}
	}

	@Test
	void aSourceThatThrottlesBrieflyAndOftenCostsNoAddressAndNoBlock() {
		// The case: a 429 with Retry-After: 1 on every 97th lookup from the probes' address.
		this.site.behaviour(Blocking.throttleEvery(97, Duration.ofSeconds(1)));
		// 1,024 addresses, none of them a giant shared host.
		List<Ipv4Range> ranges = List.of(Ipv4Range.parse("198.51.100.0/23"), Ipv4Range.parse("198.51.104.0/23"));
		long id = create("throttled", ranges, 64);
		start(id);
		await().atMost(Duration.ofSeconds(75)).pollInterval(Duration.ofMillis(500))
			.until(() -> campaign(id).get("state").equals("DONE"));

		Map<String, Object> done = campaign(id);
		assertThat(blocks(done).get("failed")).as("no block failed").isEqualTo(0);
		assertThat(blocks(done).get("done")).isEqualTo(16);
		assertThat(done.get("failures")).as("nothing to report as failed").isNull();
		assertThat(this.site.requests().stream().filter((r) -> r.uri().contains("reverseiplookup")).count())
			.as("the site throttled the probes several times").isGreaterThanOrEqualTo(1024 + 5);
		assertExact(id, ranges);
	}

	@Test
	void aSourceWhosePageChangedMakesTheCampaignWaitAndAFixedDefinitionResumesIt() {
		List<Ipv4Range> ranges = List.of(Ipv4Range.parse("198.51.106.0/24"));
		long id = create("page-changed", ranges, 16);
		// The site changes its page before the campaign starts: every probe's only source stops making sense.
		this.site.layoutVersion(FakeSite.CHANGED_LAYOUT);
		start(id);

		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
			.until(() -> campaign(id).get("waiting") != null);
		Map<String, Object> waiting = campaign(id);
		assertThat(waiting.get("state")).isEqualTo("RUNNING");
		assertThat(blocks(waiting).get("failed")).as("waiting is not failing").isEqualTo(0);
		Map<?, ?> why = (Map<?, ?>) waiting.get("waiting");
		assertThat((String) why.get("reason")).contains("hackertarget").contains("PAGE_CHANGED");
		assertThat(why.get("until")).as("until when").isNotNull();
		assertThat((List<?>) why.get("resting")).isNotEmpty().allSatisfy((rest) -> {
			assertThat(((Map<?, ?>) rest).get("source")).isEqualTo("hackertarget");
			assertThat(((Map<?, ?>) rest).get("verdict")).isEqualTo("PAGE_CHANGED");
		});
		Map<?, ?> capacity = (Map<?, ?>) waiting.get("capacity");
		assertThat(capacity.get("probes")).isEqualTo(3);
		assertThat(capacity.get("usableSources")).as("probes x sources usable now").isEqualTo(0);

		// The campaign's own stream and the status page's feed say so too.
		Map<String, Object> streamed = campaignEvents(id).map(ServerSentEvent::data)
			.filter((view) -> view != null && view.get("waiting") != null)
			.blockFirst(Duration.ofSeconds(15));
		assertThat(((Map<?, ?>) streamed.get("waiting")).get("reason")).isEqualTo(why.get("reason"));
		Object live = liveEvents().filter((event) -> "campaigns".equals(event.event()))
			.map(ServerSentEvent::data)
			.blockFirst(Duration.ofSeconds(15));
		assertThat(live.toString()).contains("waiting").contains("PAGE_CHANGED");

		// Still waiting a while later, and still no block lost an attempt.
		await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
			.until(() -> blocks(campaign(id)).get("failed").equals(0) && campaign(id).get("waiting") != null);

		// The operator fixes the definition for the new page: the campaign resumes with no other action.
		putSource(fixedFor(this.plain));
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
			.until(() -> campaign(id).get("state").equals("DONE"));
		Map<String, Object> done = campaign(id);
		assertThat(blocks(done).get("failed")).isEqualTo(0);
		assertThat(done.get("waiting")).isNull();
		assertExact(id, ranges);
	}

	/** The plain-text definition, version 2, reading the CSV page the site changed to ({@code host,ip} lines). */
	private static SourceDefinition fixedFor(SourceDefinition broken) {
		return new SourceDefinition(broken.name(), broken.version() + 1, broken.request(),
				new Extractor(Extractor.Kind.REGEX, "(?m)^([^\\s,]+),[0-9.]+$", null, false, null), null,
				broken.blockMarkers(), broken.emptyMarkers(), "(?m)\\Ahost,ip$", broken.pace(), broken.maxResults());
	}

	private void putSource(SourceDefinition definition) {
		this.server.http().put().uri("/api/sources/{name}", definition.name()).headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(definition).exchange().expectStatus().isOk();
	}

	private long create(String name, List<Ipv4Range> ranges, int blockSize) {
		return ((Number) this.server.http().post().uri("/api/campaigns").headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", name, "ranges", ranges.stream().map(Ipv4Range::toString).toList(), "blockSize",
					blockSize))
			.exchange().expectStatus().isCreated()
			.expectBody(JSON).returnResult().getResponseBody().get("id")).longValue();
	}

	private void start(long id) {
		this.server.http().post().uri("/api/campaigns/{id}/start", id).headers((h) -> h.setBearerAuth(ADMIN))
			.exchange().expectStatus().isOk();
	}

	private Map<String, Object> campaign(long id) {
		return this.server.http().get().uri("/api/campaigns/{id}", id).exchange().expectStatus().isOk()
			.expectBody(JSON).returnResult().getResponseBody();
	}

	private static Map<?, ?> blocks(Map<String, Object> campaign) {
		return (Map<?, ?>) ((Map<?, ?>) campaign.get("progress")).get("blocks");
	}

	private Flux<ServerSentEvent<Map<String, Object>>> campaignEvents(long id) {
		return this.server.http().get().uri("/api/campaigns/{id}/events", id).accept(MediaType.TEXT_EVENT_STREAM)
			.exchange().expectStatus().isOk().returnResult(EVENT).getResponseBody();
	}

	private Flux<ServerSentEvent<Object>> liveEvents() {
		return this.server.http().get().uri("/api/events").accept(MediaType.TEXT_EVENT_STREAM)
			.exchange().expectStatus().isOk().returnResult(LIVE_EVENT).getResponseBody();
	}

	/** Every address of {@code range} holds exactly the world's names (a www. twin folds into its bare name). */
	private void assertExact(long id, List<Ipv4Range> ranges) {
		String csv = this.server.http().mutate().codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 << 20))
			.build().get().uri("/api/campaigns/{id}/results.csv", id).exchange().expectStatus()
			.isOk().expectBody(String.class).returnResult().getResponseBody();
		Map<String, Set<String>> stored = new HashMap<>();
		csv.lines().skip(1).forEach((line) -> {
			String[] columns = line.split(",");
			stored.computeIfAbsent(columns[0], (k) -> new HashSet<>()).add(columns[1]);
		});
		int withNames = 0;
		for (Ipv4Range range : ranges) {
			for (long a = range.first(); a <= range.last(); a++) {
				String ip = Ipv4Range.format(a);
				Set<String> expected = CampaignWorlds.reported(world, ip);
				assertThat(stored.getOrDefault(ip, Set.of())).as(ip).isEqualTo(expected);
				withNames += expected.isEmpty() ? 0 : 1;
			}
		}
		assertThat(withNames).as("the range is not trivially empty").isPositive();
	}
}
