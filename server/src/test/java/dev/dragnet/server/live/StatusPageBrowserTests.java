package dev.dragnet.server.live;

import java.net.URI;
import java.time.Duration;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.probe.ProbeAgent;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.server.testsupport.Browser;
import dev.dragnet.server.testsupport.RunningServer;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import dev.dragnet.testbed.swarm.ProbeSwarm;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status page in a real headless Chromium, against the real server, real probes and the testbed fakes: it
 * works before anything runs, shows probes, WHOIS traffic and campaigns as they change, starts a campaign and
 * watches it to 100%, shows a killed probe as ineffective, and rides out a server restart; and with a fleet too big
 * for one page, the probe table pages, sorts, searches and follows probes that drop. Screenshots of every step are
 * saved under {@code target/screenshots}.
 */
class StatusPageBrowserTests {

	private static final String ADMIN = "status-page-admin";

	private static final String TOKEN = "status-page-probe";

	private static final Duration CHANGE = Duration.ofSeconds(5);

	private static final String[] ARGUMENTS = { "--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN,
			"--dragnet.probes.ping-interval=500ms", "--dragnet.probes.missed-pings=2",
			"--dragnet.campaigns.min-block-size=16", "--dragnet.whois.allow-private-servers=true",
			"--dragnet.whois.default-policy=whois", "--dragnet.whois.pace.min-interval=0ms",
			"--dragnet.alerts.round=1s" };

	private final ReverseIpWorld world = new ReverseIpWorld(20261122L);

	private PlainTextSite site;

	private FakeWhoisServer whois;

	private RunningServer server;

	private RunningServer restarted;

	private Browser browser;

	@BeforeEach
	void start() {
		this.site = PlainTextSite.start(this.world).unlimited();
		this.whois = FakeWhoisServer.start();
		this.whois.answer("status.test", "Domain Name: STATUS.TEST\r\nRegistrar: Fake Registrar\r\n");
		this.browser = Browser.start();
	}

	@AfterEach
	void stop() {
		if (this.browser != null) {
			this.browser.close();
		}
		if (this.restarted != null) {
			this.restarted.close();
		}
		if (this.server != null) {
			this.server.close();
		}
		this.whois.close();
		this.site.close();
	}

	@Test
	void showsTheSystemLiveStartsACampaignAndSeesAProbeDie() {
		this.server = RunningServer.start(ARGUMENTS);
		// Opened before any probe or campaign exists.
		this.browser.open(url("/"));
		awaitConnection("live");
		assertThat(this.browser.text("#probes tbody")).contains("No probe has connected yet.");
		assertThat(this.browser.text("#campaigns")).contains("No campaign yet.");
		this.browser.screenshot("status-01-nothing-running");

		SourceDefinition plain = SourceCatalogue.plainText(this.site.baseUrl()).withPace(new Pace(0, 4));
		this.server.http().put().uri("/api/sources/{name}", plain.name()).headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(plain).exchange().expectStatus().isOk();
		this.server.route("test", this.whois.host(), this.whois.port(), "%s", ADMIN);
		this.server.startProbe("page-a", TOKEN, 4);
		ProbeAgent doomed = this.server.startProbe("page-b", TOKEN, 4);
		awaitProbe("page-a", "EFFECTIVE");
		awaitProbe("page-b", "EFFECTIVE");
		this.browser.screenshot("status-02-probes");

		// WHOIS traffic shows in the figures and the chart.
		this.server.http().get().uri("/api/whois/status.test").exchange().expectStatus().isOk();
		this.browser.await(CHANGE, "the lookup counted as answered",
				(d) -> !"0".equals(this.browser.text("#whois-ok")));
		assertThat(this.browser.findAll("#whois-chart rect.ok")).isNotEmpty();
		assertThat(this.browser.text("#servers tbody")).contains(this.whois.host() + ":" + this.whois.port());

		// A campaign created and started from the page runs to 100%.
		WebElement token = this.browser.find("#token");
		token.sendKeys(ADMIN, Keys.TAB);
		this.browser.find("#new-campaign summary").click();
		this.browser.find("#campaign-form input[name=name]").sendKeys("from the page");
		this.browser.find("#campaign-form textarea[name=ranges]").sendKeys(smallRange().toString());
		WebElement blockSize = this.browser.find("#campaign-form input[name=blockSize]");
		blockSize.clear();
		blockSize.sendKeys("16");
		this.browser.find("#campaign-form button[type=submit]").click();
		String id = this.browser.await(CHANGE, "the new campaign on the page",
				(d) -> this.browser.attribute(".campaign[data-state=CREATED]", "data-campaign"));
		assertThat(this.browser.attribute("#campaign-" + id + " .bar", "data-percent")).isEqualTo("0");
		this.browser.screenshot("status-03-campaign-created");
		this.browser.find("#campaign-" + id + " button[data-action=start]").click();
		this.browser.await(Duration.ofSeconds(90), "the campaign done",
				(d) -> "DONE".equals(this.browser.attribute("#campaign-" + id, "data-state")));
		assertThat(this.browser.attribute("#campaign-" + id + " .bar", "data-percent")).isEqualTo("100");
		assertThat(this.browser.text("#campaign-" + id + " .facts")).contains("64 of 64 IPs").contains("domains found");
		this.browser.screenshot("status-04-campaign-done");

		// A killed probe turns ineffective.
		doomed.close();
		awaitProbe("page-b", "INEFFECTIVE");
		assertThat(this.browser.attribute("#probes tr[data-probe=page-a]", "data-state")).isEqualTo("EFFECTIVE");
		// The alert of its detection round shows among the latest alerts.
		this.browser.await(CHANGE, "the probe-down alert", (d) -> this.browser.text("#alerts li[data-kind=PROBES_DOWN]"));
		assertThat(this.browser.text("#alerts li[data-kind=PROBES_DOWN]")).contains("page-b");
		this.browser.screenshot("status-05-probe-killed");

		// The server goes away: the page says so, and comes back by itself when the server does.
		int port = this.server.port();
		this.server.stopServerOnly();
		awaitConnection("unreachable");
		assertThat(this.browser.find("#banner").isDisplayed()).isTrue();
		assertThat(this.browser.text("#banner")).contains("cannot be reached");
		this.browser.screenshot("status-06-server-down");
		this.restarted = RunningServer.start(this.server.database(), port, ARGUMENTS);
		awaitConnection("live");
		this.browser.await(Duration.ofSeconds(15), "the campaign shown again after the restart",
				(d) -> "DONE".equals(this.browser.attribute("#campaign-" + id, "data-state")));
		awaitProbe("page-a", "EFFECTIVE");
		assertThat(this.browser.find("#banner").isDisplayed()).isFalse();
		this.browser.screenshot("status-07-server-back");
	}

