package dev.dragnet.testbed.reverseip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Family 3: a paginated HTML table, 100 rows a page, the total in a coloured span. */
class PagedTableSiteTests {

	private static final String TOTAL = "<span style=\"color: #39cfca; \">(\\d+)</span>";

	private final ReverseIpWorld world = new ReverseIpWorld(42);

	private final PagedTableSite site = PagedTableSite.start(this.world);

	private final SiteClient client = SiteClient.from("127.0.0.1");

	private final String small = this.world.firstAddressOf(Tier.SMALL, "10.0.0.0");

	private final String shared = this.world.firstAddressOf(Tier.SHARED, "10.0.0.0");

	private final String empty = this.world.firstAddressOf(Tier.EMPTY, "10.0.0.1");

	@AfterEach
	void close() {
		this.site.close();
	}

	@Test
	void pagesHoldAHundredNumberedRowsUnderTheTotal() {
		int count = this.world.domainCount(this.shared);
		List<String> names = new ArrayList<>();
		int pages = (count + 99) / 100;
		for (int page = 1; page <= pages; page++) {
			String html = this.client.get(this.site.lookupUrl(this.shared, page)).body();
			assertThat(html).contains("<table class=\"table table-striped table-bordered\" id=\"table\">", "<tbody>");
			assertThat(ShownNames.all(TOTAL, html)).containsExactly(Integer.toString(count));
			List<String> numbers = numbers(html, this.shared);
			List<String> rows = rows(html, this.shared);
			assertThat(rows).hasSize((page < pages) ? 100 : count - 100 * (pages - 1));
			assertThat(numbers.get(0)).isEqualTo(Integer.toString((page - 1) * 100 + 1));
			names.addAll(rows);
		}
		assertThat(names).containsExactlyElementsOf(this.world.domainsOf(this.shared));
		String past = this.client.get(this.site.lookupUrl(this.shared, pages + 1)).body();
		assertThat(rows(past, this.shared)).isEmpty();
		assertThat(ShownNames.all(TOTAL, past)).containsExactly(Integer.toString(count));
	}

	@Test
	void aGiantSharedHostRunsToAHundredAndTwentyPages() {
		String giant = this.world.firstAddressOf(Tier.GIANT, "10.0.0.0");
		String last = this.client.get(this.site.lookupUrl(giant, 120)).body();
		assertThat(ShownNames.all(TOTAL, last)).containsExactly("12000");
		assertThat(numbers(last, giant)).hasSize(100).endsWith("12000");
		assertThat(rows(last, giant)).isEqualTo(this.world.domainsOf(giant).stream().skip(11_900).toList());
		assertThat(rows(this.client.get(this.site.lookupUrl(giant, 121)).body(), giant)).isEmpty();
	}

	@Test
	void anAddressHostingNothingShowsTotalZero() {
		String html = this.client.get(this.site.lookupUrl(this.empty)).body();
		assertThat(ShownNames.all(TOTAL, html)).containsExactly("0");
		assertThat(html).contains("id=\"table\"").doesNotContain("scope=\"row\"");
	}

	@Test
	void quotaTextReplacesTheTableForThatClientOnly() {
		this.site.quota(1);
		this.client.get(this.site.lookupUrl(this.small));
		String over = this.client.get(this.site.lookupUrl(this.small)).body();
		assertThat(over).contains(PagedTableSite.QUOTA_TEXT).doesNotContain("id=\"table\"");
		String other = SiteClient.from("127.0.0.3").get(this.site.lookupUrl(this.small)).body();
		assertThat(rows(other, this.small)).containsExactlyElementsOf(this.world.domainsOf(this.small));
	}

	@Test
	void silentBanShowsZeroRowsWhichOnlyACanaryReveals() {
		this.site.quota(1).behaviour(Blocking.silentBan());
		this.client.get(this.site.lookupUrl(this.empty));
		String canary = this.client.get(this.site.lookupUrl(this.small)).body();
		assertThat(ShownNames.all(TOTAL, canary)).containsExactly("0");
		assertThat(this.world.domainsOf(this.small)).isNotEmpty();
	}

	@Test
	void withoutABrowserUserAgentTheGateAnswersTheHomePage() {
		this.site.behaviour(Blocking.headerGate());
		String home = this.client.get(this.site.lookupUrl(this.small), Map.of("User-Agent", "curl/8.5.0")).body();
		assertThat(home).contains("id=\"home\"").doesNotContain("id=\"table\"");
		assertThat(this.client.get(this.site.lookupUrl(this.small)).body()).contains("id=\"table\"");
	}

	@Test
	void truncationEmptiesLaterPagesButKeepsTheTrueTotal() {
		this.site.behaviour(Blocking.truncate(150));
		assertThat(rows(this.client.get(this.site.lookupUrl(this.shared, 1)).body(), this.shared)).hasSize(100);
		String second = this.client.get(this.site.lookupUrl(this.shared, 2)).body();
		assertThat(rows(second, this.shared)).hasSize(50);
		assertThat(ShownNames.all(TOTAL, second)).containsExactly(Integer.toString(this.world.domainCount(this.shared)));
		assertThat(rows(this.client.get(this.site.lookupUrl(this.shared, 3)).body(), this.shared)).isEmpty();
	}

	@Test
	void dataQuirksPutTheAddressInTheDomainColumn() {
		this.site.behaviour(Blocking.dataQuirks());
		List<String> rows = rows(this.client.get(this.site.lookupUrl(this.shared)).body(), this.shared);
		assertThat(rows).contains(this.shared).anyMatch((name) -> name.endsWith("."));
		List<String> all = new ArrayList<>();
		for (int page = 1; page <= 4; page++) {
			all.addAll(rows(this.client.get(this.site.lookupUrl(this.shared, page)).body(), this.shared));
		}
		assertThat(ShownNames.normaliseAll(all)).isEqualTo(this.world.domainsOf(this.shared));
	}

	@Test
	void changedLayoutHasNoTableIdOrColouredTotal() {
		this.site.layoutVersion(FakeSite.CHANGED_LAYOUT);
		String html = this.client.get(this.site.lookupUrl(this.small)).body();
		assertThat(html).doesNotContain("id=\"table\"").doesNotContain("#39cfca").contains("id=\"sameip-results\"");
		assertThat(ShownNames.all("<td class=\"domain-name\">([^<]*)</td>", html))
			.containsExactlyElementsOf(this.world.domainsOf(this.small));
	}

	/** The domain cells of the rows of {@code html}, a page about {@code ip}. */
	private static List<String> rows(String html, String ip) {
		return ShownNames.all(row(ip), html, 2);
	}

	/** The row numbers of {@code html}, a page about {@code ip}. */
	private static List<String> numbers(String html, String ip) {
		return ShownNames.all(row(ip), html, 1);
	}

	private static String row(String ip) {
		String quoted = Pattern.quote(ip);
		return "<tr><th scope=\"row\">(\\d+)</th><td>([^<]*)</td><td><a href=\"/sameip/" + quoted
				+ "#result\" target=\"_blank\">" + quoted + "</a></td><td>A</td></tr>\n";
	}

}
