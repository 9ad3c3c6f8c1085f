package dev.dragnet.testbed.reverseip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;

import static dev.dragnet.testbed.reverseip.SitePages.escape;

/**
 * A fake search engine answering {@code ip:} queries (family 5, Bing style).
 *
 * <p>{@code GET /search?q=ip%3A{ip}&first={0,10,20,...}} answers {@value #PAGE_SIZE} results a page as
 * {@code #b_results li.b_algo h2 a[href]} holding full URLs whose host is the domain, and {@code span.sb_count}
 * reading {@code 11-20 of 37 results}. As on the real one, results repeat: after every sixth result comes a repeat of
 * an earlier one with another path, so the count is larger than the number of names; and asking past the end gives
 * the last page again. An address hosting nothing (or a silent ban) gets {@code li.b_no} "There are no results for"
 * and no count.
 * <ul>
 * <li>B1: past the quota, a page reading {@value #QUOTA_TEXT}.</li>
 * <li>B6 (off by default): without a browser {@code User-Agent} (containing {@code Mozilla/}) the page is a script
 * that computes a token, with no results: a client must report it as needing a browser.</li>
 * <li>B7: only the first {@code maxResults} results can be reached; later {@code first} values give the last
 * reachable page, while the count stays true.</li>
 * <li>B9: upper-case hosts and hosts with a trailing dot in the URLs.</li>
 * <li>B10: layout 2 has {@code ol#results li.result h3 a} and {@code span.result-count}.</li>
 * </ul>
 */
public final class SearchResultsSite extends FakeSite<SearchResultsSite> {

	/** Results per page. */
	public static final int PAGE_SIZE = 10;

	/** B1's text. */
	public static final String QUOTA_TEXT = "You have reached the search limit for today. Please try again tomorrow.";

	/** Text of the B6 page that needs a browser. */
	public static final String NEEDS_JAVASCRIPT = "Please enable JavaScript to continue.";

	private SearchResultsSite(ReverseIpWorld world) {
		super(world, "Search");
	}

	/** Starts a site serving {@code world} on {@code 127.0.0.1} and a free port. */
	public static SearchResultsSite start(ReverseIpWorld world) {
		return new SearchResultsSite(world).bind();
	}

	@Override
	SourceDefinition catalogueDefinition(String base) {
		return SourceCatalogue.searchResults(base);
	}

	@Override
	public String lookupUrl(String ip) {
		return lookupUrl(ip, 0);
	}

	/** The URL of the page of the lookup of {@code ip} starting at result {@code first} (0, 10, 20, ...). */
	public String lookupUrl(String ip, int first) {
		return url("/search?q=ip%3A" + ip + "&first=" + first);
	}

	@Override
	@Nullable Lookup parse(SiteRequest request) {
		QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
		if (!decoder.path().equals("/search")) {
			return null;
		}
		List<String> q = decoder.parameters().getOrDefault("q", List.of());
		String query = q.isEmpty() ? "" : q.get(0).trim();
		String ipText = query.toLowerCase(Locale.ROOT).startsWith("ip:") ? query.substring(3).trim() : "";
		Integer address = ReverseIpWorld.parseIpv4(ipText);
		List<String> firsts = decoder.parameters().getOrDefault("first", List.of());
		int first = (!firsts.isEmpty() && firsts.get(0).matches("[0-9]{1,6}")) ? Integer.parseInt(firsts.get(0)) : 0;
		return new Lookup(query, (address != null) ? ReverseIpWorld.ipv4(address) : null, first);
	}

	@Override
	boolean passesGate(SiteRequest request) {
		String agent = request.header("User-Agent");
		return agent != null && agent.contains("Mozilla/");
	}

	@Override
	SiteAnswer refuseAtGate(SiteRequest request, Lookup lookup) {
		return SiteAnswer.html(200, head(lookup) + "<noscript>" + NEEDS_JAVASCRIPT + "</noscript>\n<script>var t=0;"
				+ "for(var i=0;i<1e5;i++){t=(t*31+i)%1000003}document.cookie='_SS=SID='+t;location.reload();</script>\n"
				+ "</body></html>\n");
	}

