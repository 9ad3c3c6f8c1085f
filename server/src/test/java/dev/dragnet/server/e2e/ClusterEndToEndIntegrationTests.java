package dev.dragnet.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.dragnet.net.Ipv4Range;
import dev.dragnet.probe.AgentState;
import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.server.cluster.ClusterMembership;
import dev.dragnet.server.testsupport.CampaignWorlds;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.server.testsupport.TestHttp;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two server instances on one PostgreSQL act as one Dragnet (issue 11): probes on each, one probe given both. A
 * lookup on either is answered; a campaign started on one is worked by probes on both and ends exact; when the
 * instance holding the probe given both stops, that probe moves to the survivor under its name and lookups there
 * are still answered, and exactly one alert mail says the probe that could not move is down.
 */
class ClusterEndToEndIntegrationTests {

	private static final String TOKEN = "cluster-e2e-token";

	private static final String ADMIN = "cluster-e2e-admin";

	private static final String SECRET = "cluster-e2e-secret-0123456789";

	private static final ReverseIpWorld world = new ReverseIpWorld(20261203L);

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private static final ParameterizedTypeReference<List<Map<String, Object>>> PROBES = new ParameterizedTypeReference<>() {
	};

	private GreenMail smtp;

	private FakeWhoisServer whois;

	private PlainTextSite site;

	private RunningServer a;

	private RunningServer b;

