package dev.dragnet.testbed.reverseip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Family 2: form POST, JSON answers, header gate. */
class FormJsonSiteTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ReverseIpWorld world = new ReverseIpWorld(42);

	private final FormJsonSite site = FormJsonSite.start(this.world);

	private final SiteClient client = SiteClient.from("127.0.0.1");

	private final String small = this.world.firstAddressOf(Tier.SMALL, "10.0.0.0");

	private final String shared = this.world.firstAddressOf(Tier.SHARED, "10.0.0.0");

	private final String empty = this.world.firstAddressOf(Tier.EMPTY, "10.0.0.1");

	@AfterEach
	void close() {
		this.site.close();
	}

	@Test
	void successIsJsonWithACountStringAndPairs() {
		SiteClient.Answer answer = lookup(this.client, this.small);
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.body()).startsWith("{\"status\":\"Success\",\"resultsMethod\":\"database\",");
		JsonNode json = JSON.readTree(answer.body());
		assertThat(json.path("domainCount").isString()).isTrue();
		assertThat(json.path("domainCount").asString()).isEqualTo(Integer.toString(this.world.domainCount(this.small)));
		assertThat(json.path("remoteAddress").asString()).isEqualTo(this.small);
		assertThat(names(json)).containsExactlyElementsOf(this.world.domainsOf(this.small));
		json.path("domainArray").forEach((pair) -> assertThat(pair.size()).isEqualTo(2));
		assertThat(this.site.requests()).singleElement().satisfies((request) -> {
			assertThat(request.method()).isEqualTo("POST");
			assertThat(request.body()).isEqualTo("remoteAddress=" + this.small + "&key=&_=");
			assertThat(request.header("x-requested-with")).isEqualTo("XMLHttpRequest");
		});
	}

	@Test
	void failuresAreStatusFailWithAMessage() {
		assertThat(lookup(this.client, this.empty).body())
			.isEqualTo("{\"status\":\"Fail\",\"message\":\"No web sites found.\"}");
		assertThat(lookup(this.client, "not-an-ip").body())
			.isEqualTo("{\"status\":\"Fail\",\"message\":\"Invalid remote address.\"}");
	}

	@Test
	void dailyLimitIsPerClientAddress() {
		this.site.quota(1);
		SiteClient second = SiteClient.from("127.0.0.2");
		assertThat(lookup(this.client, this.small).body()).contains("\"status\":\"Success\"");
		assertThat(lookup(this.client, this.small).body()).isEqualTo(
				"{\"status\":\"Fail\",\"message\":\"Daily reverse IP check limit reached for " + this.small + ".\"}");
		assertThat(lookup(second, this.small).body()).contains("\"status\":\"Success\"");
	}

	@Test
	void withoutOriginOrRefererTheAnswerIsAFailAndWithoutXhrAnotherPage() {
		String noOrigin = this.client.post(this.site.lookupUrl(this.small), FormJsonSite.formBody(this.small),
				Map.of("X-Requested-With", "XMLHttpRequest", "Referer", this.site.baseUrl())).body();
		assertThat(noOrigin).isEqualTo("{\"status\":\"Fail\",\"message\":\"Invalid request origin.\"}");
		String noXhr = this.client.post(this.site.lookupUrl(this.small), FormJsonSite.formBody(this.small),
				Map.of("Origin", origin(), "Referer", this.site.baseUrl())).body();
		assertThat(noXhr).startsWith("<!DOCTYPE html>").doesNotContain("status");
		this.site.withoutBehaviour(Blocking.Kind.HEADER_GATE);
		assertThat(this.client.post(this.site.lookupUrl(this.small), FormJsonSite.formBody(this.small), Map.of()).body())
			.contains("\"status\":\"Success\"");
	}

	@Test
	void truncationCapsTheArrayButNotTheCount() {
		this.site.behaviour(Blocking.truncate(20));
		JsonNode json = JSON.readTree(lookup(this.client, this.shared).body());
		assertThat(json.path("domainArray").size()).isEqualTo(20);
		assertThat(json.path("domainCount").asString()).isEqualTo(Integer.toString(this.world.domainCount(this.shared)));
	}

	@Test
	void dataQuirksAddABomOnSomeAnswersANullAndDressedNames() {
		this.site.behaviour(Blocking.dataQuirks());
		List<String> hosting = this.world.hostingAddresses("10.0.0.0", "10.0.0.255");
		String even = hosting.stream().filter((ip) -> (ReverseIpWorld.ipv4(ip) & 1) == 0).findFirst().orElseThrow();
		String odd = hosting.stream().filter((ip) -> (ReverseIpWorld.ipv4(ip) & 1) == 1).findFirst().orElseThrow();
		byte[] withBom = lookup(this.client, even).bytes();
		assertThat(withBom).startsWith((byte) 0xEF, (byte) 0xBB, (byte) 0xBF);
		assertThat(lookup(this.client, odd).bytes()[0]).isEqualTo((byte) '{');
		String body = lookup(this.client, this.shared).body();
		String json = body.startsWith("\uFEFF") ? body.substring(1) : body;
		assertThat(json).contains("[null,\"\"]");
		List<String> shown = new ArrayList<>();
		JSON.readTree(json).path("domainArray").forEach((pair) -> {
			if (!pair.get(0).isNull()) {
				shown.add(pair.get(0).asString());
			}
		});
		assertThat(shown).anyMatch((name) -> name.endsWith(".")).anyMatch((name) -> name.startsWith("*."));
		assertThat(ShownNames.normaliseAll(shown)).isEqualTo(this.world.domainsOf(this.shared));
	}

	@Test
	void changedLayoutRenamesTheKeys() {
		this.site.layoutVersion(FakeSite.CHANGED_LAYOUT);
		JsonNode json = JSON.readTree(lookup(this.client, this.small).body());
		assertThat(json.has("status")).isFalse();
		assertThat(json.has("domainArray")).isFalse();
		assertThat(json.path("result").asString()).isEqualTo("ok");
		assertThat(json.path("domains").size()).isEqualTo(this.world.domainCount(this.small));
	}

	private SiteClient.Answer lookup(SiteClient from, String ip) {
		return from.post(this.site.lookupUrl(ip), FormJsonSite.formBody(ip), Map.of("Origin", origin(), "Referer",
				this.site.baseUrl(), "X-Requested-With", "XMLHttpRequest"));
	}

	private String origin() {
		return "http://127.0.0.1:" + this.site.port();
	}

	private static List<String> names(JsonNode json) {
		List<String> names = new ArrayList<>();
		json.path("domainArray").forEach((pair) -> names.add(pair.get(0).asString()));
		return names;
	}

}
