package dev.dragnet.net;

import java.util.Set;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.text.IDNA;
import org.jspecify.annotations.Nullable;

/**
 * Validates and normalises domain names before anything is sent to a WHOIS server: the one place where Dragnet
 * turns what a person typed (or a page showed) into the name a registry knows.
 *
 * <p>Processing follows UTS #46 with non-transitional processing, STD3 rules and the bidi and joiner (CONTEXTJ)
 * checks, through ICU4J: what browsers and registries (IDNA2008) do. So {@code faß.de} is {@code xn--fa-hia.de} (not
 * {@code fass.de}, someone else's domain), final sigma stays final ({@code βόλος.com} is {@code xn--nxasmm1c.com}),
 * and characters newer than Unicode 3.2 are accepted when IDNA2008 allows them; symbols and emoji are refused.
 *
 * <p>The result is the lower-case A-label form without a trailing dot: LDH labels of 1-63 characters, 253
 * characters at most. Anything that could smuggle a second command onto a WHOIS connection (CR, LF, other control
 * characters, spaces) is refused before IDNA processing sees it. One deliberate leniency: ASCII labels with hyphens
 * in the third and fourth position ({@code r3--sn-abc}) are accepted, because such names exist in the DNS; only
 * {@code xn--} labels are held to the A-label rules.
 */
public final class DomainNames {

	public static final int MAX_LENGTH = 253;

	public static final int MAX_LABEL_LENGTH = 63;

	/** RFC 5892 section 2.6 exceptions and the CONTEXTO/CONTEXTJ characters that are not letters or digits. */
	private static final Set<Integer> RFC_5892_EXCEPTIONS = Set.of(0x00B7, 0x0375, 0x05F3, 0x05F4, 0x06FD, 0x06FE,
			0x0F0B, 0x3007, 0x30FB, 0x200C, 0x200D);

	private DomainNames() {
	}

	/**
	 * Loads the IDNA data now, off an event loop, so that the first name outside plain ASCII normalised on an event
	 * loop does not read files there. Names already in normal form (lower-case letters, digits and hyphens, no
	 * {@code xn--} label) never need it; a program that only sees those, such as a probe doing WHOIS, never loads
	 * ICU4J at all.
	 */
	public static void preload() {
		Icu.UTS46.hashCode(); // the holder's initialiser has run by the time this returns
	}

	/** ICU4J's UTS #46 processing, set up on first use (the JVM's lazy holder). */
	private static final class Icu {

		static final IDNA UTS46 = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII
				| IDNA.NONTRANSITIONAL_TO_UNICODE | IDNA.USE_STD3_RULES | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ);

		/** Found by our own length checks, with our own words. */
		static final Set<IDNA.Error> LENGTH_ERRORS = Set.of(IDNA.Error.LABEL_TOO_LONG,
				IDNA.Error.DOMAIN_NAME_TOO_LONG);

