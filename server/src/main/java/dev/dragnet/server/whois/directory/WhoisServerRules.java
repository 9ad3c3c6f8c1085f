package dev.dragnet.server.whois.directory;

import java.util.Locale;

import dev.dragnet.net.Addresses;
import dev.dragnet.net.DomainNames;
import dev.dragnet.net.InvalidDomainException;
import dev.dragnet.server.whois.directory.WhoisServerProblems.InvalidEntry;
import org.jspecify.annotations.Nullable;

/**
 * Checks and normalises what an operator may store in the directory. Whatever passes ends up on a WHOIS
 * connection, so line breaks and other control characters are refused everywhere.
 */
final class WhoisServerRules {

	static final int DEFAULT_PORT = 43;

	static final String DEFAULT_QUERY_FORMAT = "%s";

	private static final int MAX_QUERY_FORMAT_LENGTH = 200;

	private WhoisServerRules() {
	}

	/** A suffix of one or more labels, as lower-case A-labels: {@code CO.UK.} becomes {@code co.uk}. */
	static String suffix(String input) {
		rejectUnsafe("suffix", input);
		String name = stripDots(input);
		if (name.isEmpty()) {
			throw new InvalidEntry("suffix", "the suffix is empty; give one such as 'com' or 'co.uk'");
		}
		return asciiName("suffix", name);
	}

	/** A host name or IP literal; host names are lower-cased, IPv6 literals lose their brackets. */
	static String host(@Nullable String input) {
		if (input == null || input.isBlank()) {
			throw new InvalidEntry("host", "host is required: the WHOIS server's host name or IP address,"
					+ " such as whois.nic.example");
		}
		rejectUnsafe("host", input);
		String host = input.toLowerCase(Locale.ROOT);
		if (host.indexOf(':') >= 0 || host.startsWith("[")) {
			return ipv6(host);
		}
		String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
		String lastLabel = name.substring(name.lastIndexOf('.') + 1);
		if (!lastLabel.isEmpty() && lastLabel.chars().allMatch(c -> c >= '0' && c <= '9')) {
			return ipv4(input, name);
		}
		return asciiName("host", name);
	}

	/** The port, 43 when not given. */
	static int port(@Nullable Integer port) {
		if (port == null) {
			return DEFAULT_PORT;
		}
		if (port < 1 || port > 65535) {
			throw new InvalidEntry("port", "port " + port + " is out of range; give 1-65535 (WHOIS uses 43)");
		}
		return port;
	}

	/** The query format, {@code %s} when not given; it holds exactly one {@code %s}. */
	static String queryFormat(@Nullable String format) {
		if (format == null) {
			return DEFAULT_QUERY_FORMAT;
		}
		rejectControl("queryFormat", format);
		if (format.length() > MAX_QUERY_FORMAT_LENGTH) {
			throw new InvalidEntry("queryFormat",
					"queryFormat is " + format.length() + " characters long; at most " + MAX_QUERY_FORMAT_LENGTH
							+ " are allowed");
		}
		int first = format.indexOf("%s");
		if (first < 0 || format.indexOf("%s", first + 2) >= 0) {
			throw new InvalidEntry("queryFormat", "queryFormat '" + format + "' must contain %s exactly once,"
					+ " where the domain goes (such as 'domain %s')");
		}
		return format;
	}

	private static String ipv6(String host) {
		String literal = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		if (literal.indexOf(':') < 0 || Addresses.parseLiteral(literal) == null) {
			throw new InvalidEntry("host", "host '" + host + "' is neither a host name nor a valid IPv6 address"
					+ " (a port goes in 'port', not in 'host')");
		}
		return literal;
	}

	private static String ipv4(String input, String name) {
		String[] parts = name.split("\\.", -1);
		boolean valid = parts.length == 4;
		for (String part : parts) {
			valid = valid && !part.isEmpty() && part.length() <= 3 && part.chars().allMatch(Character::isDigit)
					&& Integer.parseInt(part) <= 255;
		}
		if (!valid) {
			throw new InvalidEntry("host", "host '" + input + "' is neither a host name nor a valid IPv4 address");
		}
		return name;
	}

	private static void rejectUnsafe(String field, String input) {
		rejectControl(field, input);
		for (int i = 0; i < input.length(); i++) {
			char c = input.charAt(i);
			if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
				throw new InvalidEntry(field, field + " '" + input.strip() + "' contains a space");
			}
		}
	}

	private static void rejectControl(String field, String input) {
		for (int i = 0; i < input.length(); i++) {
			char c = input.charAt(i);
			if (c == '\r' || c == '\n') {
				throw new InvalidEntry(field, field + " contains a line break (CR or LF)");
			}
			if (Character.isISOControl(c)) {
				throw new InvalidEntry(field,
						String.format("%s contains the control character U+%04X", field, (int) c));
			}
		}
	}

	private static String stripDots(String input) {
		String name = input.startsWith(".") ? input.substring(1) : input;
		return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
	}

	/** Names go through the same UTS #46 processing as the domains users ask about. */
	private static String asciiName(String field, String name) {
		try {
			return DomainNames.normaliseName(name);
		}
		catch (InvalidDomainException ex) {
			throw new InvalidEntry(field, field + " '" + name + "': " + ex.getMessage());
		}
	}
}
