package dev.dragnet.protocol.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.dragnet.protocol.Pace;

/**
 * The built-in definitions of the five scraped source families of {@code REVERSE-IP-NOTES.md} and of a keyed
 * passive-DNS service, each pointed at a base
 * URL (the real site's, a mirror's, or a testbed fake's). Every one carries the blocking pages all families share (B2
 * HTTP 429, B3 Cloudflare's block and challenge pages, B4 captcha and page-visit limit), its own quota text (B1) and
 * header-gate answers (B6), its "nothing hosted" text, and a layout check, so that a new template (B10) reads as
 * "page changed" rather than as an address hosting nothing.
 *
 * <p>Caps: {@value #MAX_RESULTS} names an address; more marks the answer truncated (B7).
 */
public final class SourceCatalogue {

	/**
	 * The source every probe has built in, with no definition: the address's PTR record, asked of the probe's name
	 * servers. A campaign uses it only when it names it; no stored definition may take the name.
	 */
	public static final String PTR = "ptr";

	/**
	 * What a source may be called: lower-case letters, digits, dots, underscores and hyphens, starting with a
	 * letter or digit, at most 64 characters. Names travel in comma- and semicolon-separated lists (results,
	 * CSV), so none of those characters may appear in one.
	 */
	public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

	/** Most names taken for one address by the built-in sources. */
	public static final int MAX_RESULTS = 10_000;

	/** The {@code User-Agent} sent to sites that gate on a browser's (B6). */
	public static final String BROWSER_USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
			+ "(KHTML, like Gecko) Chrome/124.0 Safari/537.36";

	/** An HTML page holding the site's search form, not an answer: what header gates serve (B6). */
	static final String SEARCH_FORM = "<form action=\"/\"";

	private SourceCatalogue() {
	}

	/** Whether {@code name} is a name a source may have (see {@link #NAME}). */
	public static boolean isValidName(String name) {
		return NAME.matcher(name).matches();
	}

	/**
	 * Family 1, HackerTarget style: {@code GET {base}reverseiplookup/?q={ip}}, {@code text/plain}, one host a line;
	 * quota and "no records" come as 200 bodies. Nothing shows a total, so a capped answer (B7) cannot be told from a
	 * complete one.
	 */
	public static SourceDefinition plainText(String base) {
		List<BlockMarker> markers = common();
		markers.add(BlockMarker.bodyContains("API count exceeded", Verdict.QUOTA));
		markers.add(BlockMarker.status(403, Verdict.FIREWALL));
		return new SourceDefinition("hackertarget", 1,
				SourceRequest.get("{base}reverseiplookup/?q={ip}", Map.of("Accept", "text/plain")), Extractor.lines(),
				null, markers, List.of("No DNS A records found"), "[^\\s,;<>\"'=]+", new Pace(2_000, 1), MAX_RESULTS)
			.withBase(base);
	}

	/**
	 * Family 2, YouGetSignal style: {@code POST {base}domains.php} with {@code remoteAddress={ip}&key=&_=} and the
	 * {@code Origin}, {@code Referer} and {@code X-Requested-With} a browser's XHR sends; JSON
	 * {@code "domainArray":[["a.com",""],...]} and the total in {@code "domainCount"} (a string).
	 */
	public static SourceDefinition formJson(String base) {
		List<BlockMarker> markers = common();
		markers.add(BlockMarker.bodyContains("Daily reverse IP check limit reached", Verdict.QUOTA));
		markers.add(BlockMarker.bodyContains("Invalid request origin", Verdict.NEEDS_BROWSER));
		// A JSON endpoint answering its HTML page: the XHR gate turned us away.
		markers.add(BlockMarker.bodyRegex("(?i)\\A\\s*<(?:!doctype|html)", Verdict.NEEDS_BROWSER));
		Map<String, String> headers = Map.of("Origin", "{origin}", "Referer", "{base}", "X-Requested-With",
				"XMLHttpRequest", "User-Agent", BROWSER_USER_AGENT, "Accept", "text/javascript, text/html, */*; q=0.01");
		return new SourceDefinition("yougetsignal", 1,
				SourceRequest.post("{base}domains.php", headers, "remoteAddress={ip}&key=&_="),
				new Extractor(Extractor.Kind.JSON_POINTER, "/domainArray", "/0", false, "/domainCount"), null, markers,
				List.of("No web sites found"), "/domainArray", new Pace(3_000, 1), MAX_RESULTS)
			.withBase(base);
	}

	/**
	 * Family 3, RapidDNS style: {@code GET {base}sameip/{ip}?page={page}}, 100 rows a page in
	 * {@code table#table tbody tr}, the domain in the row's first {@code td}, the total in
	 * {@code <span style="color: #39cfca; ">}. At most 100 pages.
	 */
	public static SourceDefinition pagedTable(String base) {
		List<BlockMarker> markers = common();
		markers.add(BlockMarker.bodyContains("Daily limit exceeded", Verdict.QUOTA));
		markers.add(BlockMarker.bodyContains(SEARCH_FORM, Verdict.NEEDS_BROWSER));
		return new SourceDefinition("rapiddns", 1,
				SourceRequest.get("{base}sameip/{ip}?page={page}", Map.of("User-Agent", BROWSER_USER_AGENT)),
				new Extractor(Extractor.Kind.CSS, "table#table tbody tr > td:nth-of-type(1)", null, false,
						"span[style*=39cfca]"),
				new Pagination(1, 1, 100, 100), markers, List.of(), "table#table", new Pace(2_000, 1), MAX_RESULTS)
			.withBase(base);
	}

