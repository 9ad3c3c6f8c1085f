package dev.dragnet.testbed.reverseip;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;

/**
 * A fake form-POST reverse-IP site answering JSON (family 2, YouGetSignal style).
 *
 * <p>{@code POST /domains.php} with the form body {@code remoteAddress={ip}&key=&_=} answers, as the real one does,
 * JSON labelled {@code text/html}:
 * <pre>{@code {"status":"Success","resultsMethod":"database","lastScrape":"2024-05-01 10:00:00","domainCount":"2",
 * "remoteAddress":"192.0.2.7","remoteIpAddress":"192.0.2.7","domainArray":[["a.example",""],["b.test","1"]]}}</pre>
 * The count is a string and each entry a pair. Failures are {@code {"status":"Fail","message":...}} with
 * {@code Daily reverse IP check limit reached for {ip}.} (B1), {@value #NO_SITES} (nothing hosted; also a silent ban)
 * or {@value #INVALID_ADDRESS}.
 * <ul>
 * <li>B6 (on by default): without {@code X-Requested-With: XMLHttpRequest} the answer is the HTML home page; without
 * {@code Origin} or {@code Referer} it is {@code {"status":"Fail","message":"Invalid request origin."}}.</li>
 * <li>B7: {@code domainArray} holds at most {@code maxResults} entries while {@code domainCount} says how many
 * exist.</li>
 * <li>B9: a UTF-8 BOM before the JSON of lookups of even addresses (last octet even), a {@code [null,""]} entry, and
 * upper case, trailing dots and {@code *.} wildcards in names.</li>
 * <li>B10: layout 2 answers {@code {"result":"ok","count":2,"ip":...,"domains":[{"domain":...}]}} and
 * {@code {"result":"error","error":...}}.</li>
 * </ul>
 */
public final class FormJsonSite extends FakeSite<FormJsonSite> {

	/** The path lookups are posted to. */
	public static final String PATH = "/domains.php";

	/** The failure message when an address hosts nothing. */
	public static final String NO_SITES = "No web sites found.";

	/** The failure message for a {@code remoteAddress} that is not an address. */
	public static final String INVALID_ADDRESS = "Invalid remote address.";

	/** The failure message for a request without Origin or Referer (B6). */
	public static final String INVALID_ORIGIN = "Invalid request origin.";

	private static final String NULL_ENTRY = "\0null";

	private static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

	private FormJsonSite(ReverseIpWorld world) {
		super(world, "Reverse IP Domain Check - You Get Signal");
		behaviour(Blocking.headerGate());
	}

	/** Starts a site serving {@code world} on {@code 127.0.0.1} and a free port; its header gate is on. */
	public static FormJsonSite start(ReverseIpWorld world) {
		return new FormJsonSite(world).bind();
	}

	/** The form body a browser posts for {@code ip}: {@code remoteAddress={ip}&key=&_=}. */
	public static String formBody(String ip) {
		return "remoteAddress=" + URLEncoder.encode(ip, StandardCharsets.UTF_8) + "&key=&_=";
	}

	/** B1's message for {@code ip}. */
	public static String limitReached(String ip) {
		return "Daily reverse IP check limit reached for " + ip + ".";
	}

	/** The URL to post to: {@code <baseUrl>domains.php}, whatever the address. */
	@Override
	SourceDefinition catalogueDefinition(String base) {
		return SourceCatalogue.formJson(base);
	}

	@Override
	public String lookupUrl(String ip) {
		return url(PATH);
	}

	@Override
	@Nullable Lookup parse(SiteRequest request) {
		if (!request.path().equals(PATH)) {
			return null;
		}
		List<String> values = new QueryStringDecoder(request.body(), StandardCharsets.UTF_8, false)
			.parameters()
			.getOrDefault("remoteAddress", List.of());
		String query = (values.isEmpty() || !request.method().equals("POST")) ? "" : values.get(0).trim();
		Integer address = ReverseIpWorld.parseIpv4(query);
		return new Lookup(query, (address != null) ? ReverseIpWorld.ipv4(address) : null, 1);
	}

