package dev.dragnet.server.e2e;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.server.testsupport.CampaignWorlds;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.server.testsupport.TestHttp;
import dev.dragnet.testbed.dns.FakeDnsServer;
import dev.dragnet.testbed.reverseip.Blocking;
import dev.dragnet.testbed.reverseip.ChineseListSite;
import dev.dragnet.testbed.reverseip.FormJsonSite;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Source rotation end to end: two real probes resolve a /24 through three fake sites that each run out in their own
 * way, with PTR as the last resort and every domain verified through a fake DNS server.
 * <ul>
 * <li>hackertarget (plain text) shows a captcha page (B4) after 40 lookups;</li>
 * <li>ip138 (list page) bans silently (B5) past 50 lookups: normal pages, zero rows, seen only through its
 * canary;</li>
 * <li>yougetsignal (form JSON, with B9 data quirks) throttles with 429 and {@code Retry-After} (B2) beyond 20
 * lookups in 2 s, and answers with its quota text (B1) past 60;</li>
 * <li>ptr answers from the address's PTR record once the others rest.</li>
 * </ul>
 * Both probes connect from 127.0.0.1, so the sites count them as one client. Every address must be accounted for,
 * each with what the world holds for the source that answered it, tagged with that source and verified as DNS says.
 */
class CampaignRotationEndToEndIntegrationTests {

	private static final String ADMIN = "rotation-admin";

	private static final ReverseIpWorld world = new ReverseIpWorld(20260404L);

	private static final List<String> WEB_SOURCES = List.of("hackertarget", "ip138", "yougetsignal");

	private static PlainTextSite captcha;

	private static ChineseListSite silent;

	private static FormJsonSite throttling;

	private static FakeDnsServer dns;

	private static RunningServer server;

	@BeforeAll
	static void start() {
		captcha = PlainTextSite.start(world).behaviour(Blocking.captcha(40));
		silent = ChineseListSite.start(world).quota(50);
		throttling = FormJsonSite.start(world).quota(60)
			.behaviour(Blocking.tooManyRequestsWithRetryAfter(20, Duration.ofSeconds(2)), Blocking.dataQuirks());
		dns = FakeDnsServer.start(world);
		server = RunningServer.start("--dragnet.probes.tokens=rotation-probe", "--dragnet.admin.token=" + ADMIN,
				"--dragnet.campaigns.min-block-size=16");
		for (SourceDefinition source : List.of(captcha.sourceDefinition(), silent.sourceDefinition(),
				throttling.sourceDefinition())) {
			server.http().put().uri("/api/sources/{name}", source.name()).headers((h) -> h.setBearerAuth(ADMIN))
				.contentType(MediaType.APPLICATION_JSON).bodyValue(source.withPace(new Pace(0, 4)))
				.exchange().expectStatus().isOk();
		}
		server.startProbe("rotation-a", "rotation-probe", 4, (config) -> config.withDnsServer(dns.address()));
		server.startProbe("rotation-b", "rotation-probe", 4, (config) -> config.withDnsServer(dns.address()));
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
		for (AutoCloseable fake : new AutoCloseable[] { captcha, silent, throttling, dns }) {
			if (fake != null) {
				try {
					fake.close();
				}
				catch (Exception ex) {
					// closing the others matters more
				}
			}
		}
	}

	/** A /24 of 198.51.0.0/16 whose addresses all fit within a source's result cap. */
	private static Ipv4Range range() {
		return CampaignWorlds.quietRange(256, 1000, world);
	}

	/** The world's names as a web source reports them: a www. twin folds into the bare name. */
	private static Set<String> hosted(String ip) {
		return CampaignWorlds.reported(world, ip);
	}

	private static Map<String, Object> campaign(long id) {
		return server.http().get().uri("/api/campaigns/{id}", id).exchange().expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody();
	}

