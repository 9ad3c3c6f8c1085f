package dev.dragnet.server.whois;

import java.util.Locale;
import java.util.regex.Pattern;

import dev.dragnet.server.web.Printable;

/**
 * A WHOIS server named by a caller: {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}.
 * Parsing refuses anything that is not a plain host name or address literal, so nothing odd reaches a probe.
 */
record WhoisServerAddress(String host, int port) {

	static final int DEFAULT_PORT = 43;

	private static final Pattern HOST_NAME = Pattern.compile(
			"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

	private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]{2,45}");

	static WhoisServerAddress parse(String text) {
		String t = text.trim().toLowerCase(Locale.ROOT);
		String host;
		String port = null;
		if (t.startsWith("[")) {
			int end = t.indexOf(']');
			if (end < 0) {
				throw invalid(text, "an IPv6 address must be closed with ']'");
			}
			host = t.substring(1, end);
			if (!IPV6.matcher(host).matches()) {
				throw invalid(text, "'" + host + "' is not an IPv6 address");
			}
			String rest = t.substring(end + 1);
			if (!rest.isEmpty()) {
				if (!rest.startsWith(":")) {
					throw invalid(text, "expected ':port' after the IPv6 address");
				}
				port = rest.substring(1);
			}
		}
		else {
			int colon = t.indexOf(':');
			host = (colon < 0) ? t : t.substring(0, colon);
			port = (colon < 0) ? null : t.substring(colon + 1);
			if (!HOST_NAME.matcher(host).matches()) {
				throw invalid(text, "'" + host + "' is not a valid host name or IPv4 address");
			}
		}
		return new WhoisServerAddress(host, (port != null) ? parsePort(text, port) : DEFAULT_PORT);
	}

	private static int parsePort(String text, String port) {
		try {
			int value = Integer.parseInt(port);
			if (value >= 1 && value <= 65535) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw invalid(text, "port '" + port + "' is not a number from 1 to 65535");
	}

	/** The problem for a caller-named server {@code text} that is not one, saying {@code why}. */
	static WhoisProblems.ServerRefused invalid(String text, String why) {
		return new WhoisProblems.ServerRefused("invalid-server", "Invalid WHOIS server",
				"WHOIS server '" + Printable.of(text) + "' is not valid: " + why);
	}

	/** Whether an allow-list entry admits this address; an entry without a port admits any port. */
	boolean allowedBy(String entry) {
		WhoisServerAddress allowed = parse(entry);
		String e = entry.trim();
		boolean anyPort = e.startsWith("[") ? !e.contains("]:") : !e.contains(":");
		return allowed.host.equals(this.host) && (anyPort || allowed.port == this.port);
	}

	@Override
	public String toString() {
		String h = this.host.contains(":") ? "[" + this.host + "]" : this.host;
		return h + ":" + this.port;
	}
}
