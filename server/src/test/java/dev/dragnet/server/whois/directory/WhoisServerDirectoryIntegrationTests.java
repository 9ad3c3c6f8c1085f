package dev.dragnet.server.whois.directory;

import java.io.InputStream;
import java.time.Duration;

import dev.dragnet.server.DragnetServerApplication;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.server.whois.directory.WhoisServerEntry.Service;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class WhoisServerDirectoryIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static ConfigurableApplicationContext app;

	private static WhoisServerDirectory directory;

	private static DatabaseClient db;

	@BeforeAll
	static void startServer() {
		app = new SpringApplicationBuilder(DragnetServerApplication.class).properties(TestDatabase.springProperties())
			.run("--server.port=0");
		directory = app.getBean(WhoisServerDirectory.class);
		db = app.getBean(DatabaseClient.class);
	}

	@AfterAll
	static void stopServer() {
		if (app != null) {
			app.close();
			app = null; // a closed context still holds its beans
		}
	}

	@Test
	void seedsEverySuffixOfTheFileButArpa() throws Exception {
		long expected = countFileEntries();

		// other tests turn seed rows into admin ones and add suffixes under the reserved .test
		count("SELECT count(*) AS n FROM whois_server WHERE suffix NOT LIKE '%.test'").as(StepVerifier::create)
			.expectNext(expected)
			.expectComplete()
			.verify(WAIT);
		assertThat(expected).isBetween(1500L, 1700L);
	}

	@Test
	void findsTheLongestSuffix() {
		// co.uk is not in the file, so uk answers; uk.com is, and beats com
		directory.findForDomain("a.b.co.uk")
			.as(StepVerifier::create)
			.assertNext(entry -> assertThat(entry.suffix()).isEqualTo("uk"))
			.expectComplete()
			.verify(WAIT);
		directory.findForDomain("example.uk.com")
			.as(StepVerifier::create)
			.assertNext(entry -> {
				assertThat(entry.suffix()).isEqualTo("uk.com");
				assertThat(entry.host()).isEqualTo("whois.centralnic.com");
			})
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void usesEachRegistrysQueryFormat() {
		directory.findForDomain("example.de")
			.as(StepVerifier::create)
			.assertNext(entry -> {
				assertThat(entry.host()).isEqualTo("whois.denic.de");
				assertThat(entry.port()).isEqualTo(43);
				assertThat(entry.service()).isEqualTo(Service.WHOIS);
				assertThat(entry.formatQuery("example.de")).isEqualTo("-T dn,ace example.de");
			})
			.expectComplete()
			.verify(WAIT);
		directory.findForDomain("example.com")
			.as(StepVerifier::create)
			.assertNext(entry -> {
				assertThat(entry.host()).isEqualTo("whois.verisign-grs.com");
				assertThat(entry.formatQuery("example.com")).isEqualTo("domain example.com");
			})
			.expectComplete()
			.verify(WAIT);
		directory.findForDomain("example.jp")
			.as(StepVerifier::create)
			.assertNext(entry -> assertThat(entry.formatQuery("example.jp")).isEqualTo("example.jp/e"))
			.expectComplete()
			.verify(WAIT);
		directory.findForDomain("example.fr")
			.as(StepVerifier::create)
			.assertNext(entry -> assertThat(entry.formatQuery("example.fr")).isEqualTo("example.fr"))
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void marksRegistriesWithoutWhois() {
		directory.findForDomain("example.aaa")
			.as(StepVerifier::create)
			.assertNext(entry -> {
				assertThat(entry.service()).isEqualTo(Service.NONE);
				assertThat(entry.host()).isNull();
				assertThat(entry.origin()).isEqualTo(WhoisServerEntry.ORIGIN_SEED);
			})
			.expectComplete()
			.verify(WAIT);
		directory.findForDomain("example.az")
			.as(StepVerifier::create)
			.assertNext(entry -> {
				assertThat(entry.service()).isEqualTo(Service.WEB);
				assertThat(entry.webUrl()).isEqualTo("http://www.nic.az/");
			})
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void findsNothingForUnknownSuffixes() {
		directory.findForDomain("example.invalid").as(StepVerifier::create).expectComplete().verify(WAIT);
		directory.findBySuffix("invalid").as(StepVerifier::create).expectComplete().verify(WAIT);
	}

	@Test
	void knowsItsHostsCaseInsensitively() {
		directory.isKnownHost("WHOIS.DENIC.DE", 43).as(StepVerifier::create).expectNext(true).expectComplete().verify(WAIT);
		directory.isKnownHost("whois.denic.de", 4343).as(StepVerifier::create).expectNext(false).expectComplete().verify(WAIT);
		directory.isKnownHost("whois.example.net", 43).as(StepVerifier::create).expectNext(false).expectComplete().verify(WAIT);
	}

	@Test
	void adminEntriesSurviveAReseedAndSeedEntriesAreRestored() {
		directory.put("ch", "WHOIS.Example.NET", 4343, "-C %s")
			.as(StepVerifier::create)
			.assertNext(entry -> {
				assertThat(entry.host()).isEqualTo("whois.example.net");
				assertThat(entry.origin()).isEqualTo(WhoisServerEntry.ORIGIN_ADMIN);
			})
			.expectComplete()
			.verify(WAIT);
		db.sql("UPDATE whois_server SET host = 'tampered.example' WHERE suffix = 'fr'")
			.then()
			.as(StepVerifier::create)
			.expectComplete()
			.verify(WAIT);

		reseed().as(StepVerifier::create).expectComplete().verify(WAIT);

		directory.findBySuffix("ch")
			.as(StepVerifier::create)
			.assertNext(entry -> {
				assertThat(entry.host()).isEqualTo("whois.example.net");
				assertThat(entry.port()).isEqualTo(4343);
				assertThat(entry.formatQuery("example.ch")).isEqualTo("-C example.ch");
				assertThat(entry.service()).isEqualTo(Service.WHOIS);
				assertThat(entry.origin()).isEqualTo(WhoisServerEntry.ORIGIN_ADMIN);
			})
			.expectComplete()
			.verify(WAIT);
		directory.findBySuffix("fr")
			.as(StepVerifier::create)
			.assertNext(entry -> assertThat(entry.host()).isEqualTo("whois.nic.fr"))
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void reseedingChangesNothingThatIsCurrent() {
		reseed().as(StepVerifier::create).expectComplete().verify(WAIT);
		Mono<Long> recentlyUpdated = count(
				"SELECT count(*) AS n FROM whois_server WHERE origin = 'seed' AND updated_at > now() - interval '1 second'");
		Mono.delay(Duration.ofMillis(1100))
			.then(reseed())
			.then(recentlyUpdated)
			.as(StepVerifier::create)
			.expectNext(0L)
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void addsANewSuffixThroughPut() {
		directory.put("example-registry.test", "192.0.2.43", 43, "%s")
			.then(directory.findForDomain("foo.example-registry.test"))
			.as(StepVerifier::create)
			.assertNext(entry -> {
				assertThat(entry.suffix()).isEqualTo("example-registry.test");
				assertThat(entry.host()).isEqualTo("192.0.2.43");
			})
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void lookupsAreServedFromMemoryWhichFollowsChangesMadeByHandAtTheNextRead() {
		directory.reload().as(StepVerifier::create).expectComplete().verify(WAIT);
		db.sql("UPDATE whois_server SET host = 'whois.by-hand.example' WHERE suffix = 'nl'")
			.then()
			.as(StepVerifier::create)
			.expectComplete()
			.verify(WAIT);
		// served from the copy in memory: the change made behind the server's back is not seen yet
		directory.findForDomain("example.nl")
			.as(StepVerifier::create)
			.assertNext(entry -> assertThat(entry.host()).isEqualTo("whois.domain-registry.nl"))
			.expectComplete()
			.verify(WAIT);

		directory.reload()
			.then(directory.findForDomain("example.nl"))
			.as(StepVerifier::create)
			.assertNext(entry -> assertThat(entry.host()).isEqualTo("whois.by-hand.example"))
			.expectComplete()
			.verify(WAIT);
		directory.isKnownHost("WHOIS.BY-HAND.EXAMPLE", 43).as(StepVerifier::create).expectNext(true).expectComplete().verify(WAIT);
	}

	@Test
	void refusesInvalidEntries() {
		directory.put("com", "whois.example.net\r\nx", 43, "%s")
			.as(StepVerifier::create)
			.expectErrorSatisfies(error -> assertThat(error).isInstanceOf(WhoisServerProblems.InvalidEntry.class)
				.hasMessageContaining("line break"))
			.verify(WAIT);
	}

	private static Mono<Void> reseed() {
		return app.getBean(WhoisServerSeed.class).populate(app.getBean(ConnectionFactory.class));
	}

	private static Mono<Long> count(String sql) {
		return db.sql(sql).map(row -> row.get("n", Long.class)).one();
	}

	private static long countFileEntries() throws Exception {
		JsonNode root;
		try (InputStream in = new ClassPathResource(WhoisServerSeed.FILE).getInputStream()) {
			root = JsonMapper.shared().readTree(in);
		}
		return root.properties()
			.stream()
			.filter(entry -> !entry.getKey().startsWith("_"))
			.filter(entry -> !"arpa".equals(entry.getValue().path("adapter").asString("")))
			.count();
	}
}
