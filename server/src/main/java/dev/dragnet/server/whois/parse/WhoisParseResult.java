package dev.dragnet.server.whois.parse;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code POST /api/whois/parse}: how the text was classified, where it refers, and every field
 * of {@link ParsedWhois} at the top level.
 *
 * @param domain the name, as A-label
 * @param unicodeDomain the same name as U-label
 * @param classification what kind of answer the text is
 * @param referral the server the text refers the query to, or {@code null}
 * @param registered see {@link ParsedWhois#registered()}
 * @param statuses see {@link ParsedWhois#statuses()}
 * @param created see {@link ParsedWhois#created()}
 * @param updated see {@link ParsedWhois#updated()}
 * @param expires see {@link ParsedWhois#expires()}
 * @param registrar see {@link ParsedWhois#registrar()}
 * @param nameServers see {@link ParsedWhois#nameServers()}
 * @param dnssec see {@link ParsedWhois#dnssec()}
 * @param registrantOrganization see {@link ParsedWhois#registrantOrganization()}
 * @param registrantCountry see {@link ParsedWhois#registrantCountry()}
 * @param source always {@code whois}: the fields come from WHOIS text, not RDAP
 */
public record WhoisParseResult(String domain, String unicodeDomain, ClassificationView classification,
		ReferralFinder.@Nullable Referral referral, @Nullable Boolean registered, List<String> statuses,
		@Nullable Instant created, @Nullable Instant updated, @Nullable Instant expires,
		ParsedWhois.@Nullable Registrar registrar, List<String> nameServers, @Nullable Boolean dnssec,
		@Nullable String registrantOrganization, @Nullable String registrantCountry, String source) {

	static WhoisParseResult of(String domain, String unicodeDomain,
			WhoisResponseClassifier.Classification classification, ReferralFinder.@Nullable Referral referral,
			ParsedWhois parsed) {
		Long retryAfter = (classification.retryAfter() != null) ? classification.retryAfter().toSeconds() : null;
		return new WhoisParseResult(domain, unicodeDomain, new ClassificationView(classification.kind(), retryAfter),
				referral, parsed.registered(), parsed.statuses(), parsed.created(), parsed.updated(), parsed.expires(),
				parsed.registrar(), parsed.nameServers(), parsed.dnssec(), parsed.registrantOrganization(),
				parsed.registrantCountry(), "whois");
	}

	/**
	 * The classification as the API shows it.
	 *
	 * @param kind {@code DATA}, {@code NOT_FOUND}, {@code THROTTLED} or {@code EMPTY}
	 * @param retryAfterSeconds for {@code THROTTLED}, the wait the server named, in seconds, or {@code null}
	 */
	public record ClassificationView(WhoisResponseClassifier.Kind kind, @Nullable Long retryAfterSeconds) {
	}
}
