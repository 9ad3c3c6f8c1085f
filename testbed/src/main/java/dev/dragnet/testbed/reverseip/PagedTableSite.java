package dev.dragnet.testbed.reverseip;

import java.util.List;

import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;

import static dev.dragnet.testbed.reverseip.SitePages.escape;

/**
 * A fake paginated HTML-table reverse-IP site (family 3, RapidDNS style).
 *
 * <p>{@code GET /sameip/{ip}?page=N} (N from 1, default 1) answers {@value #PAGE_SIZE} rows a page. The total is in
 * {@code <span style="color: #39cfca; ">N</span>}; rows are {@code table#table tbody tr}, one a line:
 * {@code <tr><th scope="row">n</th><td>domain</td><td><a href="/sameip/{ip}#result" target="_blank">{ip}</a></td>
 * <td>A</td></tr>}, numbered across pages. A page past the end has the total and no rows; an address hosting nothing
 * (or a silent ban) shows total 0.
 * <ul>
 * <li>B1: past the quota, the page holds {@value #QUOTA_TEXT} and no table.</li>
 * <li>B6 (off by default): without a browser {@code User-Agent} (one containing {@code Mozilla/}) the answer is the
 * home page.</li>
 * <li>B7: rows after the first {@code maxResults} are never shown (later pages are empty) while the total stays
 * true.</li>
 * <li>B9: upper case, trailing dots, {@code *.} wildcards, and the address itself in the domain column.</li>
 * <li>B10: layout 2 renames the table ({@code table#sameip-results}), the total ({@code span.total-count}) and the
 * cells ({@code td.domain-name}).</li>
 * </ul>
 */
public final class PagedTableSite extends FakeSite<PagedTableSite> {

	/** Rows per page. */
	public static final int PAGE_SIZE = 100;

	/** B1's text. */
	public static final String QUOTA_TEXT = "Daily limit exceeded. You have reached the maximum number of queries for "
			+ "today.";

	private static final String PREFIX = "/sameip/";

	private static final String FOOT = "</div></body></html>\n";

	private PagedTableSite(ReverseIpWorld world) {
		super(world, "RapidDNS - Same IP");
	}

	/** Starts a site serving {@code world} on {@code 127.0.0.1} and a free port. */
	public static PagedTableSite start(ReverseIpWorld world) {
		return new PagedTableSite(world).bind();
	}

	@Override
	SourceDefinition catalogueDefinition(String base) {
		return SourceCatalogue.pagedTable(base);
	}

	@Override
	public String lookupUrl(String ip) {
		return url(PREFIX + ip);
	}

	/** The URL of page {@code page} (from 1) of the lookup of {@code ip}. */
	public String lookupUrl(String ip, int page) {
		return url(PREFIX + ip + "?page=" + page);
	}

	@Override
	@Nullable Lookup parse(SiteRequest request) {
		QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
		String path = decoder.path();
		if (!path.startsWith(PREFIX)) {
			return null;
		}
		String query = path.substring(PREFIX.length());
		query = query.endsWith("/") ? query.substring(0, query.length() - 1) : query;
		Integer address = ReverseIpWorld.parseIpv4(query);
		int page = 1;
		List<String> pages = decoder.parameters().getOrDefault("page", List.of());
		if (!pages.isEmpty() && pages.get(0).matches("[1-9][0-9]{0,5}")) {
			page = Integer.parseInt(pages.get(0));
		}
		return new Lookup(query, (address != null) ? ReverseIpWorld.ipv4(address) : null, page);
	}

	@Override
	boolean passesGate(SiteRequest request) {
		String agent = request.header("User-Agent");
		return agent != null && agent.contains("Mozilla/");
	}

	@Override
	SiteAnswer refuseAtGate(SiteRequest request, Lookup lookup) {
		return SitePages.home(title());
	}

	@Override
	SiteAnswer invalid(Lookup lookup) {
		return result(lookup, List.of());
	}

	@Override
	SiteAnswer quotaExceeded(Lookup lookup) {
		return SiteAnswer.html(200, head(lookup) + "<div class=\"alert alert-warning\" role=\"alert\">" + QUOTA_TEXT
				+ "</div>\n" + FOOT);
	}

	@Override
	SiteAnswer result(Lookup lookup, List<String> names) {
		boolean changed = layoutVersion() == CHANGED_LAYOUT;
		String ip = escape(lookup.query());
		int visible = Math.min(names.size(), resultCap());
		int from = Math.min((lookup.page() - 1) * PAGE_SIZE, visible);
		int to = Math.min(from + PAGE_SIZE, visible);
		StringBuilder html = new StringBuilder(512 + (to - from) * 160).append(head(lookup));
		html.append(changed ? "<div class=\"summary\">Total: <span class=\"total-count\">" + names.size() + "</span>"
				: "<div class=\"d-flex\"><h4>Same IP Domains</h4><div>Total: <span style=\"color: #39cfca; \">"
						+ names.size() + "</span></div>")
			.append("</div>\n");
		html.append(changed ? "<table class=\"table\" id=\"sameip-results\">\n"
				: "<table class=\"table table-striped table-bordered\" id=\"table\">\n")
			.append("<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Domain</th><th scope=\"col\">Address</th>"
					+ "<th scope=\"col\">Type</th></tr></thead>\n<tbody>\n");
		for (int i = from; i < to; i++) {
			String name = escape(names.get(i));
			html.append(changed ? "<tr class=\"row-item\"><td class=\"idx\">" + (i + 1) + "</td><td class=\"domain-name\">"
					+ name + "</td><td class=\"addr\">" + ip + "</td><td class=\"rtype\">A</td></tr>\n"
					: "<tr><th scope=\"row\">" + (i + 1) + "</th><td>" + name + "</td><td><a href=\"/sameip/" + ip
							+ "#result\" target=\"_blank\">" + ip + "</a></td><td>A</td></tr>\n");
		}
		html.append("</tbody>\n</table>\n").append(pagination(ip, lookup.page(), visible)).append(FOOT);
		return SiteAnswer.html(200, html.toString());
	}

	@Override
	List<String> dress(String ip, List<String> names) {
		return DomainQuirks.dressWithAddressRow(ip, names);
	}

	private static String pagination(String ip, int current, int visible) {
		int pages = (visible + PAGE_SIZE - 1) / PAGE_SIZE;
		if (pages <= 1) {
			return "";
		}
		StringBuilder links = new StringBuilder("<ul class=\"pagination\">");
		for (int page = 1; page <= pages; page++) {
			links.append("<li class=\"page-item").append((page == current) ? " active" : "")
				.append("\"><a class=\"page-link\" href=\"/sameip/").append(ip).append("?page=").append(page)
				.append("#result\">").append(page).append("</a></li>");
		}
		return links.append("</ul>\n").toString();
	}

	private static String head(Lookup lookup) {
		return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Same IP " + escape(lookup.query())
				+ " - RapidDNS</title></head>\n<body><div class=\"container\" id=\"result\">\n";
	}

}
