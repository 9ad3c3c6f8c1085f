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

	/** Parses {@code auto}, {@code rdap} or {@code whois} (any case); null means the default. */
	static LookupPolicy parse(@Nullable String text, LookupPolicy fallback) {
		if (text == null || text.isBlank()) {
			return fallback;
		}
		try {
			return valueOf(text.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new WhoisProblems.BadPolicy(text);
		}
	}
}
