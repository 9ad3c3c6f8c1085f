package dev.dragnet.server.whois;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.dragnet.protocol.Pace;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How WHOIS lookups are made.
 *
 * @param allowPrivateServers allow WHOIS servers on loopback, private and link-local addresses (for tests and
 * local testbeds only)
 * @param allowedServers extra servers a caller may name in {@code /WHOIS/{domain}:{server}}, as {@code host}
 * (any port) or {@code host:port}, besides the hosts in the WHOIS server table
 * @param maxResponseSize byte cap of one WHOIS answer; longer answers are cut there and marked TRUNCATED
 * @param connectTimeout deadline for a probe's TCP connection to a WHOIS server
 * @param resolveTimeout deadline for the server's own DNS check of a caller-chosen or referred server
 * @param defaultPolicy protocol used when a request names none: {@code auto}, {@code rdap} or {@code whois}
 * @param maxHops most answers in one lookup: the registry's plus referrals followed
 * @param cacheTtl how long a stored answer is served without asking again ({@code ?fresh=true} bypasses it)
 * @param pace how each probe paces its queries to one WHOIS or RDAP server, unless a suffix says otherwise
 * @param suffixPace pace per suffix, e.g. {@code dragnet.whois.suffix-pace[de].min-interval=2s}
 * @param charsets the charset a WHOIS server answers in, by {@code host} or {@code host:port}, for servers that
 * do not answer in UTF-8 or ISO-8859-1 (those two are detected), e.g.
 * {@code dragnet.whois.charsets[whois.cnnic.cn]=GBK}; added to the built-in ones
 */
@ConfigurationProperties("dragnet.whois")
public record WhoisProperties(@DefaultValue("false") boolean allowPrivateServers,
		@DefaultValue List<String> allowedServers, @DefaultValue("256KB") DataSize maxResponseSize,
		@DefaultValue("5s") Duration connectTimeout, @DefaultValue("3s") Duration resolveTimeout,
		@DefaultValue("auto") LookupPolicy defaultPolicy, @DefaultValue("3") int maxHops,
		@DefaultValue("24h") Duration cacheTtl, @DefaultValue PaceSettings pace,
		@DefaultValue Map<String, PaceSettings> suffixPace, @DefaultValue Map<String, String> charsets) {

	/** Servers known to answer in a charset that detection would get wrong. */
	static final Map<String, String> BUILT_IN_CHARSETS = Map.of("whois.cnnic.cn", "GBK", "whois.cnnic.net.cn", "GBK",
			"whois.twnic.net.tw", "Big5", "whois.nic.ad.jp", "ISO-2022-JP");

	/** The charset to decode {@code host:port}'s answers with, or null to let the probe detect it. */
	@Nullable String charsetFor(String host, int port) {
		String exact = this.charsets.get(host + ":" + port);
		if (exact != null) {
			return exact;
		}
		String byHost = this.charsets.get(host);
		return (byHost != null) ? byHost : BUILT_IN_CHARSETS.get(host);
	}

	/** The pace for a domain's suffix: the longest configured suffix, else the default. */
	Pace paceFor(String domain) {
		String best = null;
		for (String suffix : this.suffixPace.keySet()) {
			if ((domain.equals(suffix) || domain.endsWith("." + suffix)) && (best == null || suffix.length() > best.length())) {
				best = suffix;
			}
		}
		return ((best != null) ? this.suffixPace.get(best) : this.pace).toPace();
	}

	/**
	 * Politeness of one probe towards one server.
	 *
	 * @param minInterval least time between two queries from one probe to one server
	 * @param maxConnections most queries open at once from one probe to one server
	 */
	public record PaceSettings(@DefaultValue("1s") Duration minInterval, @DefaultValue("2") int maxConnections) {

		Pace toPace() {
			return new Pace(this.minInterval.toMillis(), this.maxConnections);
		}
	}
}