	@Override
	boolean passesGate(SiteRequest request) {
		return isXhr(request) && present(request.header("Origin")) && present(request.header("Referer"));
	}

	@Override
	SiteAnswer refuseAtGate(SiteRequest request, Lookup lookup) {
		if (!isXhr(request)) {
			return SitePages.home(title());
		}
		return fail(lookup, INVALID_ORIGIN);
	}

	@Override
	SiteAnswer invalid(Lookup lookup) {
		return fail(lookup, INVALID_ADDRESS);
	}

	@Override
	SiteAnswer quotaExceeded(Lookup lookup) {
		return fail(lookup, limitReached(lookup.query()));
	}

	@Override
	SiteAnswer result(Lookup lookup, List<String> names) {
		String ip = lookup.ip();
		if (names.isEmpty() || ip == null) {
			return fail(lookup, NO_SITES);
		}
		List<String> shown = names.subList(0, Math.min(names.size(), resultCap()));
		StringBuilder json = new StringBuilder(64 + shown.size() * 40);
		if (layoutVersion() == CHANGED_LAYOUT) {
			json.append("{\"result\":\"ok\",\"count\":").append(names.size()).append(",\"ip\":").append(quote(ip))
				.append(",\"domains\":[");
			for (int i = 0; i < shown.size(); i++) {
				json.append((i > 0) ? "," : "").append("{\"domain\":").append(entry(shown.get(i))).append('}');
			}
			return json(lookup, json.append("]}").toString());
		}
		json.append("{\"status\":\"Success\",\"resultsMethod\":\"database\",\"lastScrape\":\"2024-05-01 10:00:00\",")
			.append("\"domainCount\":\"").append(names.size()).append("\",\"remoteAddress\":").append(quote(ip))
			.append(",\"remoteIpAddress\":").append(quote(ip)).append(",\"domainArray\":[");
		for (int i = 0; i < shown.size(); i++) {
			json.append((i > 0) ? "," : "").append('[').append(entry(shown.get(i))).append(',')
				.append((i % 4 == 1) ? "\"1\"" : "\"\"").append(']');
		}
		return json(lookup, json.append("]}").toString());
	}

	@Override
	List<String> dress(String ip, List<String> names) {
		List<String> shown = new ArrayList<>(DomainQuirks.dress(names));
		if (!shown.isEmpty()) {
			shown.add(Math.min(2, shown.size()), NULL_ENTRY);
		}
		return shown;
	}

	private SiteAnswer fail(Lookup lookup, String message) {
		String json = (layoutVersion() == CHANGED_LAYOUT) ? "{\"result\":\"error\",\"error\":" + quote(message) + "}"
				: "{\"status\":\"Fail\",\"message\":" + quote(message) + "}";
		return json(lookup, json);
	}

	private SiteAnswer json(Lookup lookup, String json) {
		ByteArrayOutputStream body = new ByteArrayOutputStream(json.length() + 3);
		String ip = lookup.ip();
		if (ip != null && isOn(Blocking.Kind.DATA_QUIRKS) && (ReverseIpWorld.ipv4(ip) & 1) == 0) {
			body.writeBytes(BOM);
		}
		body.writeBytes(json.getBytes(StandardCharsets.UTF_8));
		return SiteAnswer.of(200, SiteAnswer.HTML, body.toByteArray());
	}

	private static String entry(String name) {
		return name.equals(NULL_ENTRY) ? "null" : quote(name);
	}

	private static boolean isXhr(SiteRequest request) {
		return "XMLHttpRequest".equals(request.header("X-Requested-With"));
	}

	private static boolean present(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	static String quote(String text) {
		StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else if (c < 0x20) {
				quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
			}
			else {
				quoted.append(c);
			}
		}
		return quoted.append('"').toString();
	}

}