	@Test
	@SuppressWarnings("unchecked")
	void sourcesRotateAsEachBlocksAndEveryAddressEqualsTheWorld() {
		Ipv4Range range = range();
		List<String> sources = List.of("hackertarget", "ip138", "yougetsignal", SourceCatalogue.PTR);
		long id = TestHttp.startCampaign(server.http(), ADMIN, Map.of("name", "rotation", "ranges",
				List.of(range.toString()), "blockSize", 16, "sources", sources, "verify", true));
		await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
			.until(() -> !"RUNNING".equals(campaign(id).get("state")));
		Map<String, Object> done = campaign(id);
		assertThat(done.get("state")).isEqualTo("DONE");
		assertThat(((Map<String, Object>) ((Map<String, Object>) done.get("progress")).get("blocks")).get("failed"))
			.isEqualTo(0);

		Map<String, Set<String>> stored = new HashMap<>();
		Map<String, Set<String>> taggedBy = new HashMap<>();
		String csv = server.http().get().uri("/api/campaigns/{id}/results.csv", id).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		csv.lines().skip(1).forEach((line) -> {
			String[] columns = line.split(",");
			String ip = columns[0];
			String domain = columns[1];
			assertThat(columns[4]).as("verification of " + domain + " on " + ip)
				.isEqualTo(world.forwardConfirms(domain, ip) ? "VERIFIED" : "FAILED");
			stored.computeIfAbsent(ip, (k) -> new TreeSet<>()).add(domain);
			taggedBy.computeIfAbsent(ip, (k) -> new HashSet<>()).add(columns[7]);
		});
		Set<String> empty = new HashSet<>(server.context().getBean(DatabaseClient.class)
			.sql("SELECT host(ip) AS ip FROM ip_no_domain WHERE campaign_id = :id")
			.bind("id", id)
			.map((row) -> row.get("ip", String.class))
			.all()
			.collectList()
			.block(Duration.ofSeconds(10)));

		Map<String, Integer> answeredBy = new HashMap<>();
		for (long a = range.first(); a <= range.last(); a++) {
			String ip = Ipv4Range.format(a);
			Optional<String> ptr = world.ptr(ip);
			if (stored.containsKey(ip)) {
				assertThat(empty).as(ip + " is either found or empty").doesNotContain(ip);
				assertThat(taggedBy.get(ip)).as("one source answers " + ip).hasSize(1);
				String source = taggedBy.get(ip).iterator().next();
				answeredBy.merge(source, 1, Integer::sum);
				if (source.equals(SourceCatalogue.PTR)) {
					assertThat(stored.get(ip)).as(ip).containsExactly(ptr.orElseThrow());
				}
				else {
					assertThat(WEB_SOURCES).contains(source);
					assertThat(stored.get(ip)).as(ip + " by " + source).isEqualTo(hosted(ip));
				}
			}
			else {
				assertThat(empty).as(ip + " is accounted for").contains(ip);
				// Empty on a web source's word only when the world hosts nothing there; PTR sees only its record.
				assertThat(hosted(ip).isEmpty() || ptr.isEmpty()).as(ip + " hosts " + hosted(ip)
						+ " and has PTR " + ptr + " yet was stored empty").isTrue();
			}
		}
		// Which web source gets to answer with names depends on timing (a source resting on a Retry-After may
		// only ever give zeros, which carry no source): at least two of them did, and PTR took over the rest.
		assertThat(answeredBy).as("sources that answered some address with names").containsKey(SourceCatalogue.PTR);
		assertThat(answeredBy.keySet().stream().filter(WEB_SOURCES::contains).count())
			.as("web sources that answered some address with names: " + answeredBy)
			.isGreaterThanOrEqualTo(2);
		assertThat(throttling.requests()).as("the throttling site was asked").isNotEmpty();
		assertThat(captcha.requests()).as("the captcha site was asked past its limit").hasSizeGreaterThan(40);
		assertThat(silent.requests()).as("the silent site's canary was checked")
			.anySatisfy((request) -> assertThat(request.path()).isEqualTo("/" + ReverseIpWorld.CANARY + "/"));
		assertThat(silent.requests()).as("the silent site was asked past its quota").hasSizeGreaterThan(50);
	}
}
