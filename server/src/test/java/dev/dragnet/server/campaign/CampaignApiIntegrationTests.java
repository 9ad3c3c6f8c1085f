package dev.dragnet.server.campaign;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.server.DragnetServerApplication;
import dev.dragnet.server.testsupport.TestDatabase;
import dev.dragnet.server.testsupport.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Creating, listing and controlling campaigns over HTTP, and every kind of bad input refused whole. */
class CampaignApiIntegrationTests {

	private static final String ADMIN_TOKEN = "campaign-admin";

	private static ConfigurableApplicationContext server;

	private static WebTestClient http;

	@BeforeAll
	static void start() {
		server = new SpringApplicationBuilder(DragnetServerApplication.class).properties(TestDatabase.springProperties())
			.run("--server.port=0", "--dragnet.admin.token=" + ADMIN_TOKEN, "--dragnet.campaigns.max-addresses=131072");
		int port = Integer.parseInt(server.getEnvironment().getProperty("local.server.port"));
		http = TestHttp.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
			server = null; // a closed context still holds its beans
		}
	}

	private static WebTestClient.ResponseSpec create(Object body) {
		return http.post()
			.uri("/api/campaigns")
			.headers((h) -> h.setBearerAuth(ADMIN_TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	private static long count() {
		return http.get().uri("/api/campaigns").exchange().expectBody(List.class).returnResult().getResponseBody().size();
	}

	@Test
	void aCampaignIsCutIntoBlocksAndReportsItsProgress() {
		Map<String, Object> created = create(Map.of("name", "city", "ranges",
				List.of("198.51.100.0/24", "203.0.113.10-203.0.113.99", "192.0.2.1"), "blockSize", 64, "verify", true))
			.expectStatus()
			.isCreated()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(created).containsEntry("name", "city").containsEntry("state", "CREATED").containsEntry("totalIps", 347)
			.containsEntry("verify", true);
		// 256 / 64 = 4 blocks, 90 addresses = 2 blocks, 1 address = 1 block.
		assertThat(created.get("totalBlocks")).isEqualTo(7);
		Number id = (Number) created.get("id");
		http.get().uri("/api/campaigns/{id}", id).exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.progress.blocks.pending").isEqualTo(7)
			.jsonPath("$.progress.ips.pending").isEqualTo(347)
			.jsonPath("$.progress.domainsFound").isEqualTo(0)
			.jsonPath("$.progress.eta").doesNotExist();
	}

	@Test
	void campaignsMoveThroughStartPauseResumeAndCancel() {
		Number id = (Number) create(Map.of("name", "control", "ranges", List.of("198.18.0.0/30")))
			.expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
		action(id, "pause").expectStatus().isEqualTo(HttpStatus.CONFLICT).expectBody()
			.jsonPath("$.type").isEqualTo("/problems/invalid-transition");
		action(id, "start").expectStatus().isOk().expectBody().jsonPath("$.state").isEqualTo("RUNNING")
			.jsonPath("$.startedAt").isNotEmpty();
		action(id, "pause").expectStatus().isOk().expectBody().jsonPath("$.state").isEqualTo("PAUSED");
		action(id, "resume").expectStatus().isOk().expectBody().jsonPath("$.state").isEqualTo("RUNNING");
		action(id, "cancel").expectStatus().isOk().expectBody().jsonPath("$.state").isEqualTo("CANCELLED")
			.jsonPath("$.finishedAt").isNotEmpty();
		action(id, "start").expectStatus().isEqualTo(HttpStatus.CONFLICT);
		action(id, "explode").expectStatus().isBadRequest();
		action(999_999, "start").expectStatus().isNotFound().expectBody().jsonPath("$.type")
			.isEqualTo("/problems/unknown-campaign");
	}

	private static WebTestClient.ResponseSpec action(Number id, String action) {
		return http.post().uri("/api/campaigns/{id}/{action}", id, action).headers((h) -> h.setBearerAuth(ADMIN_TOKEN))
			.exchange();
	}

	@Test
	void sourcesMustBeKnownAndPtrIsBuiltIn() {
		create(Map.of("name", "ptr", "ranges", List.of("198.51.100.0/28"), "sources", List.of("ptr")))
			.expectStatus().isCreated().expectBody().jsonPath("$.sources[0]").isEqualTo("ptr");
		long before = count();
		create(Map.of("name", "nowhere", "ranges", List.of("198.51.100.0/28"), "sources", List.of("ptr", "nowhere")))
			.expectStatus().isBadRequest().expectBody()
			.jsonPath("$.type").isEqualTo("/problems/unknown-source")
			.jsonPath("$.detail").value((detail) -> assertThat((String) detail).contains("[nowhere]", "ptr"));
		assertThat(count()).isEqualTo(before);
		SourceDefinition plain = SourceCatalogue.plainText("https://ptr.example/");
		SourceDefinition namedPtr = new SourceDefinition(SourceCatalogue.PTR, 1, plain.request(), plain.extractor(),
				plain.pagination(), plain.blockMarkers(), plain.emptyMarkers(), plain.layoutCheck(), plain.pace(),
				plain.maxResults());
		http.put().uri("/api/sources/ptr").headers((h) -> h.setBearerAuth(ADMIN_TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(namedPtr)
			.exchange().expectStatus().isBadRequest().expectBody()
			.jsonPath("$.title").isEqualTo("Reserved name");
	}

	@Test
	void sourceNamesKeepToASafeAlphabet() {
		// a comma would split the name apart again in results and in results.csv
		for (String name : List.of("a,b", "A-Source", "-lead", "semi;colon", "x".repeat(65))) {
			SourceDefinition named = named(name);
			http.put().uri("/api/sources/{name}", name).headers((h) -> h.setBearerAuth(ADMIN_TOKEN))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(named)
				.exchange().expectStatus().isBadRequest().expectBody()
				.jsonPath("$.type").isEqualTo("/problems/invalid-source")
				.jsonPath("$.title").isEqualTo("Bad source name");
		}
		http.get().uri("/api/sources/{name}", "a,b").exchange().expectStatus().isNotFound();
		create(Map.of("name", "commas", "ranges", List.of("198.51.100.0/28"), "sources", List.of("a,b")))
			.expectStatus().isBadRequest().expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-campaign");
		SourceDefinition dotted = named("my.source_2");
		http.put().uri("/api/sources/my.source_2").headers((h) -> h.setBearerAuth(ADMIN_TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(dotted)
			.exchange().expectStatus().isOk();
	}

	private static SourceDefinition named(String name) {
		SourceDefinition plain = SourceCatalogue.plainText("https://names.example/");
		return new SourceDefinition(name, 1, plain.request(), plain.extractor(), plain.pagination(),
				plain.blockMarkers(), plain.emptyMarkers(), plain.layoutCheck(), plain.pace(), plain.maxResults());
	}

	@Test
	void aCsvUploadNamesOwners() {
		String csv = "range,organisation\n# the city's blocks\n198.51.100.0/25,\"Example Telecom, Inc.\"\n\n"
				+ "198.51.100.128-198.51.100.255,City Hosting\n";
		http.post()
			.uri("/api/campaigns?name=csv-city&blockSize=128")
			.headers((h) -> h.setBearerAuth(ADMIN_TOKEN))
			.contentType(MediaType.valueOf("text/csv"))
			.bodyValue(csv)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.totalIps").isEqualTo(256)
			.jsonPath("$.totalBlocks").isEqualTo(2);
	}

	@Test
	void badInputIsRefusedWithAClearMessageAndNothingIsStored() {
		long before = count();
		Map<String, List<String>> cases = Map.of("/problems/invalid-range", List.of("192.0.2.0/24", "not-a-range"),
				"/problems/overlapping-ranges", List.of("192.0.2.0/24", "192.0.2.128-192.0.3.10"),
				"/problems/campaign-too-large", List.of("0.0.0.0/0"));
		cases.forEach((type, ranges) -> create(Map.of("name", "bad", "ranges", ranges)).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type").isEqualTo(type)
			.jsonPath("$.detail").value((d) -> assertThat(d).asString().isNotBlank()));
		create(Map.of("name", "bad", "ranges", List.of("192.0.2.0/24", "not-a-range"))).expectBody()
			.jsonPath("$.detail").value((d) -> assertThat(d).asString().startsWith("range 2:"));
		create(Map.of("name", "bad", "ranges", List.of("0.0.0.0/0"))).expectBody()
			.jsonPath("$.detail").value((d) -> assertThat(d).asString().contains("4294967296").contains("131072"));
		create(Map.of("name", "bad", "ranges", List.of("127.0.0.0/24"))).expectStatus().isBadRequest().expectBody()
			.jsonPath("$.detail").value((d) -> assertThat(d).asString().contains("127.0.0.0/8"));
		create(Map.of("name", "", "ranges", List.of("192.0.2.0/24"))).expectStatus().isBadRequest();
		create(Map.of("name", "x", "ranges", List.of())).expectStatus().isBadRequest();
		create(Map.of("name", "x", "ranges", List.of("192.0.2.0/24"), "blockSize", 3)).expectStatus().isBadRequest();
		assertThat(count()).as("nothing stored by a refused campaign").isEqualTo(before);
	}

	@Test
	void creatingAndControllingNeedTheAdminToken() {
		// No body: the filter answers before the body would be read (a refused body on a kept-alive
		// connection once left this exchange waiting; see the issue note).
		http.post().uri("/api/campaigns").contentType(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		http.post().uri("/api/campaigns/1/start").exchange().expectStatus().isUnauthorized();
		http.get().uri("/api/campaigns").exchange().expectStatus().isOk();
	}
}