	/**
	 * Family 4, ip138 style: {@code GET {base}{ip}/} with a {@code Referer}; {@code ul#list} holds the names as
	 * {@code li a} after two header rows. No total, no pages. Its bans are silent (B5): an empty list is only known
	 * for a ban by asking about a canary address.
	 */
	public static SourceDefinition chineseList(String base) {
		List<BlockMarker> markers = common();
		markers.add(BlockMarker.bodyContains(SEARCH_FORM, Verdict.NEEDS_BROWSER));
		return new SourceDefinition("ip138", 1,
				SourceRequest.get("{base}{ip}/", Map.of("Referer", "{base}", "User-Agent", BROWSER_USER_AGENT)),
				new Extractor(Extractor.Kind.CSS, "ul#list li a[href]", null, false, null), null, markers, List.of(),
				"ul#list", new Pace(3_000, 1), MAX_RESULTS)
			.withBase(base);
	}

	/**
	 * Family 5, Bing {@code ip:} style: {@code GET {base}search?q=ip%3A{ip}&first={first}}, ten results a page in
	 * {@code #b_results li h2 a[href]} (full URLs: the host is the name), the total in {@code span.sb_count}
	 * ({@code "11-20 of 37 results"}, counting repeated results). A page asking for a script-computed token needs a
	 * browser (B6). At most 50 pages.
	 */
	public static SourceDefinition searchResults(String base) {
		List<BlockMarker> markers = common();
		markers.add(BlockMarker.bodyContains("reached the search limit", Verdict.QUOTA));
		markers.add(BlockMarker.bodyContains("enable JavaScript to continue", Verdict.NEEDS_BROWSER));
		markers.add(BlockMarker.bodyRegex("document\\.cookie\\s*=", Verdict.NEEDS_BROWSER));
		return new SourceDefinition("bing", 1,
				SourceRequest.get("{base}search?q=ip%3A{ip}&first={first}", Map.of("User-Agent", BROWSER_USER_AGENT)),
				new Extractor(Extractor.Kind.CSS, "#b_results li h2 a[href]", "href", true, "span.sb_count"),
				new Pagination(1, 1, 10, 50), markers, List.of("There are no results for"), "#b_results",
				new Pace(5_000, 1), MAX_RESULTS)
			.withBase(base);
	}

	/**
	 * Family 6, a keyed passive-DNS service, DNSDB style: {@code GET {base}dnsdb/v2/lookup/rdata/ip/{ip}?limit=N}
	 * with the probe's key in {@code X-API-Key} ({@code {key}}: each probe brings its own, see
	 * {@link SourceRequest#withKey}); the answer streams NDJSON, {@code {"cond":"begin"}}, one
	 * {@code {"obj":{"rrname":"x.example.","rrtype":"A","rdata":"192.0.2.1",...}}} line per name, then
	 * {@code {"cond":"succeeded"}} or {@code {"cond":"limited",...}}. A refused key (401, 403) is
	 * {@link Verdict#KEY_REFUSED}; a spent quota is HTTP 429 with {@code Retry-After}. Passive DNS does not ban
	 * silently, so it has no canary.
	 */
	public static SourceDefinition passiveDns(String base) {
		List<BlockMarker> markers = new ArrayList<>();
		markers.add(BlockMarker.bodyContains("Quota exceeded", Verdict.QUOTA));
		markers.add(BlockMarker.status(401, Verdict.KEY_REFUSED));
		markers.add(BlockMarker.status(403, Verdict.KEY_REFUSED));
		markers.addAll(common());
		return new SourceDefinition("dnsdb", 1,
				SourceRequest.get("{base}dnsdb/v2/lookup/rdata/ip/{ip}?limit=" + MAX_RESULTS,
						Map.of("X-API-Key", SourceRequest.KEY, "Accept", "application/x-ndjson")),
				new Extractor(Extractor.Kind.NDJSON, "/obj/rrname", null, false, null), null, markers, List.of(),
				"/obj/rdata", new Pace(500, 2), MAX_RESULTS)
			.withBase(base);
	}

	/** The blocking pages every family may show, most specific first. */
	private static List<BlockMarker> common() {
		List<BlockMarker> markers = new ArrayList<>();
		markers.add(BlockMarker.status(429, Verdict.THROTTLED));
		markers.add(BlockMarker.bodyContains("Sorry, you have been blocked", Verdict.FIREWALL));
		markers.add(BlockMarker.bodyContains("<title>Just a moment...</title>", Verdict.FIREWALL));
		markers.add(BlockMarker.header("cf-mitigated: challenge", Verdict.FIREWALL));
		markers.add(BlockMarker.bodyContains("captcha_token", Verdict.CAPTCHA));
		markers.add(BlockMarker.bodyContains("Human Verification", Verdict.CAPTCHA));
		markers.add(BlockMarker.bodyContains("You have exceeded page visit limit", Verdict.CAPTCHA));
		return markers;
	}

}
