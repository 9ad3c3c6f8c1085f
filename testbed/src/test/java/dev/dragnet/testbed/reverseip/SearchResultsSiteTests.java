package dev.dragnet.testbed.reverseip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Family 5, Bing {@code ip:} style: ten results a page, full URLs, a count, repeats. */
class SearchResultsSiteTests {

	private static final String RESULT = "<li class=\"b_algo\"><h2><a href=\"(https?://([^/\"]+)/[^\"]*)\"";

	private static final String COUNT = "<span class=\"sb_count\">([^<]*)</span>";

	private final ReverseIpWorld world = new ReverseIpWorld(42);

	private final SearchResultsSite site = SearchResultsSite.start(this.world);

	private final SiteClient client = SiteClient.from("127.0.0.1");

	private final String small = this.world.firstAddressOf(Tier.SMALL, "10.0.0.0");

	private final String shared = this.world.firstAddressOf(Tier.SHARED, "10.0.0.0");

	private final String empty = this.world.firstAddressOf(Tier.EMPTY, "10.0.0.1");

	@AfterEach
	void close() {
		this.site.close();
	}

	@Test
	void walkingThePagesFindsEveryHostWithRepeatsAndACount() {
		int count = this.world.domainCount(this.shared);
		int results = count + count / 6;
		Set<String> hosts = new TreeSet<>();
		List<String> urls = new ArrayList<>();
		for (int first = 0; first < results; first += 10) {
			String html = this.client.get(this.site.lookupUrl(this.shared, first)).body();
			assertThat(ShownNames.all(COUNT, html))
				.containsExactly((first + 1) + "-" + Math.min(first + 10, results) + " of " + results + " results");
			urls.addAll(ShownNames.all(RESULT, html, 1));
			hosts.addAll(ShownNames.all(RESULT, html, 2));
		}
		assertThat(urls).hasSize(results);
		assertThat(hosts).isEqualTo(this.world.domainsOf(this.shared));
		assertThat(this.site.lookupUrl(this.small, 20)).isEqualTo(this.site.baseUrl() + "search?q=ip%3A" + this.small
				+ "&first=20");
	}

	@Test
	void askingPastTheEndRepeatsTheLastPage() {
		String last = this.client.get(this.site.lookupUrl(this.small, 0)).body();
		String past = this.client.get(this.site.lookupUrl(this.small, 30)).body();
		assertThat(ShownNames.all(RESULT, past, 2)).isEqualTo(ShownNames.all(RESULT, last, 2)).isNotEmpty();
	}

	@Test
	void noResultsHasNoCount() {
		String html = this.client.get(this.site.lookupUrl(this.empty)).body();
		assertThat(html).contains("There are no results for <strong>ip:" + this.empty + "</strong>");
		assertThat(ShownNames.all(COUNT, html)).isEmpty();
	}

	@Test
	void quotaTextForOneClientWhileAnotherSearchesOn() {
		this.site.quota(1);
		this.client.get(this.site.lookupUrl(this.small));
		assertThat(this.client.get(this.site.lookupUrl(this.small)).body()).contains(SearchResultsSite.QUOTA_TEXT)
			.doesNotContain("b_results");
		assertThat(ShownNames.all(RESULT, SiteClient.from("127.0.0.2").get(this.site.lookupUrl(this.small)).body(), 2))
			.isNotEmpty();
	}

	@Test
	void withoutABrowserUserAgentThePageNeedsJavaScript() {
		this.site.behaviour(Blocking.headerGate());
		String html = this.client.get(this.site.lookupUrl(this.small), Map.of()).body();
		assertThat(html).contains("<noscript>" + SearchResultsSite.NEEDS_JAVASCRIPT).doesNotContain("b_results");
	}

	@Test
	void truncationStopsAtTheCapWhileTheCountStaysTrue() {
		this.site.behaviour(Blocking.truncate(30));
		String third = this.client.get(this.site.lookupUrl(this.shared, 20)).body();
		String fifth = this.client.get(this.site.lookupUrl(this.shared, 40)).body();
		assertThat(ShownNames.all(RESULT, fifth, 1)).isEqualTo(ShownNames.all(RESULT, third, 1)).hasSize(10);
		int count = this.world.domainCount(this.shared);
		assertThat(ShownNames.all(COUNT, fifth)).containsExactly("21-30 of " + (count + count / 6) + " results");
	}

	@Test
	void quirkyHostsAndTheChangedLayout() {
		this.site.behaviour(Blocking.dataQuirks());
		List<String> hosts = ShownNames.all(RESULT, this.client.get(this.site.lookupUrl(this.shared)).body(), 2);
		assertThat(hosts).anyMatch((host) -> host.endsWith(".")).anyMatch((host) -> !host.equals(host.toLowerCase()));
		assertThat(ShownNames.normaliseAll(hosts)).isSubsetOf(this.world.domainsOf(this.shared));

		this.site.clearBehaviours().layoutVersion(FakeSite.CHANGED_LAYOUT);
		String html = this.client.get(this.site.lookupUrl(this.small)).body();
		assertThat(html).doesNotContain("b_results").doesNotContain("sb_count").contains("<ol id=\"results\">");
		assertThat(ShownNames.all(RESULT, html)).isEmpty();
		assertThat(ShownNames.all("<h3 class=\"title\"><a href=\"https?://([^/\"]+)/", html))
			.containsAll(this.world.domainsOf(this.small));
	}

}
