package dev.dragnet.testbed.reverseip;

import java.util.List;
import java.util.Map;

import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Family 6: a keyed passive-DNS service streaming NDJSON. */
class PassiveDnsSiteTests {

	private static final String KEY = "k-3f9a";

	private final ReverseIpWorld world = new ReverseIpWorld(42);

	private final PassiveDnsSite site = PassiveDnsSite.start(this.world, KEY);

	private final SiteClient client = SiteClient.from("127.0.0.1");

	private final String small = this.world.firstAddressOf(Tier.SMALL, "10.0.0.0");

	private final String shared = this.world.firstAddressOf(Tier.SHARED, "10.0.0.0");

	private final String empty = this.world.firstAddressOf(Tier.EMPTY, "10.0.0.1");

	@AfterEach
	void close() {
		this.site.close();
	}

	private SiteClient.Answer get(String url, String key) {
		return this.client.get(url, Map.of(PassiveDnsSite.KEY_HEADER, key));
	}

	private static List<String> records(String body) {
		return body.lines().filter((line) -> line.startsWith("{\"obj\"")).toList();
	}

	@Test
	void streamsOneRecordANameFramedByConditions() {
		SiteClient.Answer answer = get(this.site.lookupUrl(this.shared), KEY);
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.headers().get("Content-Type")).isEqualTo("application/x-ndjson");
		List<String> lines = answer.body().lines().toList();
		assertThat(lines.get(0)).isEqualTo("{\"cond\":\"begin\"}");
		assertThat(lines.get(lines.size() - 1)).isEqualTo("{\"cond\":\"succeeded\"}");
		assertThat(records(answer.body())).hasSize(this.world.domainCount(this.shared))
			.allSatisfy((line) -> assertThat(line).contains("\"rrtype\":\"A\"", "\"rdata\":\"" + this.shared + "\""));
		String first = this.world.domainsOf(this.shared).first();
		assertThat(answer.body()).contains("\"rrname\":\"" + first + ".\"");
		assertThat(get(this.site.lookupUrl(this.empty), KEY).body())
			.isEqualTo("{\"cond\":\"begin\"}\n{\"cond\":\"succeeded\"}\n");
	}

	@Test
	void aMissingOrWrongKeyIs401() {
		assertThat(get(this.site.lookupUrl(this.small), "wrong").status()).isEqualTo(401);
		SiteClient.Answer none = this.client.get(this.site.lookupUrl(this.small), Map.of());
		assertThat(none.status()).isEqualTo(401);
		assertThat(none.body()).isEqualTo(PassiveDnsSite.BAD_KEY);
	}

	@Test
	void pastTheQuotaA429SaysWhenToComeBackPerClient() {
		this.site.quota(1);
		assertThat(get(this.site.lookupUrl(this.small), KEY).status()).isEqualTo(200);
		SiteClient.Answer over = get(this.site.lookupUrl(this.small), KEY);
		assertThat(over.status()).isEqualTo(429);
		assertThat(over.headers().get("Retry-After")).isEqualTo("3600");
		assertThat(over.body()).isEqualTo(PassiveDnsSite.QUOTA_EXCEEDED);
		assertThat(SiteClient.from("127.0.0.2").get(this.site.lookupUrl(this.small),
				Map.of(PassiveDnsSite.KEY_HEADER, KEY)).status()).as("another client").isEqualTo(200);
	}

	@Test
	void aLimitOrACapEndsTheStreamLimitedAndTheNewLayoutHasOtherKeys() {
		String limited = get(this.site.url(PassiveDnsSite.PATH + this.shared + "?limit=10"), KEY).body();
		assertThat(records(limited)).hasSize(10);
		assertThat(limited).endsWith("{\"cond\":\"limited\",\"msg\":\"Result limit reached\"}\n");
		this.site.behaviour(Blocking.truncate(5));
		assertThat(records(get(this.site.lookupUrl(this.shared), KEY).body())).hasSize(5);
		this.site.layoutVersion(FakeSite.CHANGED_LAYOUT);
		String changed = get(this.site.lookupUrl(this.small), KEY).body();
		assertThat(changed).contains("{\"record\":{\"name\":").doesNotContain("\"obj\"");
		assertThat(get(this.site.url(PassiveDnsSite.PATH + "10.0.0.300"), KEY).status()).isEqualTo(400);
	}

	@Test
	void theSitesDefinitionNeedsAKey() {
		assertThat(this.site.sourceDefinition().needsKey()).isTrue();
		assertThat(this.site.sourceDefinition().withKey(KEY).request().headers())
			.containsEntry(PassiveDnsSite.KEY_HEADER, KEY);
	}

}
