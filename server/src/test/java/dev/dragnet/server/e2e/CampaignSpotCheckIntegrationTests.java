package dev.dragnet.server.e2e;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.server.testsupport.CampaignWorlds;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.server.testsupport.TestHttp;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Campaign spot checks end to end: three real probes on a campaign, one of which gets made-up answers (the site
 * answers its address, {@code 127.0.0.3}, from another world, as a tampering network on its path would). Every
 * stored block has an address asked again on another probe (share 1 here); the liar loses the checks, is quarantined
 * with the reason on {@code GET /api/probes}, what it answered is done again by the others, and the campaign ends
 * with every address equal to the true world. The honest probes are never quarantined.
 */
class CampaignSpotCheckIntegrationTests {

	private static final String ADMIN = "spot-check-admin";

	private static final String TOKEN = "spot-check-probe";

	private static final String LIAR_ADDRESS = "127.0.0.3";

	private static final ReverseIpWorld world = new ReverseIpWorld(20261205L);

	private static final ReverseIpWorld lies = new ReverseIpWorld(777L);

	private static PlainTextSite site;

	private static RunningServer server;

	@BeforeAll
	static void start() throws Exception {
		site = PlainTextSite.start(world).unlimited().answerFrom(LIAR_ADDRESS, lies);
		server = RunningServer.start("--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN,
				"--dragnet.campaigns.min-block-size=16", "--dragnet.probes.quarantine.spot-check-share=1",
				"--dragnet.probes.quarantine.max-disagreements=2",
				"--dragnet.probes.quarantine.max-concurrent-checks=16");
		SourceDefinition plain = SourceCatalogue.plainText(site.baseUrl()).withPace(new Pace(0, 4));
		server.http().put().uri("/api/sources/{name}", plain.name()).headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(plain).exchange().expectStatus().isOk();
		InetAddress liar = InetAddress.getByName(LIAR_ADDRESS);
		server.startProbe("honest-a", TOKEN, 4);
		server.startProbe("honest-b", TOKEN, 4);
		server.startProbe("liar", TOKEN, 4, (config) -> config.withBindAddress(liar));
		await().atMost(Duration.ofSeconds(15))
			.until(() -> probes().stream().filter((p) -> "EFFECTIVE".equals(p.get("state"))).count() == 3);
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
		if (site != null) {
			site.close();
		}
	}

	/** 512 addresses of 198.51.0.0/16 where neither world has a giant shared-hosting address. */
	private static Ipv4Range range() {
		return CampaignWorlds.quietRange(512, 1000, world, lies);
	}

	/** The world's names as a probe reports them: a www. twin folds into the bare name. */
	private static Set<String> expected(String ip) {
		return CampaignWorlds.reported(world, ip);
	}

	@Test
	void aProbeWhoseCampaignAnswersDisagreeIsQuarantinedAndTheCampaignStillEndsExact() {
		Ipv4Range range = range();
		long id = TestHttp.startCampaign(server.http(), ADMIN,
				Map.of("name", "spot-checked", "ranges", List.of(range.toString()), "blockSize", 16));

		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
			.until(() -> quarantineOf("liar") != null);
		assertThat(quarantineOf("liar")).contains("disagreed with other probes' in 2 spot checks");
		assertThat(probe("liar")).containsEntry("state", "EFFECTIVE");
		assertThat(site.requestsFrom(LIAR_ADDRESS)).as("the liar worked on the campaign").isNotEmpty();

		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
			.until(() -> "DONE".equals(campaign(id).get("state")));
		Map<String, Object> campaign = campaign(id);
		assertThat(campaign).extractingByKey("failures").isNull();
		@SuppressWarnings("unchecked")
		Map<String, Map<String, Number>> progress = (Map<String, Map<String, Number>>) campaign.get("progress");
		assertThat(progress.get("ips").get("done").longValue()).as("checks count in no progress").isEqualTo(range.size());
		assertThat(progress.get("blocks").get("done").longValue()).isEqualTo(range.size() / 16);

		String csv = server.http().mutate().codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 << 20)).build()
			.get().uri("/api/campaigns/{id}/results.csv", id).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		Map<String, Set<String>> stored = new HashMap<>();
		csv.lines().skip(1).forEach((line) -> {
			String[] columns = line.split(",");
			stored.computeIfAbsent(columns[0], (k) -> new HashSet<>()).add(columns[1]);
		});
		int withDomains = 0;
		for (long a = range.first(); a <= range.last(); a++) {
			String ip = Ipv4Range.format(a);
			Set<String> expected = expected(ip);
			assertThat(stored.getOrDefault(ip, Set.of())).as(ip).isEqualTo(expected);
			if (expected.isEmpty()) {
				server.http().get().uri("/api/ips/{ip}/domains", ip).exchange().expectBody()
					.jsonPath("$.noDomainCheckedAt").isNotEmpty();
			}
			else {
				withDomains++;
			}
		}
		assertThat(withDomains).as("the range is not trivially empty").isPositive();
		assertThat(quarantineOf("honest-a")).isNull();
		assertThat(quarantineOf("honest-b")).isNull();
	}

	private static Map<String, Object> campaign(long id) {
		return server.http().get().uri("/api/campaigns/{id}", id).exchange().expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody();
	}

	private static String quarantineOf(String name) {
		return (String) probe(name).get("quarantineReason");
	}

	private static Map<String, Object> probe(String name) {
		return probes().stream().filter((p) -> name.equals(p.get("name"))).findFirst().orElseThrow();
	}

	private static List<Map<String, Object>> probes() {
		return server.http().get().uri("/api/probes").exchange().expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			}).returnResult().getResponseBody();
	}
}