		static {
			// ICU4J reads its data files (UTS #46 mapping, normalisation, bidi, character properties) from its jar on
			// first use: a file read. Done here, all at once, so that it happens when this class is loaded, and
			// preload() lets a program do that at a time of its choosing rather than on an event loop.
			normalise("xn--fa-hia.de");
			normalise("\u05e9\u05dc\u05d5\u05dd.\u0915\u094d\u200c\u0937.example");
			toUnicode("xn--nxasmm1c.com");
		}
	}

	/**
	 * Returns the normalised A-label form of {@code input}, a domain name of at least two labels, or throws
	 * {@link InvalidDomainException}.
	 */
	public static String normalise(String input) {
		String ascii = normaliseName(input);
		if (ascii.indexOf('.') < 0) {
			throw new InvalidDomainException("'" + input + "' has no top-level domain; give a name such as example.com");
		}
		return ascii;
	}

	/**
	 * Returns the normalised A-label form of {@code input}, a host name or suffix of one label or more (such as
	 * {@code localhost} or {@code co.uk}), or throws {@link InvalidDomainException}.
	 */
	public static String normaliseName(String input) {
		String plain = plainLdh(input);
		return (plain != null) ? plain : normaliseWithIcu(input);
	}

	/**
	 * The name itself (without a trailing dot) when it is already what {@link #normaliseWithIcu} would make of it:
	 * lower-case LDH labels of 1-63 characters, none starting or ending with a hyphen and none an A-label
	 * ({@code xn--}, which ICU must check), 253 characters at most. UTS #46 maps such a name to itself, and most
	 * names are such names (a bulk's lines, a probe's findings), so ICU sees only the rest. {@code null} otherwise.
	 */
	static @Nullable String plainLdh(String input) {
		int end = input.length();
		if (end > 0 && input.charAt(end - 1) == '.') {
			end--;
		}
		if (end == 0 || end > MAX_LENGTH) {
			return null;
		}
		int start = 0;
		for (int i = 0; i <= end; i++) {
			char c = (i == end) ? '.' : input.charAt(i);
			if (c == '.') {
				int length = i - start;
				if (length == 0 || length > MAX_LABEL_LENGTH || input.charAt(start) == '-' || input.charAt(i - 1) == '-'
						|| input.startsWith("xn--", start)) {
					return null;
				}
				start = i + 1;
			}
			else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
				return null;
			}
		}
		return (end == input.length()) ? input : input.substring(0, end);
	}

	/** {@link #normaliseName} through ICU's UTS #46, for every name. */
	static String normaliseWithIcu(String input) {
		rejectUnsafeCharacters(input);
		String name = input.endsWith(".") ? input.substring(0, input.length() - 1) : input;
		if (name.isEmpty()) {
			throw new InvalidDomainException("domain name is empty");
		}
		String ascii = toAscii(name, input);
		if (ascii.length() > MAX_LENGTH) {
			throw new InvalidDomainException(
					"domain name is " + ascii.length() + " characters long; at most " + MAX_LENGTH + " are allowed");
		}
		for (String label : ascii.split("\\.")) {
			if (label.length() > MAX_LABEL_LENGTH) {
				throw new InvalidDomainException(
						"label '" + label + "' is longer than " + MAX_LABEL_LENGTH + " characters");
			}
		}
		return ascii;
	}

	/** The Unicode (U-label) form of an already normalised name, for display; the name itself when it has none. */
	public static String toUnicode(String normalised) {
		String plain = plainLdh(normalised);
		if (plain != null && plain.length() == normalised.length()) {
			return normalised; // no A-label: nothing to show in Unicode
		}
		return toUnicodeWithIcu(normalised);
	}

	/** {@link #toUnicode} through ICU's UTS #46, for every name. */
	static String toUnicodeWithIcu(String normalised) {
		StringBuilder out = new StringBuilder();
		IDNA.Info info = new IDNA.Info();
		Icu.UTS46.nameToUnicode(normalised, out, info);
		return info.hasErrors() ? normalised : out.toString();
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

	/** Label by label, so that each error names the label it is about. */
	private static String toAscii(String name, String input) {
		String[] labels = name.split("[.\u3002\uff0e\uff61]", -1);
		StringBuilder result = new StringBuilder(name.length() + 8);
		for (String label : labels) {
			if (label.isEmpty()) {
				throw new InvalidDomainException("'" + input + "' has an empty label (two dots in a row?)");
			}
			if (!result.isEmpty()) {
				result.append('.');
			}
			result.append(labelToAscii(label));
		}
		return result.toString();
	}

	private static String labelToAscii(String label) {
		StringBuilder out = new StringBuilder();
		IDNA.Info info = new IDNA.Info();
		Icu.UTS46.labelToASCII(label, out, info);
		Set<IDNA.Error> errors = info.getErrors();
		boolean asciiLdh = label.chars().allMatch(DomainNames::isLdh);
		errors.removeAll(Icu.LENGTH_ERRORS);
		if (asciiLdh && !label.regionMatches(true, 0, "xn--", 0, 4)) {
			errors.remove(IDNA.Error.HYPHEN_3_4);
		}
		if (!errors.isEmpty()) {
			throw new InvalidDomainException(describe(label, errors));
		}
		if (!asciiLdh) {
			rejectSymbols(label);
		}
		return out.toString();
	}

	private static String describe(String label, Set<IDNA.Error> errors) {
		if (errors.contains(IDNA.Error.LEADING_HYPHEN) || errors.contains(IDNA.Error.TRAILING_HYPHEN)) {
			return "label '" + label + "' starts or ends with a hyphen";
		}
		if (errors.contains(IDNA.Error.DISALLOWED)) {
			int bad = firstDisallowed(label);
			String shown = bad < 0x80 ? "'" + (char) bad + "'" : String.format("U+%04X", bad);
			return "label '" + label + "' contains " + shown
					+ "; only letters, digits and hyphens are allowed (IDNA2008)";
		}
		if (errors.contains(IDNA.Error.CONTEXTJ)) {
			return "label '" + label + "' has a zero-width joiner or non-joiner where its script does not use one";
		}
		if (errors.contains(IDNA.Error.BIDI)) {
			return "label '" + label + "' mixes right-to-left and left-to-right text in a way IDNA forbids";
		}
		if (errors.contains(IDNA.Error.HYPHEN_3_4)) {
			return "label '" + label + "' has hyphens in the third and fourth position but is not an A-label";
		}
		if (errors.contains(IDNA.Error.PUNYCODE) || errors.contains(IDNA.Error.INVALID_ACE_LABEL)) {
			return "label '" + label + "' is not a valid A-label (xn--)";
		}
		if (errors.contains(IDNA.Error.LEADING_COMBINING_MARK)) {
			return "label '" + label + "' starts with a combining mark";
		}
		return "label '" + label + "' is not a valid internationalised label " + errors;
	}

	/**
	 * UTS #46 since Unicode 15.1 lets through symbols that IDNA2008 (RFC 5892) disallows, emoji among them
	 * (its "NV8" entries). Registries refuse those, so do we: every code point of the U-label is a letter, mark or
	 * digit, a hyphen, or one of RFC 5892's exceptions and contextual characters.
	 */
	private static void rejectSymbols(String label) {
		StringBuilder unicode = new StringBuilder();
		Icu.UTS46.labelToUnicode(label, unicode, new IDNA.Info());
		unicode.codePoints().filter((cp) -> !isIdna2008Character(cp)).findFirst().ifPresent((cp) -> {
			throw new InvalidDomainException(String.format(
					"label '%s' contains U+%04X, a symbol that IDNA2008 does not allow in domain names", label, cp));
		});
	}

	private static boolean isIdna2008Character(int cp) {
		return switch (UCharacter.getType(cp)) {
			case UCharacterCategory.LOWERCASE_LETTER, UCharacterCategory.OTHER_LETTER,
					UCharacterCategory.MODIFIER_LETTER, UCharacterCategory.NON_SPACING_MARK,
					UCharacterCategory.COMBINING_SPACING_MARK, UCharacterCategory.DECIMAL_DIGIT_NUMBER -> true;
			default -> cp == '-' || RFC_5892_EXCEPTIONS.contains(cp);
		};
	}

	private static int firstDisallowed(String label) {
		return label.codePoints().filter((cp) -> {
			IDNA.Info info = new IDNA.Info();
			Icu.UTS46.labelToASCII("a" + Character.toString(cp), new StringBuilder(), info);
			return info.getErrors().contains(IDNA.Error.DISALLOWED);
		}).findFirst().orElse('?');
	}

	private static boolean isLdh(int c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
	}
}
