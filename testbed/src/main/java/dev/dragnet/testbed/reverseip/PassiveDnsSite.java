package dev.dragnet.testbed.reverseip;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;

/**
 * A fake keyed passive-DNS service (family 6, DNSDB style), streaming NDJSON.
 *
 * <p>{@code GET /dnsdb/v2/lookup/rdata/ip/{ip}?limit=N} with the key in {@code X-API-Key} answers
 * {@code application/x-ndjson}: {@code {"cond":"begin"}}, then one line per name hosted on the address,
 * {@code {"obj":{"count":..,"time_first":..,"time_last":..,"rrname":"name.","rrtype":"A","rdata":"{ip}"}}} (names
 * with their trailing dot, as DNS writes them), then {@code {"cond":"succeeded"}}; when {@code limit} (or B7's cap)
 * cut the answer, {@code {"cond":"limited","msg":"Result limit reached"}} instead.
 * <ul>
 * <li>The key (B6, on by default): a missing or wrong {@code X-API-Key} gets 401 {@value #BAD_KEY}.</li>
 * <li>B1: past the per-client quota, 429 {@value #QUOTA_EXCEEDED} with {@code Retry-After} of
 * {@value #QUOTA_RETRY_AFTER_SECONDS} seconds (the quota resets hourly).</li>
 * <li>B5: under {@link Blocking#silentBan()}, past the quota the stream is well formed and empty.</li>
 * <li>B7: at most {@code maxResults} records, then {@code limited}.</li>
 * <li>B9: upper case and {@code *.} wildcards in names (trailing dots are always there).</li>
 * <li>B10: layout 2 streams {@code {"record":{"name":..,"type":"A","value":..}}} lines.</li>
 * </ul>
 * A query that is not an address gets 400 {@value #BAD_QUERY}.
 */
public final class PassiveDnsSite extends FakeSite<PassiveDnsSite> {

	/** The path lookups go to, before the address. */
	public static final String PATH = "/dnsdb/v2/lookup/rdata/ip/";

	/** The header holding the key. */
	public static final String KEY_HEADER = "X-API-Key";

	/** The 401 body for a missing or wrong key. */
	public static final String BAD_KEY = "Error: API key not valid.";

	/** The 429 body past the quota (B1). */
	public static final String QUOTA_EXCEEDED = "Error: Quota exceeded.";

	/** The 400 body for a query that is not an address. */
	public static final String BAD_QUERY = "Error: Invalid query.";

	/** The {@code Retry-After} of a quota answer. */
	public static final int QUOTA_RETRY_AFTER_SECONDS = 3600;

	static final String NDJSON = "application/x-ndjson";

	private static final Pattern LOOKUP_PATH = Pattern.compile(Pattern.quote(PATH) + "([^/]{1,64})/?");

	private static final long TIME_FIRST = 1_600_000_000L;

	private final String apiKey;

	private PassiveDnsSite(ReverseIpWorld world, String apiKey) {
		super(world, "Passive DNS API");
		this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
		behaviour(Blocking.headerGate());
	}

	/** Starts a service serving {@code world} that accepts {@code apiKey}, on {@code 127.0.0.1} and a free port. */
	public static PassiveDnsSite start(ReverseIpWorld world, String apiKey) {
		return new PassiveDnsSite(world, apiKey).bind();
	}

	/** The key this service accepts. */
	public String apiKey() {
		return this.apiKey;
	}

	@Override
	SourceDefinition catalogueDefinition(String base) {
		return SourceCatalogue.passiveDns(base);
	}

	@Override
	public String lookupUrl(String ip) {
		return url(PATH + ip + "?limit=" + SourceCatalogue.MAX_RESULTS);
	}

	@Override
	@Nullable Lookup parse(SiteRequest request) {
		Matcher matcher = LOOKUP_PATH.matcher(request.path());
		if (!matcher.matches()) {
			return null;
		}
		String query = matcher.group(1);
		Integer address = ReverseIpWorld.parseIpv4(query);
		List<String> limit = new QueryStringDecoder(request.uri()).parameters().getOrDefault("limit", List.of());
		return new Lookup(query, (address != null) ? ReverseIpWorld.ipv4(address) : null, limit(limit));
	}

	/** The {@code limit} parameter, carried as the lookup's page; {@link Integer#MAX_VALUE} when absent or bad. */
	private static int limit(List<String> values) {
		try {
			int limit = values.isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(values.get(0));
			return (limit > 0) ? limit : Integer.MAX_VALUE;
		}
		catch (NumberFormatException ex) {
			return Integer.MAX_VALUE;
		}
	}

	@Override
	boolean passesGate(SiteRequest request) {
		return this.apiKey.equals(request.header(KEY_HEADER));
	}

	@Override
	SiteAnswer refuseAtGate(SiteRequest request, Lookup lookup) {
		return SiteAnswer.text(401, BAD_KEY);
	}

	@Override
	SiteAnswer invalid(Lookup lookup) {
		return SiteAnswer.text(400, BAD_QUERY);
	}

	@Override
	SiteAnswer quotaExceeded(Lookup lookup) {
		return SiteAnswer.text(429, QUOTA_EXCEEDED)
			.withHeader("Retry-After", Integer.toString(QUOTA_RETRY_AFTER_SECONDS));
	}

	@Override
	SiteAnswer result(Lookup lookup, List<String> names) {
		String ip = (lookup.ip() != null) ? lookup.ip() : lookup.query();
		int cap = Math.min(resultCap(), lookup.page());
		int shown = Math.min(names.size(), cap);
		boolean changed = layoutVersion() == CHANGED_LAYOUT;
		StringBuilder stream = new StringBuilder(64 + shown * 160).append("{\"cond\":\"begin\"}\n");
		for (int i = 0; i < shown; i++) {
			String name = names.get(i).endsWith(".") ? names.get(i) : names.get(i) + ".";
			if (changed) {
				stream.append("{\"record\":{\"name\":\"").append(name).append("\",\"type\":\"A\",\"value\":\"")
					.append(ip).append("\"}}\n");
			}
			else {
				long first = TIME_FIRST + (name.hashCode() & 0xFFFFF);
				stream.append("{\"obj\":{\"count\":").append(1 + (name.length() % 97)).append(",\"time_first\":")
					.append(first).append(",\"time_last\":").append(first + 86_400L).append(",\"rrname\":\"")
					.append(name).append("\",\"rrtype\":\"A\",\"rdata\":\"").append(ip).append("\"}}\n");
			}
		}
		stream.append((names.size() > cap) ? "{\"cond\":\"limited\",\"msg\":\"Result limit reached\"}\n"
				: "{\"cond\":\"succeeded\"}\n");
		return SiteAnswer.of(200, NDJSON, stream.toString().getBytes(StandardCharsets.UTF_8));
	}

}
