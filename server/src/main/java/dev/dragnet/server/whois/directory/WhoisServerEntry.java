package dev.dragnet.server.whois.directory;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One row of the directory: where queries for names under {@code suffix} go.
 *
 * @param suffix the registry suffix, lower-case A-labels without dots at either end ({@code co.uk})
 * @param host the WHOIS host name or IP literal; null when the registry runs no WHOIS service
 * @param port the WHOIS port, usually 43
 * @param queryFormat the query line with exactly one {@code %s} where the domain goes ({@code domain %s})
 * @param service whether and how the registry answers
 * @param webUrl the registry's web lookup page, for {@link Service#WEB}
 * @param origin {@code seed} (from the bundled tld.json) or {@code admin} (set through the API)
 * @param updatedAt when the row last changed
 */
public record WhoisServerEntry(String suffix, @Nullable String host, int port, String queryFormat, Service service,
		@Nullable String webUrl, String origin, Instant updatedAt) {

	/** The entry was set through the admin API and is never overwritten by the seed. */
	public static final String ORIGIN_ADMIN = "admin";

	/** The entry comes from the bundled tld.json and is refreshed at every start. */
	public static final String ORIGIN_SEED = "seed";

	/** Whether and how a registry answers lookups. */
	public enum Service {

		/** A WHOIS server answers on {@code host:port}. */
		WHOIS,

		/** The registry runs no public WHOIS service. */
		NONE,

		/** The registry offers only a web page, {@code webUrl}. */
		WEB
	}

	/**
	 * The query line for {@code domain} (without CR LF). The domain must already be validated and normalised;
	 * it is inserted as is, without {@code String.format}.
	 */
	public String formatQuery(String domain) {
		return this.queryFormat.replace("%s", domain);
	}
}
