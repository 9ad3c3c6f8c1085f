package dev.dragnet.server.whois.parse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The fields of one WHOIS or RDAP answer about a domain, in one shape whatever the server's format.
 *
 * @param registered {@code true} when the name is registered, {@code false} when the server says it is not
 * (available, not found), {@code null} when the answer says neither: reserved, blocked, premium, or unknown
 * @param statuses EPP status codes in their canonical spelling ({@code clientTransferProhibited}, {@code ok});
 * statuses that are not EPP codes (DENIC {@code connect}, {@code registered}) as lower-case words; no
 * duplicates, in the order given
 * @param created when the name was first registered (UTC)
 * @param updated when the record last changed (UTC)
 * @param expires when the registration expires (UTC)
 * @param registrar the sponsoring registrar, when named
 * @param nameServers the delegation's name servers: lower case, without trailing dot or addresses, no
 * duplicates, in the order given
 * @param dnssec {@code true} when the delegation is signed, {@code false} when the answer says it is unsigned,
 * {@code null} when the answer does not say
 * @param registrantOrganization the holder's organisation, or the holder's name where the registry publishes a
 * single holder field and no organisation
 * @param registrantCountry the holder's country as ISO 3166 alpha-2 code (upper case) where one is given
 */
public record ParsedWhois(@Nullable Boolean registered, List<String> statuses, @Nullable Instant created,
		@Nullable Instant updated, @Nullable Instant expires, @Nullable Registrar registrar, List<String> nameServers,
		@Nullable Boolean dnssec, @Nullable String registrantOrganization, @Nullable String registrantCountry) {

	/** An answer that says nothing at all. */
	public static final ParsedWhois UNKNOWN = new ParsedWhois(null, List.of(), null, null, null, null, List.of(),
			null, null, null);

	public ParsedWhois {
		statuses = List.copyOf(statuses);
		nameServers = List.copyOf(nameServers);
	}

	/** An answer that says the name is not registered. */
	public static ParsedWhois notRegistered() {
		return new ParsedWhois(false, List.of(), null, null, null, null, List.of(), null, null, null);
	}

	/**
	 * Combines a thin registry's answer with the registrar's answer it referred to. The registry is
	 * authoritative for dates and statuses, so its values win there; for everything else the registry's value
	 * is kept when it has one and the registrar's answer fills the gaps.
	 */
	public static ParsedWhois merge(ParsedWhois registry, ParsedWhois registrar) {
		return new ParsedWhois(mergeRegistered(registry.registered(), registrar.registered()),
				registry.statuses().isEmpty() ? registrar.statuses() : registry.statuses(),
				first(registry.created(), registrar.created()), first(registry.updated(), registrar.updated()),
				first(registry.expires(), registrar.expires()),
				Registrar.merge(registry.registrar(), registrar.registrar()),
				registry.nameServers().isEmpty() ? registrar.nameServers() : registry.nameServers(),
				first(registry.dnssec(), registrar.dnssec()),
				first(registry.registrantOrganization(), registrar.registrantOrganization()),
				first(registry.registrantCountry(), registrar.registrantCountry()));
	}

	private static @Nullable Boolean mergeRegistered(@Nullable Boolean registry, @Nullable Boolean registrar) {
		// a registry that knows the name settles it; a registrar's "not found" cannot undo a registry's record
		if (registry != null) {
			return registry;
		}
		return registrar;
	}

	private static <T> @Nullable T first(@Nullable T preferred, @Nullable T fallback) {
		return (preferred != null) ? preferred : fallback;
	}

	/** Keeps the first of each value, in order. */
	static List<String> distinct(List<String> values) {
		return new ArrayList<>(new LinkedHashSet<>(values));
	}

	/**
	 * The sponsoring registrar as an answer names it.
	 *
	 * @param name the registrar's name
	 * @param ianaId its IANA registrar id, as published (a string: some registries publish other ids)
	 * @param url its web site
	 * @param whoisServer its WHOIS server host, where a thin registry names one
	 */
	public record Registrar(@Nullable String name, @Nullable String ianaId, @Nullable String url,
			@Nullable String whoisServer) {

		static @Nullable Registrar of(@Nullable String name, @Nullable String ianaId, @Nullable String url,
				@Nullable String whoisServer) {
			if (name == null && ianaId == null && url == null && whoisServer == null) {
				return null;
			}
			return new Registrar(name, ianaId, url, whoisServer);
		}

		static @Nullable Registrar merge(@Nullable Registrar registry, @Nullable Registrar registrar) {
			if (registry == null) {
				return registrar;
			}
			if (registrar == null) {
				return registry;
			}
			return new Registrar(first(registry.name(), registrar.name()), first(registry.ianaId(), registrar.ianaId()),
					first(registry.url(), registrar.url()), first(registry.whoisServer(), registrar.whoisServer()));
		}
	}
}
