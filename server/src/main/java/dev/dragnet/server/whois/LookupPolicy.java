package dev.dragnet.server.whois;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** Which protocol a lookup uses. */
public enum LookupPolicy {

	/** RDAP where the IANA bootstrap knows the TLD, WHOIS otherwise; each falls back to the other on failure. */
	AUTO,

	/** RDAP only. */
	RDAP,

	/** WHOIS over TCP 43 only. */
	WHOIS;

	/** Parses {@code auto}, {@code rdap} or {@code whois} (any case); blank or absent means {@code fallback}. */
	static LookupPolicy parse(@Nullable String text, LookupPolicy fallback) {
		LookupPolicy policy = parse(text);
		return (policy != null) ? policy : fallback;
	}

	/**
	 * Parses {@code auto}, {@code rdap} or {@code whois} (any case); blank or absent gives null, anything else
	 * throws {@link InvalidPolicyException}.
	 */
	public static @Nullable LookupPolicy parse(@Nullable String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			return valueOf(text.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPolicyException(text);
		}
	}
}
