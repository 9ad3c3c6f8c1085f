package dev.dragnet.net;

import java.net.IDN;
import java.util.Locale;

/**
 * Validates and normalises domain names before anything is sent to a WHOIS server.
 *
 * <p>The result is the lower-case A-label form (punycode for IDNs) without a trailing dot: LDH labels of
 * 1-63 characters, at least two labels, 253 characters at most. Anything that could smuggle a second
 * command onto a WHOIS connection (CR, LF, other control characters, spaces) is refused before IDN
 * processing sees it.
 */
public final class DomainNames {

	public static final int MAX_LENGTH = 253;

	public static final int MAX_LABEL_LENGTH = 63;

	private DomainNames() {
	}

	/** Returns the normalised A-label form of {@code input}, or throws {@link InvalidDomainException}. */
	public static String normalise(String input) {
		rejectUnsafeCharacters(input);
		String name = input.endsWith(".") ? input.substring(0, input.length() - 1) : input;
		if (name.isEmpty()) {
			throw new InvalidDomainException("domain name is empty");
		}
		String ascii = toAscii(name);
		if (ascii.length() > MAX_LENGTH) {
			throw new InvalidDomainException(
					"domain name is " + ascii.length() + " characters long; at most " + MAX_LENGTH + " are allowed");
		}
		String[] labels = ascii.split("\\.", -1);
		if (labels.length < 2) {
			throw new InvalidDomainException("'" + input + "' has no top-level domain; give a name such as example.com");
		}
		for (String label : labels) {
			checkLabel(label, input);
		}
		return ascii;
	}

	/** The Unicode (U-label) form of an already normalised name, for display. */
	public static String toUnicode(String normalised) {
		return IDN.toUnicode(normalised, IDN.ALLOW_UNASSIGNED);
	}

	private static void rejectUnsafeCharacters(String input) {
		for (int i = 0; i < input.length(); i++) {
			char c = input.charAt(i);
			if (c == '\r' || c == '\n') {
				throw new InvalidDomainException("domain name contains a line break (CR or LF)");
			}
			if (Character.isISOControl(c)) {
				throw new InvalidDomainException(
						String.format("domain name contains the control character U+%04X", (int) c));
			}
			if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
				throw new InvalidDomainException("domain name contains a space");
			}
		}
	}

	/** Converts label by label, so plain ASCII labels get our own length messages rather than IDN's. */
	private static String toAscii(String name) {
		String[] labels = name.split("\\.", -1);
		for (int i = 0; i < labels.length; i++) {
			String label = labels[i];
			labels[i] = label.chars().allMatch(c -> c < 0x80) ? label.toLowerCase(Locale.ROOT) : idnToAscii(label);
		}
		return String.join(".", labels);
	}

	private static String idnToAscii(String label) {
		try {
			return IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidDomainException("'" + label + "' is not a valid internationalised label: " + ex.getMessage());
		}
	}

	private static void checkLabel(String label, String input) {
		if (label.isEmpty()) {
			throw new InvalidDomainException("'" + input + "' has an empty label (two dots in a row?)");
		}
		if (label.length() > MAX_LABEL_LENGTH) {
			throw new InvalidDomainException("label '" + label + "' is longer than " + MAX_LABEL_LENGTH + " characters");
		}
		if (label.startsWith("-") || label.endsWith("-")) {
			throw new InvalidDomainException("label '" + label + "' starts or ends with a hyphen");
		}
		for (int i = 0; i < label.length(); i++) {
			char c = label.charAt(i);
			boolean ldh = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
			if (!ldh) {
				throw new InvalidDomainException("label '" + label + "' contains '" + c
						+ "'; only letters, digits and hyphens are allowed");
			}
		}
	}
}
