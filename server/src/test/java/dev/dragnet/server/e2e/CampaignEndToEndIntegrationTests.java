package dev.dragnet.server.e2e;

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
import dev.dragnet.testbed.dns.FakeDnsServer;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A small campaign end to end: real probe agents pull blocks, resolve every address through a fake
 * reverse-IP site, verify each domain through a fake DNS server, and the stored results (names and
 * verification) equal what the world holds, address by address.
 */
class CampaignEndToEndIntegrationTests {

	private static final String ADMIN = "campaign-e2e-admin";

	private static final ReverseIpWorld world = new ReverseIpWorld(20261121L);

	private static PlainTextSite site;

	private static FakeDnsServer dns;

	private static RunningServer server;

	@BeforeAll
	static void start() {
		site = PlainTextSite.start(world).unlimited();
		dns = FakeDnsServer.start(world);
		server = RunningServer.start("--dragnet.probes.tokens=campaign-probe", "--dragnet.admin.token=" + ADMIN,
				"--dragnet.campaigns.min-block-size=16");
		SourceDefinition plain = SourceCatalogue.plainText(site.baseUrl()).withPace(new Pace(0, 4));
		server.http().put().uri("/api/sources/{name}", plain.name()).headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(plain).exchange().expectStatus().isOk();
		server.startProbe("campaign-a", "campaign-probe", 4, (config) -> config.withDnsServer(dns.address()));
		server.startProbe("campaign-b", "campaign-probe", 4, (config) -> config.withDnsServer(dns.address()));
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
		if (site != null) {
			site.close();
		}
		if (dns != null) {
			dns.close();
		}
	}

	/** A /26 of 198.51.0.0/16 with no giant shared-hosting address, whose 12,000 names exceed the caps. */
	private static Ipv4Range range() {
		return CampaignWorlds.quietRange(64, 1000, world);
	}

	/** The world's names as a probe reports them: a www. twin folds into the bare name. */
	private static Set<String> expected(String ip) {
		return CampaignWorlds.reported(world, ip);
	}

	@Test
	void probesResolveEveryAddressAndTheResultsEqualTheWorld() {
		Ipv4Range range = range();
		long id = TestHttp.startCampaign(server.http(), ADMIN,
				Map.of("name", "e2e", "ranges", List.of(range.toString()), "blockSize", 16, "verify", true));
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> "DONE".equals(
				server.http().get().uri("/api/campaigns/{id}", id).exchange().expectBody(Map.class).returnResult()
					.getResponseBody().get("state")));

		String csv = server.http().get().uri("/api/campaigns/{id}/results.csv", id).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		Map<String, Set<String>> stored = new HashMap<>();
		csv.lines().skip(1).forEach((line) -> {
			String[] columns = line.split(",");
			assertThat(columns[7]).as("every record names its source").isEqualTo("hackertarget");
			assertThat(columns[4]).as("verification of " + columns[1] + " on " + columns[0])
				.isEqualTo(world.forwardConfirms(columns[1], columns[0]) ? "VERIFIED" : "FAILED");
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
				String domain = expected.iterator().next();
				server.http().get().uri("/api/ips/{ip}/domains", ip).exchange().expectBody()
					.jsonPath("$.domains[0].domain").isEqualTo(domain)
					.jsonPath("$.domains[0].verification")
					.isEqualTo(world.forwardConfirms(domain, ip) ? "VERIFIED" : "FAILED");
			}
		}
		assertThat(withDomains).as("the range is not trivially empty").isPositive();
		assertThat(csv).as("some names fail forward confirmation").contains(",FAILED,");
		assertThat(site.requests()).as("the probes asked the site").hasSizeGreaterThanOrEqualTo((int) range.size());
	}
}
