package dev.dragnet.server.whois.port43;

import java.util.Locale;
import java.util.regex.Pattern;

import dev.dragnet.net.Addresses;
import dev.dragnet.server.web.Printable;
import org.jspecify.annotations.Nullable;

/**
 * What a plain WHOIS client asked: {@code domain} or {@code domain:server}, as in {@code /WHOIS/}. Reading is
 * lenient with what clients put around the name for other servers: a leading {@code domain} keyword or
 * {@code =} (Verisign's syntax), and leading flags with their arguments ({@code -T dn,ace}, DENIC's), are
 * dropped. Anything else around the name is refused, so a query asks for exactly one name.
 *
 * @param domain the domain as given, not yet checked
 * @param server the WHOIS server the client named, or {@code null}
 */
record Port43Query(String domain, @Nullable String server) {

	private static final Pattern WHITESPACE = Pattern.compile("\\s+");

	static Port43Query parse(String line) {
		String text = line.strip();
		if (text.isEmpty()) {
			throw new BadQuery("empty query; send a domain name such as example.com, or example.com:whois.example.net");
		}
		String[] tokens = WHITESPACE.split(text);
		for (int i = 0; i < tokens.length - 1; i++) {
			boolean flagArgument = i > 0 && tokens[i - 1].startsWith("-");
			if (!tokens[i].startsWith("-") && !flagArgument && !tokens[i].toLowerCase(Locale.ROOT).equals("domain")) {
				throw new BadQuery("send one domain name per query, not '" + Printable.cut(text, 100) + "'");
			}
		}
		String spec = tokens[tokens.length - 1];
		if (spec.startsWith("=")) {
			spec = spec.substring(1);
		}
		if (spec.isEmpty() || spec.startsWith("-")) {
			throw new BadQuery("the query names no domain: '" + Printable.cut(text, 100) + "'");
		}
		if (spec.indexOf(':') != spec.lastIndexOf(':') && Addresses.parseLiteral(spec) != null) {
			return new Port43Query(spec, null); // an IPv6 address, not domain:server
		}
		int colon = spec.indexOf(':');
		return (colon < 0) ? new Port43Query(spec, null)
				: new Port43Query(spec.substring(0, colon), spec.substring(colon + 1));
	}

	/** A query line that asks for no single domain. */
	static final class BadQuery extends RuntimeException {

		BadQuery(String message) {
			super(message, null, false, false);
		}
	}
}
