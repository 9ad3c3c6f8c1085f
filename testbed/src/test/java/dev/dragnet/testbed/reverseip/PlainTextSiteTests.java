package dev.dragnet.testbed.reverseip;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Family 1: plain text, one host a line, errors in 200 bodies. */
class PlainTextSiteTests {

	private final ReverseIpWorld world = new ReverseIpWorld(42);

	private final PlainTextSite site = PlainTextSite.start(this.world);

	private final SiteClient client = SiteClient.from("127.0.0.1");

	private final String small = this.world.firstAddressOf(Tier.SMALL, "10.0.0.0");

	private final String shared = this.world.firstAddressOf(Tier.SHARED, "10.0.0.0");

	private final String empty = this.world.firstAddressOf(Tier.EMPTY, "10.0.0.1");

	@AfterEach
	void close() {
		this.site.close();
	}

	@Test
	void answersOneHostALineAsPlainText() {
		SiteClient.Answer answer = this.client.get(this.site.lookupUrl(this.shared));
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.headers().get("Content-Type")).startsWith("text/plain");
		assertThat(answer.body().split("\n")).containsExactlyElementsOf(this.world.domainsOf(this.shared));
		assertThat(this.site.lookupUrl("1.2.3.4")).isEqualTo(this.site.baseUrl() + "reverseiplookup/?q=1.2.3.4");
	}

	@Test
	void anAddressHostingNothingAndAMalformedOneAreErrorsIn200Bodies() {
		assertThat(this.client.get(this.site.lookupUrl(this.empty)).body())
			.isEqualTo("No DNS A records found for " + this.empty);
		SiteClient.Answer malformed = this.client.get(this.site.lookupUrl("10.0.0.300"));
		assertThat(malformed.status()).isEqualTo(200);
		assertThat(malformed.body()).isEqualTo("error check your search parameter");
		assertThat(this.client.get(this.site.url("/reverseiplookup/")).body()).isEqualTo(PlainTextSite.BAD_PARAMETER);
	}

	@Test
	void quotaIsCountedPerClientAddressAndResetDaily() {
		this.site.quota(2);
		SiteClient second = SiteClient.from("127.0.0.2");
		String expected = String.join("\n", this.world.domainsOf(this.small));
		assertThat(this.client.get(this.site.lookupUrl(this.small)).body()).isEqualTo(expected);
		assertThat(this.client.get(this.site.lookupUrl(this.small)).body()).isEqualTo(expected);
		SiteClient.Answer third = this.client.get(this.site.lookupUrl(this.small));
		assertThat(third.status()).isEqualTo(200);
		assertThat(third.body()).isEqualTo("API count exceeded - Increase Quota with Membership");
		assertThat(second.get(this.site.lookupUrl(this.small)).body()).isEqualTo(expected);
		assertThat(this.site.lookupCount("127.0.0.1")).isEqualTo(3);
		assertThat(this.site.lookupCount("127.0.0.2")).isEqualTo(1);
		this.site.resetQuotas();
		assertThat(this.client.get(this.site.lookupUrl(this.small)).body()).isEqualTo(expected);
	}

	@Test
	void silentBanLooksLikeAnAddressHostingNothing() {
		this.site.quota(1).behaviour(Blocking.silentBan());
		this.client.get(this.site.lookupUrl(this.small));
		assertThat(this.client.get(this.site.lookupUrl(this.small)).body())
			.isEqualTo(PlainTextSite.noRecords(this.small));
	}

	@Test
	void headerGateWantsAUserAgent() {
		this.site.behaviour(Blocking.headerGate());
		SiteClient.Answer bare = this.client.get(this.site.lookupUrl(this.small), Map.of("User-Agent", ""));
		assertThat(bare.status()).isEqualTo(403);
		assertThat(this.client.get(this.site.lookupUrl(this.small)).status()).isEqualTo(200);
	}

	@Test
	void truncationCapsTheLinesSilently() {
		this.site.behaviour(Blocking.truncate(50));
		List<String> lines = Arrays.asList(this.client.get(this.site.lookupUrl(this.shared)).body().split("\n"));
		assertThat(lines).hasSize(50)
			.containsExactlyElementsOf(this.world.domainsOf(this.shared).stream().limit(50).toList());
	}

	@Test
	void dataQuirksNormaliseBackToTheWorldsNames() {
		this.site.behaviour(Blocking.dataQuirks());
		List<String> lines = Arrays.asList(this.client.get(this.site.lookupUrl(this.shared)).body().split("\n"));
		assertThat(lines).contains(this.shared);
		assertThat(lines).anyMatch((line) -> line.endsWith("."))
			.anyMatch((line) -> line.startsWith("*."))
			.anyMatch((line) -> !line.equals(line.toLowerCase()));
		assertThat(ShownNames.normaliseAll(lines)).isEqualTo(this.world.domainsOf(this.shared));
	}

	@Test
	void changedLayoutIsCsvThatALineParserWouldMisread() {
		this.site.layoutVersion(FakeSite.CHANGED_LAYOUT);
		String[] lines = this.client.get(this.site.lookupUrl(this.small)).body().split("\n");
		assertThat(lines[0]).isEqualTo("host,ip");
		assertThat(lines).hasSize(this.world.domainCount(this.small) + 1);
		assertThat(lines[1]).isEqualTo(this.world.domainsOf(this.small).first() + "," + this.small);
	}

}
