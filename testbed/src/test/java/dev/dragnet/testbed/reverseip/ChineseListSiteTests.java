package dev.dragnet.testbed.reverseip;

import java.util.List;
import java.util.Map;

import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Family 4, ip138 style: a UTF-8 list behind a Referer gate, with silent bans. */
class ChineseListSiteTests {

	private static final String ROW = "<li><span class=\"date\">(\\d{4}-\\d{2}-\\d{2}-----\\d{4}-\\d{2}-\\d{2})</span>"
			+ "<a href=\"/([^\"/]*)/\" target=\"_blank\">([^<]*)</a></li>";

	private final ReverseIpWorld world = new ReverseIpWorld(42);

	private final ChineseListSite site = ChineseListSite.start(this.world);

	private final SiteClient client = SiteClient.from("127.0.0.1");

	private final String small = this.world.firstAddressOf(Tier.SMALL, "10.0.0.0");

	private final String shared = this.world.firstAddressOf(Tier.SHARED, "10.0.0.0");

	private final String empty = this.world.firstAddressOf(Tier.EMPTY, "10.0.0.1");

	@AfterEach
	void close() {
		this.site.close();
	}

	@Test
	void theListHasTwoHeaderItemsThenOneDatedLinkPerName() {
		SiteClient.Answer answer = this.client.get(this.site.lookupUrl(this.shared));
		assertThat(answer.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
		String html = answer.body();
		String list = html.substring(html.indexOf("<ul id=\"list\">"), html.indexOf("</ul>"));
		assertThat(ShownNames.all("(<li[ >])", list)).hasSize(2 + this.world.domainCount(this.shared));
		assertThat(list).startsWith("<ul id=\"list\">\n<li>绑定过的域名如下：</li>\n<li class=\"title\">");
		assertThat(ShownNames.all(ROW, html, 3)).containsExactlyElementsOf(this.world.domainsOf(this.shared));
		assertThat(ShownNames.all(ROW, html, 2)).isEqualTo(ShownNames.all(ROW, html, 3));
		assertThat(ShownNames.all(ROW, html, 1)).allMatch((dates) -> dates.compareTo("2015") > 0);
		assertThat(this.site.lookupUrl(this.small)).isEqualTo(this.site.baseUrl() + this.small + "/");
	}

	@Test
	void withoutARefererThereIsNoList() {
		String html = this.client.get(this.site.lookupUrl(this.small), Map.of("User-Agent", SiteClient.BROWSER)).body();
		assertThat(html).doesNotContain("id=\"list\"").contains("请输入IP地址或域名");
	}

	@Test
	void overTheQuotaTheBanIsSilentAndLooksLikeAnEmptyAddress() {
		this.site.quota(1);
		String emptyPage = this.client.get(this.site.lookupUrl(this.empty)).body();
		assertThat(ShownNames.all(ROW, emptyPage)).isEmpty();
		String banned = this.client.get(this.site.lookupUrl(this.small)).body();
		assertThat(banned).contains(ChineseListSite.HEADER);
		assertThat(ShownNames.all(ROW, banned)).isEmpty();
		assertThat(banned.replace(this.small, "IP")).isEqualTo(emptyPage.replace(this.empty, "IP"));
		String canary = SiteClient.from("127.0.0.2").get(this.site.lookupUrl(this.small)).body();
		assertThat(ShownNames.all(ROW, canary, 3)).containsExactlyElementsOf(this.world.domainsOf(this.small));
	}

	@Test
	void truncationAndQuirksAndTheChangedLayout() {
		this.site.behaviour(Blocking.truncate(30), Blocking.dataQuirks());
		List<String> shown = ShownNames.all(ROW, this.client.get(this.site.lookupUrl(this.shared)).body(), 3);
		assertThat(shown).hasSize(30).anyMatch((name) -> name.startsWith("*.")).anyMatch((name) -> name.endsWith("."))
			.anyMatch((name) -> !name.equals(name.toLowerCase()));
		assertThat(ShownNames.normaliseAll(shown)).isSubsetOf(this.world.domainsOf(this.shared)).hasSize(30);

		this.site.clearBehaviours().layoutVersion(FakeSite.CHANGED_LAYOUT);
		String changed = this.client.get(this.site.lookupUrl(this.small)).body();
		assertThat(changed).doesNotContain("id=\"list\"").doesNotContain(ChineseListSite.HEADER)
			.doesNotContain("class=\"date\"").contains("<ul class=\"domain-list\">");
		assertThat(ShownNames.all(ROW, changed)).isEmpty();
	}

}
