package dev.dragnet.protocol.source;

import java.util.List;
import java.util.Map;

import dev.dragnet.protocol.Pace;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The source records as JSON (the way {@code FrameCodec} configures its mapper) and their checks. */
class SourceDefinitionTests {

	private static final String BASE = "https://site.example:8443/";

	private final JsonMapper mapper = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	@Test
	void everyBuiltInDefinitionSurvivesARoundTrip() {
		List<SourceDefinition> all = List.of(SourceCatalogue.plainText(BASE), SourceCatalogue.formJson(BASE),
				SourceCatalogue.pagedTable(BASE), SourceCatalogue.chineseList(BASE), SourceCatalogue.searchResults(BASE),
				SourceCatalogue.passiveDns(BASE));
		for (SourceDefinition definition : all) {
			String json = this.mapper.writeValueAsString(definition);
			assertThat(this.mapper.readValue(json, SourceDefinition.class)).as(json).isEqualTo(definition);
		}
		assertThat(all).extracting(SourceDefinition::name).doesNotHaveDuplicates();
	}

	@Test
	void aCanaryTravelsWithTheDefinitionAndMustBeAnAddress() {
		SourceDefinition watched = SourceCatalogue.chineseList(BASE).withCanary("192.0.2.7");
		String json = this.mapper.writeValueAsString(watched);
		assertThat(json).contains("\"canary\":\"192.0.2.7\"");
		assertThat(this.mapper.readValue(json, SourceDefinition.class)).isEqualTo(watched);
		assertThat(SourceCatalogue.chineseList(BASE).canary()).isNull();
		assertThat(watched.withPace(new Pace(1, 1)).withLimits(1, 1).withBase(BASE).canary()).isEqualTo("192.0.2.7");
		assertThatThrownBy(() -> watched.withCanary("canary.example")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("canary.example");
	}

	@Test
	void theJsonReadsAsTheFieldsSay() {
		String json = this.mapper.writeValueAsString(SourceCatalogue.pagedTable(BASE));
		assertThat(json).contains("\"name\":\"rapiddns\"", "\"method\":\"GET\"",
				"\"urlTemplate\":\"https://site.example:8443/sameip/{ip}?page={page}\"", "\"kind\":\"CSS\"",
				"\"match\":\"STATUS\"", "\"value\":\"429\"", "\"verdict\":\"THROTTLED\"", "\"layoutCheck\":\"table#table\"",
				"\"pace\":{\"minIntervalMillis\":2000,\"maxConnections\":1}", "\"maxPages\":100");
	}

	@Test
	void aHandWrittenDefinitionWithDefaultsReads() {
		String json = """
				{"name":"mine","version":2,"request":{"method":"get","urlTemplate":"https://x.example/{ip}"},
				 "extractor":{"kind":"REGEX","expression":"<b>([^<]+)</b>","hostOfUrl":false},
				 "pace":{"minIntervalMillis":10,"maxConnections":1},"maxResults":50,"futureField":1}""";
		SourceDefinition definition = this.mapper.readValue(json, SourceDefinition.class);
		assertThat(definition.request().method()).isEqualTo("GET");
		assertThat(definition.request().headers()).isEmpty();
		assertThat(definition.blockMarkers()).isEmpty();
		assertThat(definition.emptyMarkers()).isEmpty();
		assertThat(definition.pagination()).isNull();
		assertThat(definition.layoutCheck()).isNull();
		assertThat(definition.canary()).isNull();
	}

	@Test
	void theBaseFillsUrlHeadersAndBody() {
		SourceDefinition json = SourceCatalogue.formJson("https://site.example:8443");
		assertThat(json.request().urlTemplate()).isEqualTo("https://site.example:8443/domains.php");
		assertThat(json.request().headers()).containsEntry("Origin", "https://site.example:8443")
			.containsEntry("Referer", "https://site.example:8443/")
			.containsEntry("X-Requested-With", "XMLHttpRequest");
		assertThat(json.request().formBody()).isEqualTo("remoteAddress={ip}&key=&_=");
		assertThatThrownBy(() -> SourceCatalogue.plainText("ftp://site.example/"))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void everyFamilyKnowsTheSharedBlockingPagesAndHasALayoutCheck() {
		for (SourceDefinition definition : List.of(SourceCatalogue.plainText(BASE), SourceCatalogue.formJson(BASE),
				SourceCatalogue.pagedTable(BASE), SourceCatalogue.chineseList(BASE),
				SourceCatalogue.searchResults(BASE), SourceCatalogue.passiveDns(BASE))) {
			assertThat(definition.layoutCheck()).as(definition.name()).isNotBlank();
			assertThat(definition.blockMarkers()).as(definition.name())
				.extracting(BlockMarker::verdict)
				.contains(Verdict.THROTTLED, Verdict.FIREWALL, Verdict.CAPTCHA);
			assertThat(definition.blockMarkers()).as(definition.name())
				.contains(BlockMarker.bodyContains("Sorry, you have been blocked", Verdict.FIREWALL),
						BlockMarker.bodyContains("<title>Just a moment...</title>", Verdict.FIREWALL),
						BlockMarker.bodyContains("You have exceeded page visit limit", Verdict.CAPTCHA));
		}
		// ip138's bans are silent (B5): it has no quota text to look for.
		assertThat(SourceCatalogue.chineseList(BASE).blockMarkers()).extracting(BlockMarker::verdict)
			.doesNotContain(Verdict.QUOTA);
		assertThat(SourceCatalogue.plainText(BASE).blockMarkers()).extracting(BlockMarker::verdict)
			.contains(Verdict.QUOTA);
	}

	@Test
	void badPartsAreRefusedWhenBuiltOrRead() {
		assertThatThrownBy(() -> new BlockMarker(BlockMarker.Match.STATUS, "often", Verdict.THROTTLED))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> BlockMarker.bodyRegex("(unclosed", Verdict.QUOTA))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new Extractor(Extractor.Kind.JSON_POINTER, "domains", null, false, null))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new SourceRequest("DELETE", "https://x.example/", Map.of(), null))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new Pagination(1, 0, 10, 5)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> SourceCatalogue.plainText(BASE).withLimits(1, 0))
			.isInstanceOf(IllegalArgumentException.class);
		String json = this.mapper.writeValueAsString(SourceCatalogue.plainText(BASE)).replace("\"429\"", "\"soon\"");
		assertThatThrownBy(() -> this.mapper.readValue(json, SourceDefinition.class))
			.hasMessageContaining("HTTP status code");
	}

	@Test
	void aKeyedSourceGetsEachProbesKeyAndNeverABrokenOne() {
		SourceDefinition keyed = SourceCatalogue.passiveDns(BASE);
		assertThat(keyed.needsKey()).isTrue();
		assertThat(keyed.request().headers()).containsEntry("X-API-Key", "{key}");
		assertThat(keyed.extractor().kind()).isEqualTo(Extractor.Kind.NDJSON);
		assertThat(keyed.blockMarkers()).contains(BlockMarker.status(401, Verdict.KEY_REFUSED));
		SourceDefinition filled = keyed.withKey("k-123");
		assertThat(filled.needsKey()).isFalse();
		assertThat(filled.request().headers()).containsEntry("X-API-Key", "k-123");
		assertThat(SourceCatalogue.plainText(BASE).needsKey()).isFalse();
		for (String bad : new String[] { "", " ", "a b", "k\r\nX-Evil: 1" }) {
			assertThatThrownBy(() -> keyed.withKey(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
		}
		assertThatThrownBy(() -> new Extractor(Extractor.Kind.NDJSON, "/obj/rrname", "/x", false, null))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new Extractor(Extractor.Kind.NDJSON, "obj", null, false, null))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void withersChangeOnlyWhatTheySay() {
		SourceDefinition table = SourceCatalogue.pagedTable(BASE);
		SourceDefinition changed = table.withPace(new Pace(0, 4)).withLimits(3, 250);
		assertThat(changed.pace()).isEqualTo(new Pace(0, 4));
		assertThat(changed.pagination()).isEqualTo(new Pagination(1, 1, 100, 3));
		assertThat(changed.maxResults()).isEqualTo(250);
		assertThat(changed.request()).isEqualTo(table.request());
		SourceRequest noAgent = table.request().withHeader("user-agent", "");
		assertThat(noAgent.headers()).containsOnly(Map.entry("user-agent", ""));
	}

}