	@BeforeEach
	void start() throws IOException {
		int smtpPort;
		try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			smtpPort = free.getLocalPort();
		}
		this.smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
		this.smtp.start();
		this.whois = FakeWhoisServer.start();
		this.whois.fallback(WhoisBehaviour.template("Domain Name: %s\r\nRegistrar: Cluster Registrar\r\n"));
		this.site = PlainTextSite.start(world).unlimited();
		Map<String, Object> database = new HashMap<>(TestDatabase.springProperties());
		String[] arguments = { "--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN,
				"--dragnet.cluster.secret=" + SECRET, "--dragnet.cluster.heartbeat-interval=200ms",
				"--dragnet.cluster.dead-after=1s", "--dragnet.database.memory-refresh=1s",
				"--dragnet.whois.allow-private-servers=true", "--dragnet.whois.default-policy=whois",
				"--dragnet.whois.pace.min-interval=0ms", "--dragnet.campaigns.min-block-size=16",
				"--dragnet.probes.ping-interval=500ms", "--dragnet.probes.reconnect-spread=300ms",
				"--dragnet.probes.shutdown-drain=500ms", "--spring.mail.host=127.0.0.1",
				"--spring.mail.port=" + smtpPort, "--dragnet.alerts.recipients=ops@dragnet.test",
				"--dragnet.alerts.round=3s" };
		this.a = RunningServer.startBeside(database, arguments);
		this.b = RunningServer.startBeside(database, arguments);
		this.a.route("test", this.whois.host(), this.whois.port(), "%s", ADMIN);
		SourceDefinition plain = SourceCatalogue.plainText(this.site.baseUrl()).withPace(new Pace(0, 4));
		this.a.http().put().uri("/api/sources/{name}", plain.name()).headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(plain).exchange().expectStatus().isOk();
	}

	@AfterEach
	void stop() {
		for (RunningServer server : new RunningServer[] { this.a, this.b }) {
			if (server != null) {
				server.close();
			}
		}
		this.site.close();
		this.whois.close();
		this.smtp.stop();
	}

	@Test
	void twoInstancesActAsOneAndAProbeGivenBothMovesToTheSurvivor() throws Exception {
		this.a.startProbe("on-a", TOKEN, 4);
		this.b.startProbe("on-b", TOKEN, 4);
		ProbeAgent both = this.a.startProbe("on-both", TOKEN, 4,
				(config) -> config.withServers(List.of(this.a.probeUri(), this.b.probeUri())));
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
			.until(() -> effective(this.a).containsAll(Set.of("on-a", "on-b", "on-both")));

		// One fleet: either instance answers, whichever probe runs the lookup.
		for (RunningServer server : List.of(this.a, this.b)) {
			assertThat(lookup(server, "one-fleet.test")).contains("Registrar: Cluster Registrar");
		}

		// A campaign created and started on A is worked by the probes of both and ends exact.
		Ipv4Range range = range();
		long id = TestHttp.startCampaign(this.a.http(), ADMIN,
				Map.of("name", "cluster", "ranges", List.of(range.toString()), "blockSize", 16));
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
			.until(() -> "DONE".equals(campaign(this.b, id).get("state")));
		@SuppressWarnings("unchecked")
		Map<String, Object> blocks = (Map<String, Object>) ((Map<String, Object>) campaign(this.b, id).get("progress"))
			.get("blocks");
		assertThat(blocks).containsEntry("failed", 0).containsEntry("pending", 0);
		String csv = this.b.http().get().uri("/api/campaigns/{id}/results.csv", id).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		for (long address = range.first(); address <= range.last(); address++) {
			String ip = Ipv4Range.format(address);
			assertThat(namesIn(csv, ip)).as(ip).isEqualTo(expected(ip));
		}
		List<String> workers = answeredBy(id);
		assertThat(workers).as("blocks answered by probes on both instances").contains("on-b")
			.containsAnyOf("on-a", "on-both");

		// The instance holding the probe given both stops: that probe moves to the survivor, the other cannot.
		RunningServer holder = instanceOf(this.a, "on-both").equals(instanceId(this.a)) ? this.a : this.b;
		RunningServer survivor = (holder == this.a) ? this.b : this.a;
		String stranded = (holder == this.a) ? "on-a" : "on-b";
		// The campaign's end is mailed too: let it arrive before counting the mails the stop gives rise to.
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
			.until(() -> Arrays.stream(this.smtp.getReceivedMessages()).map(ClusterEndToEndIntegrationTests::subject)
				.anyMatch((subject) -> subject.contains("'cluster' is done")));
		this.smtp.purgeEmailFromAllMailboxes();
		holder.stopServerOnly();
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
			.until(() -> both.state() == AgentState.CONNECTED && effective(survivor).contains("on-both")
					&& !effective(survivor).contains(stranded));
		assertThat(instanceOf(survivor, "on-both")).isEqualTo(instanceId(survivor));
		for (int i = 0; i < 3; i++) {
			assertThat(lookup(survivor, "after-failover-" + i + ".test")).contains("Registrar: Cluster Registrar");
		}

		// One mail for the probe that could not move, none for the one that did.
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
			.until(() -> this.smtp.getReceivedMessages().length >= 1);
		Thread.sleep(5000); // two more rounds: nothing else arrives
		List<String> subjects = Arrays.stream(this.smtp.getReceivedMessages()).map(ClusterEndToEndIntegrationTests::subject)
			.toList();
		assertThat(subjects).containsExactly("[dragnet] 1 probe down: " + stranded);
	}

	private static String subject(MimeMessage message) {
		try {
			return message.getSubject();
		}
		catch (MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String lookup(RunningServer server, String domain) {
		return server.http().get().uri("/WHOIS/{domain}", domain).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
	}

	private static List<Map<String, Object>> probes(RunningServer server) {
		return server.http().get().uri("/api/probes").exchange().expectStatus().isOk().expectBody(PROBES)
			.returnResult().getResponseBody();
	}

	private static Set<String> effective(RunningServer server) {
		Set<String> names = new TreeSet<>();
		probes(server).stream().filter((p) -> "EFFECTIVE".equals(p.get("state")))
			.forEach((p) -> names.add((String) p.get("name")));
		return names;
	}

	private static String instanceOf(RunningServer server, String probe) {
		return probes(server).stream().filter((p) -> probe.equals(p.get("name"))).map((p) -> (String) p.get("instance"))
			.findFirst().orElseThrow();
	}

	private static String instanceId(RunningServer server) {
		return server.context().getBean(ClusterMembership.class).id();
	}

	private static Map<String, Object> campaign(RunningServer server, long id) {
		return server.http().get().uri("/api/campaigns/{id}", id).exchange().expectStatus().isOk().expectBody(JSON)
			.returnResult().getResponseBody();
	}

	private List<String> answeredBy(long campaign) {
		return this.b.context().getBean(DatabaseClient.class)
			.sql("SELECT DISTINCT answered_by FROM work_block WHERE campaign_id = :id AND answered_by IS NOT NULL")
			.bind("id", campaign)
			.map((row) -> row.get("answered_by", String.class))
			.all()
			.collectList()
			.block(Duration.ofSeconds(5));
	}

	private static Set<String> namesIn(String csv, String ip) {
		Set<String> names = new TreeSet<>();
		csv.lines().skip(1).map((line) -> line.split(",")).filter((f) -> f[0].equals(ip)).forEach((f) -> names.add(f[1]));
		return names;
	}

	/** A /24 of 198.51.0.0/16 with no giant shared-hosting address, whose names would exceed the site's cap. */
	private static Ipv4Range range() {
		return CampaignWorlds.quietRange(256, 1000, world);
	}

	/** The world's names as a probe reports them: a www. twin folds into the bare name. */
	private static Set<String> expected(String ip) {
		return CampaignWorlds.reported(world, ip);
	}
}