	@Override
	SiteAnswer invalid(Lookup lookup) {
		return result(lookup, List.of());
	}

	@Override
	SiteAnswer quotaExceeded(Lookup lookup) {
		return SiteAnswer.html(200, head(lookup) + "<div id=\"b_content\"><div class=\"b_limit\"><h1>" + QUOTA_TEXT
				+ "</h1></div></div>\n</body></html>\n");
	}

	@Override
	SiteAnswer result(Lookup lookup, List<String> names) {
		boolean changed = layoutVersion() == CHANGED_LAYOUT;
		StringBuilder html = new StringBuilder(2048).append(head(lookup)).append("<div id=\"b_content\"><main>\n");
		if (names.isEmpty()) {
			html.append("<ol id=\"").append(changed ? "results" : "b_results")
				.append("\"><li class=\"b_no\"><h1>There are no results for <strong>")
				.append(escape(lookup.query()))
				.append("</strong></h1></li></ol>\n");
			return SiteAnswer.html(200, html.append("</main></div></body></html>\n").toString());
		}
		List<String> urls = urls(names);
		int reachable = Math.min(urls.size(), resultCap());
		int lastPageStart = Math.max(0, (reachable - 1) / PAGE_SIZE * PAGE_SIZE);
		int from = Math.min(lookup.page(), lastPageStart);
		int to = Math.min(from + PAGE_SIZE, reachable);
		html.append("<div id=\"b_tween\"><span class=\"").append(changed ? "result-count" : "sb_count").append("\">")
			.append(from + 1).append('-').append(to).append(" of ").append(urls.size()).append(" results</span></div>\n")
			.append("<ol id=\"").append(changed ? "results" : "b_results").append("\">\n");
		for (int i = from; i < to; i++) {
			String url = escape(urls.get(i));
			String host = escape(hostOf(urls.get(i)));
			html.append(changed ? "<li class=\"result\"><h3 class=\"title\">" : "<li class=\"b_algo\"><h2>")
				.append("<a href=\"").append(url).append("\" h=\"ID=SERP,").append(5000 + i).append(".1\">").append(host)
				.append(" - Home</a>").append(changed ? "</h3>" : "</h2>").append("<div class=\"b_caption\"><cite>")
				.append(url).append("</cite><p>Welcome to ").append(host).append(".</p></div></li>\n");
		}
		if (to < reachable) {
			html.append("<li class=\"b_pag\"><nav role=\"navigation\"><a class=\"sb_pagN\" href=\"/search?q=")
				.append(escape(lookup.query().replace(":", "%3A"))).append("&amp;first=").append(to)
				.append("\" title=\"Next page\">Next</a></nav></li>\n");
		}
		return SiteAnswer.html(200, html.append("</ol>\n</main></div></body></html>\n").toString());
	}

	/** B9 for URLs: upper-case hosts and trailing dots; a {@code *.} host cannot be a link. */
	@Override
	List<String> dress(String ip, List<String> names) {
		List<String> shown = new ArrayList<>(names.size());
		for (int i = 0; i < names.size(); i++) {
			String name = names.get(i);
			shown.add(switch (i % 9) {
				case 2 -> name.toUpperCase(Locale.ROOT);
				case 5 -> name + ".";
				default -> name;
			});
		}
		return shown;
	}

	/** One URL per name, and after every sixth a repeat of the fourth-last with another path. */
	private static List<String> urls(List<String> names) {
		List<String> urls = new ArrayList<>(names.size() + names.size() / 6);
		for (int i = 0; i < names.size(); i++) {
			String name = names.get(i);
			urls.add(switch (i % 3) {
				case 0 -> "https://" + name + "/";
				case 1 -> "http://" + name + "/";
				default -> "https://" + name + "/index.php";
			});
			if (i % 6 == 5) {
				urls.add("https://" + names.get(i - 3) + "/about");
			}
		}
		return urls;
	}

	private static String hostOf(String url) {
		int start = url.indexOf("://") + 3;
		int end = url.indexOf('/', start);
		return url.substring(start, (end < 0) ? url.length() : end);
	}

	private static String head(Lookup lookup) {
		return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(lookup.query())
				+ " - Search</title></head>\n<body>\n";
	}

}
