package dev.dragnet.testbed.reverseip;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import org.jspecify.annotations.Nullable;

import static dev.dragnet.testbed.reverseip.SitePages.escape;

/**
 * A fake Chinese list-page reverse-IP site (family 4, ip138 style), UTF-8.
 *
 * <p>{@code GET /{ip}/} with a {@code Referer} answers a page whose {@code ul#list} holds two header {@code li} (the
 * first reading {@value #HEADER}) and then one
 * {@code <li><span class="date">2019-01-01-----2024-05-01</span><a href="/{domain}/" target="_blank">{domain}</a></li>}
 * per name, one a line. There is no pagination and no total.
 * <ul>
 * <li>B1/B5: bans are silent. Past the quota the page looks normal with zero rows, exactly like an address that hosts
 * nothing; only a canary address with known names reveals it.</li>
 * <li>B6 (on by default): without {@code Referer} the answer is the search form, with no {@code ul#list}.</li>
 * <li>B7: at most {@code maxResults} rows, with nothing saying more exist.</li>
 * <li>B9: upper case, trailing dots and {@code *.} wildcards.</li>
 * <li>B10: layout 2 has {@code div#J_domain ul.domain-list}, a different header text, and {@code span.time}.</li>
 * </ul>
 */
public final class ChineseListSite extends FakeSite<ChineseListSite> {

	/** The text of the first header {@code li}. */
	public static final String HEADER = "绑定过的域名如下：";

	private static final Pattern LOOKUP_PATH = Pattern.compile("/([0-9.]{1,20})/?");

	private ChineseListSite(ReverseIpWorld world) {
		super(world, "iP138查询网");
		behaviour(Blocking.headerGate());
	}

	/** Starts a site serving {@code world} on {@code 127.0.0.1} and a free port; its Referer gate is on. */
	public static ChineseListSite start(ReverseIpWorld world) {
		return new ChineseListSite(world).bind();
	}

	@Override
	SourceDefinition catalogueDefinition(String base) {
		return SourceCatalogue.chineseList(base);
	}

	@Override
	public String lookupUrl(String ip) {
		return url("/" + ip + "/");
	}

	@Override
	@Nullable Lookup parse(SiteRequest request) {
		Matcher matcher = LOOKUP_PATH.matcher(request.path());
		if (!matcher.matches()) {
			return null;
		}
		String query = matcher.group(1);
		Integer address = ReverseIpWorld.parseIpv4(query);
		return new Lookup(query, (address != null) ? ReverseIpWorld.ipv4(address) : null, 1);
	}

	@Override
	boolean passesGate(SiteRequest request) {
		String referer = request.header("Referer");
		return referer != null && !referer.isBlank();
	}

	@Override
	SiteAnswer refuseAtGate(SiteRequest request, Lookup lookup) {
		return searchForm("");
	}

	@Override
	SiteAnswer invalid(Lookup lookup) {
		return searchForm("<p class=\"error\">请输入正确的IP地址</p>\n");
	}

	@Override
	SiteAnswer quotaExceeded(Lookup lookup) {
		return result(lookup, List.of());
	}

	@Override
	boolean overQuotaIsSilent() {
		return true;
	}

	@Override
	SiteAnswer result(Lookup lookup, List<String> names) {
		boolean changed = layoutVersion() == CHANGED_LAYOUT;
		String ip = escape(lookup.query());
		StringBuilder html = new StringBuilder(600 + names.size() * 120);
		html.append("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"UTF-8\"><title>").append(ip)
			.append(" 的绑定域名 - iP138查询网</title></head>\n<body><div class=\"container\">")
			.append("<div class=\"result result2\">\n")
			.append(changed ? "<div id=\"J_domain\"><ul class=\"domain-list\">\n<li>该IP解析过的域名：</li>\n"
					: "<ul id=\"list\">\n<li>" + HEADER + "</li>\n")
			.append("<li class=\"title\"><span class=\"").append(changed ? "time" : "date")
			.append("\">绑定日期</span><span>域名</span></li>\n");
		int shown = Math.min(names.size(), resultCap());
		for (int i = 0; i < shown; i++) {
			String name = escape(names.get(i));
			html.append("<li><span class=\"").append(changed ? "time" : "date").append("\">")
				.append(dates(names.get(i)))
				.append("</span><a href=\"/").append(name).append("/\" target=\"_blank\">").append(name)
				.append("</a></li>\n");
		}
		html.append(changed ? "</ul></div>\n" : "</ul>\n").append("</div></div></body></html>\n");
		return SiteAnswer.html(200, html.toString());
	}

	/** {@code first-----last} binding dates, fixed per name. */
	private static String dates(String name) {
		int hash = name.hashCode() & 0x7FFF_FFFF;
		String first = String.format(Locale.ROOT, "%d-%02d-%02d", 2015 + hash % 7, 1 + (hash >>> 3) % 12,
				1 + (hash >>> 7) % 28);
		String last = String.format(Locale.ROOT, "%d-%02d-%02d", 2022 + (hash >>> 11) % 4, 1 + (hash >>> 13) % 12,
				1 + (hash >>> 17) % 28);
		return first + "-----" + last;
	}

	private SiteAnswer searchForm(String message) {
		return SiteAnswer.html(200, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"UTF-8\"><title>"
				+ title() + "</title></head>\n<body><div class=\"container\"><div class=\"search\">\n" + message
				+ "<form action=\"/\" method=\"get\">"
				+ "<input type=\"text\" name=\"ip\" placeholder=\"请输入IP地址或域名\">"
				+ "<button type=\"submit\">查询</button></form>\n</div></div></body></html>\n");
	}

}
