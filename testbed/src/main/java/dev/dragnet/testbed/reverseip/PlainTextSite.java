package dev.dragnet.testbed.reverseip;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;

/**
 * A fake plain-text reverse-IP API (family 1, HackerTarget style).
 *
 * <p>{@code GET /reverseiplookup/?q={ip}} answers {@code text/plain}, one host per line joined by {@code \n}.
 * Errors come as 200 bodies: {@value #QUOTA_EXCEEDED} (B1), {@code No DNS A records found for {ip}} (nothing hosted;
 * also what a silent ban looks like), {@value #BAD_PARAMETER} (a query that is not a dotted quad).
 * <ul>
 * <li>B6 (off by default): a request without {@code User-Agent} gets 403 {@code Forbidden}.</li>
 * <li>B7: at most {@code maxResults} lines, with nothing saying more exist.</li>
 * <li>B9: upper case, trailing dots, {@code *.} wildcards, and the queried address as a line of its own.</li>
 * <li>B10: layout 2 answers CSV, a {@code host,ip} header then {@code name,ip} lines.</li>
 * </ul>
 */
public final class PlainTextSite extends FakeSite<PlainTextSite> {

	/** The path lookups go to. */
	public static final String PATH = "/reverseiplookup/";

	/** B1's body. */
	public static final String QUOTA_EXCEEDED = "API count exceeded - Increase Quota with Membership";

	/** The body for a query that is not an address. */
	public static final String BAD_PARAMETER = "error check your search parameter";

	private PlainTextSite(ReverseIpWorld world) {
		super(world, "Reverse IP Lookup | HackerTarget.com");
	}

	/** Starts a site serving {@code world} on {@code 127.0.0.1} and a free port. */
	public static PlainTextSite start(ReverseIpWorld world) {
		return new PlainTextSite(world).bind();
	}

	/** The body for an address that hosts nothing: {@code No DNS A records found for {ip}}. */
	public static String noRecords(String ip) {
		return "No DNS A records found for " + ip;
	}

	@Override
	SourceDefinition catalogueDefinition(String base) {
		return SourceCatalogue.plainText(base);
	}

	@Override
	public String lookupUrl(String ip) {
		return url(PATH + "?q=" + URLEncoder.encode(ip, StandardCharsets.UTF_8));
	}

	@Override
	@Nullable Lookup parse(SiteRequest request) {
		QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
		if (!decoder.path().equals(PATH) && !decoder.path().equals("/reverseiplookup")) {
			return null;
		}
		List<String> q = decoder.parameters().getOrDefault("q", List.of());
		String query = q.isEmpty() ? "" : q.get(0).trim();
		Integer address = ReverseIpWorld.parseIpv4(query);
		return new Lookup(query, (address != null) ? ReverseIpWorld.ipv4(address) : null, 1);
	}

	@Override
	boolean passesGate(SiteRequest request) {
		String agent = request.header("User-Agent");
		return agent != null && !agent.isBlank();
	}

	@Override
	SiteAnswer refuseAtGate(SiteRequest request, Lookup lookup) {
		return SiteAnswer.text(403, "Forbidden");
	}

	@Override
	SiteAnswer invalid(Lookup lookup) {
		return SiteAnswer.text(200, BAD_PARAMETER);
	}

	@Override
	SiteAnswer quotaExceeded(Lookup lookup) {
		return SiteAnswer.text(200, QUOTA_EXCEEDED);
	}

	@Override
	SiteAnswer result(Lookup lookup, List<String> names) {
		String ip = lookup.ip();
		if (names.isEmpty() || ip == null) {
			return SiteAnswer.text(200, noRecords(lookup.query()));
		}
		List<String> shown = names.subList(0, Math.min(names.size(), resultCap()));
		if (layoutVersion() == CHANGED_LAYOUT) {
			StringBuilder csv = new StringBuilder("host,ip");
			shown.forEach((name) -> csv.append('\n').append(name).append(',').append(ip));
			return SiteAnswer.of(200, "text/csv; charset=utf-8", csv.toString().getBytes(StandardCharsets.UTF_8));
		}
		return SiteAnswer.text(200, String.join("\n", shown));
	}

	@Override
	List<String> dress(String ip, List<String> names) {
		return DomainQuirks.dressWithAddressRow(ip, names);
	}

}
