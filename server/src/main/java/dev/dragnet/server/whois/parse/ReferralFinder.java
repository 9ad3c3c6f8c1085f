package dev.dragnet.server.whois.parse;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Finds where a WHOIS answer sends the query next: a thin registry's {@code Registrar WHOIS Server:} (older:
 * {@code Whois Server:}), an RIR's {@code ReferralServer: whois://host} or {@code rwhois://host:port/}, IANA's
 * {@code refer:}, or APNIC's "Transferred to the X". The scheme and trailing slash are dropped, an explicit port
 * kept (43 otherwise), the host lower-cased; web URLs and empty values are ignored. Whether the host may be
 * asked (loopback, private, loops, hop count) is the caller's business.
 */
public final class ReferralFinder {

	private static final Pattern HOST_CHARS = Pattern.compile("[a-z0-9.:-]+");

	private static final Pattern REGISTRAR = Pattern
		.compile("(?im)^[ \\t]*(?:registrar[ \\t]+whois[ \\t]+server|whois[ \\t]+server)[ \\t.]*:[ \\t]*(\\S*)[ \\t]*$");

	private static final Pattern REGISTRY = Pattern
		.compile("(?im)^[ \\t]*(?:referralserver|refer)[ \\t]*:[ \\t]*(\\S*)[ \\t]*$");

	private static final Pattern TRANSFERRED = Pattern
		.compile("(?i)transferred to the (afrinic|apnic|arin|lacnic|ripe(?: ncc)?|jpnic|krnic|twnic)\\b");

	private static final Pattern ADDRESS = Pattern
		.compile("(?i)^(?:([a-z][a-z0-9+.-]*)://)?(\\[[0-9a-f:.]+\\]|[^/:\\s]+)(?::(\\d{1,5}))?/?$");

	/**
	 * Where the answer refers the query, or empty when it names no usable server.
	 *
	 * @param text a WHOIS answer
	 * @return the referral, if any
	 */
	public Optional<Referral> find(String text) {
		Referral registrar = first(REGISTRAR, text, Referral.Kind.REGISTRAR);
		if (registrar != null) {
			return Optional.of(registrar);
		}
		Referral registry = first(REGISTRY, text, Referral.Kind.REGISTRY);
		if (registry != null) {
			return Optional.of(registry);
		}
		Matcher transferred = TRANSFERRED.matcher(text);
		if (transferred.find()) {
			String rir = transferred.group(1).toLowerCase(Locale.ROOT).replace(" ncc", "");
			return Optional.of(new Referral("whois." + rir + ".net", 43, Referral.Kind.REGISTRY));
		}
		return Optional.empty();
	}

	private static @Nullable Referral first(Pattern pattern, String text, Referral.Kind kind) {
		Matcher m = pattern.matcher(text);
		while (m.find()) {
			Referral referral = parse(m.group(1), kind);
			if (referral != null) {
				return referral;
			}
		}
		return null;
	}

	/** The host and port of one value, or {@code null} for an empty value, a web URL or a malformed one. */
	static @Nullable Referral parse(String value, Referral.Kind kind) {
		String v = value.strip();
		if (v.isEmpty()) {
			return null;
		}
		Matcher m = ADDRESS.matcher(v);
		if (!m.matches()) {
			return null;
		}
		String scheme = m.group(1);
		if (scheme != null && !scheme.equalsIgnoreCase("whois") && !scheme.equalsIgnoreCase("rwhois")) {
			return null;
		}
		String host = m.group(2).toLowerCase(Locale.ROOT);
		if (host.startsWith("[")) {
			host = host.substring(1, host.length() - 1);
		}
		if (host.endsWith(".")) {
			host = host.substring(0, host.length() - 1);
		}
		if (host.isEmpty() || !HOST_CHARS.matcher(host).matches() || (!host.contains(".") && !host.contains(":"))) {
			return null;
		}
		int port = 43;
		if (m.group(3) != null) {
			port = Integer.parseInt(m.group(3));
			if (port < 1 || port > 65535) {
				return null;
			}
		}
		return new Referral(host, port, kind);
	}

	/**
	 * A server an answer refers the query to.
	 *
	 * @param host the server's host name or address, lower case
	 * @param port its port, 43 unless the referral named another
	 * @param kind whose server it is
	 */
	public record Referral(String host, int port, Kind kind) {

		/** Whose server a referral names. */
		public enum Kind {

			/** A registrar's server, named by a thin registry; its answer completes the registry's. */
			REGISTRAR,

			/** Another registry or RIR (ARIN to RIPE, IANA to a TLD's registry), authoritative for the query. */
			REGISTRY
		}
	}
}
