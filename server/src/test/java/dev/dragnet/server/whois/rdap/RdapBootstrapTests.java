package dev.dragnet.server.whois.rdap;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.dragnet.testbed.rdap.FakeRdapServer;
import dev.dragnet.testbed.rdap.RdapBehaviour;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RdapBootstrap}: lookups in the bundled snapshot and in small hand-written files, and refreshes from a
 * {@link FakeRdapServer} serving the bootstrap file on loopback.
 */
class RdapBootstrapTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String SMALL_FILE = """
			{
			  "version": "1.0",
			  "publication": "2026-11-20T18:00:01Z",
			  "description": "RDAP bootstrap file for Domain Name System registrations",
			  "services": [
			    [["com", "net"], ["http://rdap.verisign.test/com/v1/", "https://rdap.verisign.test/com/v1/"]],
			    [["uk"], ["https://rdap.nominet.test/uk/"]],
			    [["co.uk"], ["https://rdap.co-uk.test/rdap"]],
			    [["KG"], ["http://rdap.cctld.test/"]],
			    [["test"], ["https://rdap.test/"]]
			  ]
			}
			""";

	private final FakeRdapServer fake = FakeRdapServer.start();

	private RdapBootstrap bootstrap;

	@AfterEach
	void stop() {
		if (this.bootstrap != null) {
			this.bootstrap.stop();
		}
		this.fake.close();
	}

	@Test
	void theBundledSnapshotIsIanasFile() {
		this.bootstrap = new RdapBootstrap(properties(false));
		assertThat(this.bootstrap.publication()).isEqualTo("2026-06-26T18:00:02Z");
		assertThat(this.bootstrap.size()).isGreaterThan(1000);
		assertThat(this.bootstrap.domainUrl("example.com")).hasValue("https://rdap.verisign.com/com/v1/domain/example.com");
		assertThat(this.bootstrap.domainUrl("example.org"))
			.hasValue("https://rdap.publicinterestregistry.org/rdap/domain/example.org");
		assertThat(this.bootstrap.domainUrl("example.co.uk")).hasValue("https://rdap.nominet.uk/uk/domain/example.co.uk");
		assertThat(this.bootstrap.domainUrl("example.de")).isEmpty();
	}

	@Test
	void theLongestMatchingSuffixWins() {
		this.bootstrap = withTable(SMALL_FILE);
		assertThat(this.bootstrap.domainUrl("example.co.uk")).hasValue("https://rdap.co-uk.test/rdap/domain/example.co.uk");
		assertThat(this.bootstrap.domainUrl("a.b.example.co.uk"))
			.hasValue("https://rdap.co-uk.test/rdap/domain/a.b.example.co.uk");
		assertThat(this.bootstrap.domainUrl("example.org.uk")).hasValue("https://rdap.nominet.test/uk/domain/example.org.uk");
	}

	@Test
	void httpsIsPreferredAndHttpUsedOnlyWhenAlone() {
		this.bootstrap = withTable(SMALL_FILE);
		assertThat(this.bootstrap.domainUrl("example.net")).hasValue("https://rdap.verisign.test/com/v1/domain/example.net");
		assertThat(this.bootstrap.domainUrl("example.kg")).hasValue("http://rdap.cctld.test/domain/example.kg");
	}

	@Test
	void unknownTldsAndEmptyNamesHaveNoRdapUrl() {
		this.bootstrap = withTable(SMALL_FILE);
		assertThat(this.bootstrap.domainUrl("example.de")).isEmpty();
		assertThat(this.bootstrap.domainUrl("example.comm")).isEmpty();
		assertThat(this.bootstrap.domainUrl("")).isEmpty();
		assertThat(this.bootstrap.domainUrl(".")).isEmpty();
	}

	@Test
	void casesAndTrailingDotsDoNotMatter() {
		this.bootstrap = withTable(SMALL_FILE);
		assertThat(this.bootstrap.domainUrl("Example.COM.")).hasValue("https://rdap.verisign.test/com/v1/domain/example.com");
		assertThat(this.bootstrap.domainUrl("example.kg")).isPresent();
	}

	@Test
	void aRefreshReplacesTheTable() {
		this.fake.bootstrap(SMALL_FILE, Duration.ofHours(6));
		this.bootstrap = new RdapBootstrap(properties(false));
		assertThat(this.bootstrap.domainUrl("example.test")).isEmpty();
		StepVerifier.create(this.bootstrap.refreshOnce())
			.expectNext(Duration.ofHours(6))
			.expectComplete()
			.verify(WAIT);
		assertThat(this.bootstrap.publication()).isEqualTo("2026-11-20T18:00:01Z");
		assertThat(this.bootstrap.domainUrl("example.test")).hasValue("https://rdap.test/domain/example.test");
		assertThat(this.bootstrap.domainUrl("example.org")).isEmpty();
		assertThat(this.fake.requests()).singleElement()
			.satisfies((request) -> assertThat(request.path()).isEqualTo(FakeRdapServer.BOOTSTRAP_PATH));
	}

	@Test
	void aFailedRefreshKeepsTheTableInUse() {
		this.bootstrap = new RdapBootstrap(properties(false));
		this.fake.bootstrap(RdapBehaviour.error(503, "Service Unavailable", "maintenance"));
		assertKeptAfterRefresh();
		this.fake.bootstrap(RdapBehaviour.text(200, "application/json", "{\"services\": ["));
		assertKeptAfterRefresh();
		this.fake.bootstrap(RdapBehaviour.text(200, "application/json", "{\"version\":\"1.0\",\"services\":[]}"));
		assertKeptAfterRefresh();
		this.fake.bootstrap(RdapBehaviour.huge());
		assertKeptAfterRefresh();
		this.fake.bootstrap(RdapBehaviour.hang());
		assertKeptAfterRefresh();
		assertThat(this.fake.requestCount(FakeRdapServer.BOOTSTRAP_PATH)).isEqualTo(5);
	}

	private void assertKeptAfterRefresh() {
		StepVerifier.create(this.bootstrap.refreshOnce())
			.expectNext(Duration.ofSeconds(1)) // min-refresh after a failure
			.expectComplete()
			.verify(WAIT);
		assertThat(this.bootstrap.publication()).isEqualTo("2026-06-26T18:00:02Z");
		assertThat(this.bootstrap.domainUrl("example.com")).hasValue("https://rdap.verisign.com/com/v1/domain/example.com");
	}

	@Test
	void theLifetimeComesFromMaxAgeThenExpiresThenTheDefaultWithinMinRefreshAndAWeek() {
		RdapProperties properties = new RdapProperties(URI.create("https://iana.test/dns.json"), true,
				Duration.ofHours(1), Duration.ofHours(24), Duration.ofSeconds(30), DataSize.ofKilobytes(512),
				Duration.ofSeconds(5));
		Instant now = Instant.parse("2026-11-21T12:00:00Z");
		assertThat(RdapBootstrap.lifetime(headers("Cache-Control", "public, max-age=7200"), now, properties))
			.isEqualTo(Duration.ofHours(2));
		assertThat(RdapBootstrap.lifetime(headers("Cache-Control", "max-age=60"), now, properties))
			.isEqualTo(Duration.ofHours(1));
		assertThat(RdapBootstrap.lifetime(headers("Cache-Control", "no-cache"), now, properties))
			.isEqualTo(Duration.ofHours(1));
		assertThat(RdapBootstrap.lifetime(headers("Cache-Control", "max-age=99999999"), now, properties))
			.isEqualTo(Duration.ofDays(7));
		assertThat(RdapBootstrap.lifetime(headers("Expires", "Sat, 21 Nov 2026 18:00:00 GMT"), now, properties))
			.isEqualTo(Duration.ofHours(6));
		HttpHeaders dated = headers("Expires", "Sat, 21 Nov 2026 18:00:00 GMT").set("Date", "Sat, 21 Nov 2026 15:00:00 GMT");
		assertThat(RdapBootstrap.lifetime(dated, now, properties)).isEqualTo(Duration.ofHours(3));
		assertThat(RdapBootstrap.lifetime(new DefaultHttpHeaders(), now, properties)).isEqualTo(Duration.ofHours(24));
		assertThat(RdapBootstrap.lifetime(headers("Expires", "0"), now, properties)).isEqualTo(Duration.ofHours(24));
	}

	@Test
	void expiresIsReadInAllThreeHttpDateForms() {
		RdapProperties properties = new RdapProperties(URI.create("https://iana.test/dns.json"), true,
				Duration.ofHours(1), Duration.ofHours(24), Duration.ofSeconds(30), DataSize.ofKilobytes(512),
				Duration.ofSeconds(5));
		Instant now = Instant.parse("2026-11-21T12:00:00Z");
		for (String form : List.of("Sat, 21 Nov 2026 18:00:00 GMT", "Saturday, 21-Nov-26 18:00:00 GMT",
				"Sat Nov 21 18:00:00 2026")) {
			assertThat(RdapBootstrap.lifetime(headers("Expires", form), now, properties)).as(form)
				.isEqualTo(Duration.ofHours(6));
		}
	}

	@Test
	void theBackgroundRefreshHonoursTheMaxAge() {
		this.fake.bootstrap(SMALL_FILE, Duration.ofSeconds(2));
		this.bootstrap = new RdapBootstrap(properties(true));
		this.bootstrap.start();
		assertThat(this.bootstrap.isRunning()).isTrue();
		await().atMost(WAIT).until(() -> this.bootstrap.domainUrl("example.test").isPresent());
		long firstDone = System.nanoTime();
		assertThat(this.fake.requestCount(FakeRdapServer.BOOTSTRAP_PATH)).isEqualTo(1);
		await().atMost(WAIT).until(() -> this.fake.requestCount(FakeRdapServer.BOOTSTRAP_PATH) == 2);
		assertThat(Duration.ofNanos(System.nanoTime() - firstDone)).isGreaterThan(Duration.ofMillis(1500));
		this.bootstrap.stop();
		assertThat(this.bootstrap.isRunning()).isFalse();
	}

	@Test
	void withRefreshOffNothingIsDownloaded() {
		this.fake.bootstrap(SMALL_FILE, Duration.ofSeconds(1));
		this.bootstrap = new RdapBootstrap(properties(false));
		this.bootstrap.start();
		assertThat(this.bootstrap.isRunning()).isFalse();
		assertThat(this.fake.requests()).isEmpty();
		assertThat(this.bootstrap.publication()).isEqualTo("2026-06-26T18:00:02Z");
	}

	@Test
	void propertiesBindWithTheirDefaults() {
		new ApplicationContextRunner().withUserConfiguration(PropertiesConfiguration.class)
			.withPropertyValues("dragnet.rdap.refresh-enabled=false")
			.run((context) -> {
				RdapProperties properties = context.getBean(RdapProperties.class);
				assertThat(properties.bootstrapUrl()).isEqualTo(URI.create("https://data.iana.org/rdap/dns.json"));
				assertThat(properties.refreshEnabled()).isFalse();
				assertThat(properties.minRefresh()).isEqualTo(Duration.ofHours(1));
				assertThat(properties.defaultMaxAge()).isEqualTo(Duration.ofHours(24));
				assertThat(properties.refreshTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(properties.maxResponseSize()).isEqualTo(DataSize.ofKilobytes(512));
				assertThat(properties.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(context.getBean(RdapBootstrap.class).domainUrl("example.com")).isPresent();
			});
	}

	private RdapBootstrap withTable(String json) {
		return new RdapBootstrap(properties(false), Schedulers.parallel(),
				BootstrapTable.parse(json.getBytes(StandardCharsets.UTF_8)));
	}

	private RdapProperties properties(boolean refresh) {
		return new RdapProperties(URI.create(this.fake.bootstrapUrl()), refresh, Duration.ofSeconds(1),
				Duration.ofHours(24), Duration.ofSeconds(3), DataSize.ofKilobytes(512), Duration.ofSeconds(2));
	}

	private static HttpHeaders headers(String name, String value) {
		return new DefaultHttpHeaders().set(name, value);
	}

	@EnableConfigurationProperties(RdapProperties.class)
	@org.springframework.context.annotation.Import(RdapBootstrap.class)
	static class PropertiesConfiguration {
	}
}