	@Test
	void theProbeTableIsPagedSortedAndSearchedAndFollowsChangesInAFleetTooBigForOnePage() {
		// The default ping interval: 120 sessions saying hello at once on two busy cores must not be taken for dead.
		this.server = RunningServer.start("--dragnet.probes.tokens=" + TOKEN, "--dragnet.admin.token=" + ADMIN);
		try (ProbeSwarm swarm = ProbeSwarm.connect(URI.create("ws://127.0.0.1:" + this.server.port()), TOKEN, "swarm",
				120, 40, Duration.ofSeconds(60))) {
			this.browser.open(url("/"));
			awaitConnection("live");
			this.browser.await(Duration.ofSeconds(20), "the whole swarm counted",
					(d) -> "120 of 120 effective".equals(this.browser.text("#probe-summary")));
			awaitFirstRow("swarm-00000");
			// One page of 50 rows is shown, not the fleet.
			this.browser.await(CHANGE, "a page of 50 rows", (d) -> this.browser.count("#probes tbody tr[data-probe]") == 50);
			assertThat(this.browser.text("#probes-page")).contains("page 1 of 3");
			assertThat(this.browser.text("#fleet-effective")).isEqualTo("120");
			this.browser.screenshot("status-10-swarm-page-1");

			this.browser.find("#probes-next").click();
			awaitFirstRow("swarm-00050");
			assertThat(this.browser.text("#probes-page")).contains("page 2 of 3");

			// Sorting on a column starts again from the first page.
			this.browser.find("#probes th[data-sort=name]").click();
			awaitFirstRow("swarm-00119");
			assertThat(this.browser.attribute("#probes th[data-sort=name]", "aria-sort")).isEqualTo("descending");

			this.browser.find("#probe-search").sendKeys("SWARM-0007");
			this.browser.await(CHANGE, "the ten matching probes",
					(d) -> this.browser.count("#probes tbody tr[data-probe]") == 10);
			awaitFirstRow("swarm-00079");

			// Probes that drop show as ineffective in place, from the stream's small changes.
			for (int i = 71; i <= 73; i++) {
				swarm.disconnect(i);
			}
			awaitProbe("swarm-00071", "INEFFECTIVE");
			awaitProbe("swarm-00073", "INEFFECTIVE");
			assertThat(this.browser.attribute("#probes tr[data-probe=swarm-00070]", "data-state")).isEqualTo("EFFECTIVE");
			this.browser.await(CHANGE, "the summary", (d) -> "117 of 120 effective".equals(this.browser.text("#probe-summary")));
			this.browser.find("#probe-status option[value=INEFFECTIVE]").click();
			this.browser.await(CHANGE, "only the three ineffective ones",
					(d) -> this.browser.count("#probes tbody tr[data-probe]") == 3);
			awaitFirstRow("swarm-00073");
			this.browser.screenshot("status-11-swarm-searched");
		}
	}

	private void awaitFirstRow(String name) {
		this.browser.await(CHANGE, "first row " + name,
				(d) -> name.equals(this.browser.attribute("#probes tbody tr[data-probe]", "data-probe")));
	}

	private void awaitConnection(String state) {
		this.browser.await(Duration.ofSeconds(20), "connection " + state,
				(d) -> state.equals(this.browser.attribute("#connection", "data-state")));
	}

	private void awaitProbe(String name, String state) {
		this.browser.await(Duration.ofSeconds(20), name + " " + state,
				(d) -> state.equals(this.browser.attribute("#probes tr[data-probe=" + name + "]", "data-state")));
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.server.port() + path;
	}

	/** A /26 with no giant shared-hosting address, so the campaign is quick. */
	private Ipv4Range smallRange() {
		long base = Ipv4Range.address("198.51.0.0", "test");
		for (long start = base; ; start += 64) {
			Ipv4Range candidate = new Ipv4Range(start, start + 63);
			boolean small = true;
			for (long a = candidate.first(); a <= candidate.last(); a++) {
				small &= this.world.domainsOf(Ipv4Range.format(a)).size() < 1000;
			}
			if (small) {
				return candidate;
			}
		}
	}
}
