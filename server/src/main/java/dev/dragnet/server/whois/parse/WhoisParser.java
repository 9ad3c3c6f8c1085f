package dev.dragnet.server.whois.parse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dragnet.net.DomainNames;
import dev.dragnet.net.InvalidDomainException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a WHOIS answer about a domain into {@link ParsedWhois}. It parses on content, not on the server's
 * name: values are found by their labels in any of the layouts servers use (see {@link WhoisRecord}), labels
 * are matched against lists of the spellings seen in real answers (English, Spanish, French, Japanese,
 * Chinese, Korean...), and dates in any common spelling (see {@link WhoisDates}). Per-server adjustments,
 * keyed by WHOIS server host, exist only where a server's format cannot be read on content alone.
 *
 * <p>Pure and thread-safe: no I/O, no blocking, no shared mutable state.
 */
public final class WhoisParser {

	private static final Set<String> DOMAIN = keys("domain name", "domain", "domainname", "ドメイン名",
			"nombre de dominio", "域名", "domain information", "query", "domain name (ascii)", "ace");

	private static final Set<String> CREATED = keys("creation date", "created on", "created", "registered on",
			"registered", "record created on", "record created", "domain registration date", "registration date",
			"registration time", "created date", "create date", "domain create date", "domain created",
			"domain record activated", "activated", "activation", "activation date", "commencement date",
			"domain name commencement date", "registration", "registered date", "date registered",
			"fecha de registro", "fecha de creacion", "fecha de creación", "date de creation", "date de création",
			"登録年月日", "created at", "domain datecreated", "creation", "registrado", "등록일", "注册时间", "注册日期",
			"record activated", "domain registered", "date of registration", "registration date and time");

	private static final Set<String> EXPIRES = keys("registry expiry date", "registrar registration expiration date",
			"expiration date", "expiry date", "expires on", "expires", "expire", "expire date", "expiration time",
			"expiry", "expiration", "paid till", "valid until", "renewal date", "record expires on",
			"record will expire on", "domain expiration date", "domain expires", "registration expiration date",
			"expires at", "fecha de vencimiento", "fecha de expiracion", "fecha de expiración", "date d'expiration",
			"有効期限", "사용 종료일", "过期时间", "到期时间", "到期日期", "free date", "validity", "renewal",
			"domain expiry date", "expiration date and time", "exp date", "registered until", "domain datexpires");

	private static final Set<String> UPDATED = keys("updated date", "last updated", "last updated on", "last modified",
			"modified", "changed", "last update", "updated", "updated on", "last updated date",
			"record last updated on", "domain last updated date", "modified date", "last changed", "update date",
			"最終更新", "최근 정보 변경일", "domain datelastmodified", "last modification", "fecha de actualizacion",
			"fecha de actualización", "last modified date", "date modified", "record last updated");

	private static final Set<String> STATUS = keys("domain status", "status", "state", "domain state",
			"registration status", "estatus del dominio", "estado", "状態", "ステータス", "domain status code",
			"eppstatus", "epp status", "域名状态", "flags");

	private static final Set<String> ADDRESS = keys("city", "street", "address", "postal code", "postalcode",
			"zip", "zip code", "phone", "e mail", "email");

	private static final Set<String> NAME_SERVERS = keys("name server", "name servers", "nameserver", "nameservers",
			"nserver", "dns", "dns servers", "domain servers in listed order", "domain nameservers",
			"servidor(es) de nombres de dominio", "servidores dns", "nameservers information", "name server (db)",
			"ネームサーバ", "호스트이름", "host name", "hostname", "primary server", "secondary server", "ns name 01",
			"ns name 02", "ns name 03", "ns name 04", "ns 1", "ns 2", "ns 3", "ns 4", "dns 1", "dns 2", "dns 3",
			"dns 4", "域名服务器", "dns服务器", "name server 1", "name server 2", "name server 3", "name server 4",
			"domain servers", "serveurs de noms", "nsset", "ns");

	private static final Set<String> REGISTRAR = keys("registrar", "sponsoring registrar", "registrar name",
			"registrar organization", "registrar organisation", "registration service provider", "sponsor",
			"sponsoring registrar organization", "record maintained by", "managing registrar", "注册商",
			"registrar of record", "agente registrador", "registrant registrar");

	private static final Set<String> REGISTRAR_SECTIONS = keys("registrar", "sponsoring registrar",
			"registrar information", "registrar technical contacts");

	private static final Set<String> NAME_IN_SECTION = keys("name", "organization", "organisation", "org",
			"registrar name", "company");

	private static final Set<String> IANA_ID = keys("registrar iana id", "sponsoring registrar iana id", "iana id");

	private static final Set<String> REGISTRAR_URL = keys("registrar url", "sponsoring registrar url",
			"referral url", "registrar website", "registrar web", "url");

	private static final Set<String> REGISTRAR_WHOIS = keys("registrar whois server", "whois server",
			"registrar whois");

	private static final Set<String> DNSSEC = keys("dnssec", "dnssec status", "domain signed", "signed",
			"dnssec signed", "ds records");

	private static final Set<String> ORGANIZATION = keys("registrant organization", "registrant organisation",
			"registrant contact organisation", "registrant contact organization", "owner organization",
			"owner organisation", "org", "organisation", "organization", "holder organization", "组织", "組織名",
			"organizacion", "organización", "registrant company", "registrant org");

	private static final Set<String> HOLDER = keys("registrant", "owner", "holder", "titular", "registrant name",
			"registrant contact name", "owner name", "registrant contact", "owner contact", "holder name",
			"登録者名", "registrant organization name", "nombre", "person", "name", "登録者", "등록인", "所有者",
			"域名持有人", "registrant internationalized name", "local organisation", "international organisation",
			"organization name", "descr");

	/** Holder labels that name the holder wherever they stand (not "name" or "person", which need a section). */
	private static final Set<String> HOLDER_ANYWHERE = keys("registrant", "owner", "holder", "titular",
			"registrant name", "registrant contact name", "owner name", "holder name", "登録者名", "등록인", "所有者",
			"域名持有人", "registrant organization name");

	private static final Set<String> REGISTRANT_SECTIONS = keys("registrant", "owner", "holder", "registrant contact",
			"owner contact", "titular", "holder contact", "registrant contact information", "[holder]",
			"contact information", "domain holder", "registrant information", "domain information");

	private static final Set<String> ORGANIZATION_LABELS = keysWithout(ORGANIZATION, "org", "organisation",
			"organization");

	/** A contact handle: one token with a digit or a hyphen, such as {@code GI7803022-NICAT} or {@code MM12383}. */
	private static final Pattern HANDLE = Pattern.compile("(?=[^\\s]*[0-9-])[A-Za-z0-9_.-]{3,40}");

	private static final Set<String> HANDLE_KEYS = keys("nic hdl", "nic handle", "handle", "contact", "id",
			"contact id", "nic hdl br", "registrant id");

	private static final Set<String> HANDLE_ORGANIZATION = keys("org", "organization", "organisation", "org name",
			"company", "organization name");

	private static final Set<String> HANDLE_NAME = keys("name", "person", "personname", "contact name",
			"full name");

	private static final Set<String> COUNTRY = keys("registrant country", "registrant country code",
			"registrant country/economy", "owner country", "holder country", "registrant contact country");

	private static final Set<String> COUNTRY_IN_SECTION = keys("country", "country code", "pais", "país", "cc");

	private static final Pattern HOST = Pattern
		.compile("(?i)(?<![\\w.-])((?:[a-z0-9\\p{L}](?:[a-z0-9\\p{L}-]{0,61}[a-z0-9\\p{L}])?\\.)+[a-z\\p{L}][a-z0-9\\p{L}-]{0,62})\\.?(?![\\w-])");

	private static final Pattern TWO_LETTERS = Pattern.compile("[A-Za-z]{2}");

	private static final Pattern STATUS_SPLIT = Pattern.compile("\\s*,\\s*|;\\s+");

	private static final Map<String, String> COUNTRY_NAMES = countryNames();

	private final NotFoundDetector notFound = new NotFoundDetector();

	/**
	 * Parses {@code text}, the answer about {@code domain} from WHOIS server {@code server} (host, or
	 * {@code null} when not known).
	 */
	public ParsedWhois parse(String domain, @Nullable String server, String text) {
		if (text.isBlank()) {
			return ParsedWhois.UNKNOWN;
		}
		WhoisRecord record = WhoisRecord.of(text);
		Instant created = date(record, CREATED);
		Instant expires = date(record, EXPIRES);
		Instant updated = date(record, UPDATED);
		List<String> nameServers = nameServers(record, domain);
		ParsedWhois.Registrar registrar = registrar(record);
		List<String> statuses = statuses(record);
		String organization = registrantOrganization(record);
		boolean strongData = created != null || expires != null || !nameServers.isEmpty() || registrar != null;
		Boolean registered = this.notFound.registered(text, strongData, !statuses.isEmpty() || organization != null);
		if (Boolean.FALSE.equals(registered)) {
			return ParsedWhois.notRegistered();
		}
		return new ParsedWhois(registered, statuses, created, updated, expires, registrar, nameServers,
				dnssec(record), organization, registrantCountry(record));
	}

	/**
	 * The domain name the answer is about, as its own text names it (A-label, lower case), or {@code null}.
	 * Used to check an answer is about the name asked.
	 */
	static @Nullable String domainName(String text) {
		String value = WhoisRecord.of(text).first(DOMAIN);
		if (value == null) {
			return null;
		}
		String token = value.strip().split("\\s+")[0].toLowerCase(Locale.ROOT);
		if (token.endsWith(".")) {
			token = token.substring(0, token.length() - 1);
		}
		try {
			return DomainNames.normaliseName(token);
		}
		catch (InvalidDomainException ex) {
			return token;
		}
	}

	private static @Nullable Instant date(WhoisRecord record, Set<String> keys) {
		for (WhoisRecord.Entry entry : record.all(keys)) {
			Instant instant = WhoisDates.parse(entry.value());
			if (instant != null) {
				return instant;
			}
		}
		return null;
	}

	private static List<String> statuses(WhoisRecord record) {
		List<String> statuses = new ArrayList<>();
		for (WhoisRecord.Entry entry : record.all(STATUS)) {
			if (isContactSection(entry.section()) && !entry.section().startsWith("domain")) {
				continue;
			}
			if (entry.key().equals("state") && record.firstInBlock(entry.block(), ADDRESS) != null) {
				// "State: CA" in a contact's address
				continue;
			}
			for (String part : STATUS_SPLIT.split(entry.value())) {
				String status = EppStatus.normalise(part);
				if (status != null && !status.isEmpty()) {
					statuses.add(status);
				}
			}
		}
		return ParsedWhois.distinct(statuses);
	}

	private static boolean isContactSection(String section) {
		return REGISTRANT_SECTIONS.contains(section) || section.contains("contact") || section.contains("admin")
				|| section.contains("tech") || section.contains("billing");
	}

	private static List<String> nameServers(WhoisRecord record, String domain) {
		List<String> hosts = new ArrayList<>();
		for (WhoisRecord.Entry entry : record.all(NAME_SERVERS)) {
			if ((entry.key().equals("host name") || entry.key().equals("hostname")) && entry.section().isEmpty()) {
				continue;
			}
			String host = host(entry.value());
			if (host != null && !host.equalsIgnoreCase(domain)) {
				hosts.add(host);
			}
		}
		return ParsedWhois.distinct(hosts);
	}

	/** The first host name in a name server value, which may carry addresses, a dot, or remarks. */
	static @Nullable String host(String value) {
		Matcher m = HOST.matcher(value);
		while (m.find()) {
			String candidate = m.group(1).toLowerCase(Locale.ROOT);
			if (!digitsAndDots(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	/** Whether {@code text} is only digits and dots, an IPv4 address rather than a host name. */
	private static boolean digitsAndDots(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if ((c < '0' || c > '9') && c != '.') {
				return false;
			}
		}
		return !text.isEmpty();
	}

	private static ParsedWhois.@Nullable Registrar registrar(WhoisRecord record) {
		String name = record.first(REGISTRAR);
		if (name == null || looksLikeUrl(name)) {
			String inSection = record.firstIn(REGISTRAR_SECTIONS, NAME_IN_SECTION);
			name = (inSection != null) ? inSection : name;
		}
		String whois = record.first(REGISTRAR_WHOIS);
		String url = record.first(REGISTRAR_URL);
		return ParsedWhois.Registrar.of(blankToNull(name), blankToNull(record.first(IANA_ID)), blankToNull(url),
				(whois != null) ? whoisHost(whois) : null);
	}

	private static @Nullable String whoisHost(String value) {
		String v = value.strip().replaceFirst("(?i)^(whois|rwhois)://", "");
		if (looksLikeUrl(v)) {
			return null;
		}
		String host = host(v);
		return host;
	}

	private static boolean looksLikeUrl(String value) {
		return value.regionMatches(true, 0, "http://", 0, 7) || value.regionMatches(true, 0, "https://", 0, 8);
	}

	private static @Nullable Boolean dnssec(WhoisRecord record) {
		String value = record.first(DNSSEC);
		if (value == null) {
			return null;
		}
		String v = value.strip().toLowerCase(Locale.ROOT);
		if (v.startsWith("unsigned") || v.startsWith("no") || v.equals("false") || v.startsWith("inactive")
				|| v.contains("not signed") || v.startsWith("none") || v.equals("n")) {
			return false;
		}
		if (v.contains("signed") || v.startsWith("yes") || v.equals("true") || v.startsWith("active")
				|| v.equals("y")) {
			return true;
		}
		return null;
	}

	private static @Nullable String registrantOrganization(WhoisRecord record) {
		String holder = holder(record);
		if (holder != null && HANDLE.matcher(holder).matches()) {
			String resolved = resolveHandle(record, holder);
			return (resolved != null) ? resolved : holder;
		}
		return holder;
	}

	/**
	 * RIPE-style registries name the holder by handle ({@code registrant: GI7803022-NICAT}) and describe the
	 * handle in a paragraph of its own ({@code nic-hdl: GI7803022-NICAT}, {@code organization: Google Inc.}).
	 */
	private static @Nullable String resolveHandle(WhoisRecord record, String handle) {
		for (WhoisRecord.Entry entry : record.all(HANDLE_KEYS)) {
			if (entry.value().equalsIgnoreCase(handle)) {
				String organization = record.firstInBlock(entry.block(), HANDLE_ORGANIZATION);
				String name = record.firstInBlock(entry.block(), HANDLE_NAME);
				String found = (organization != null) ? organization : name;
				if (found != null && !found.equalsIgnoreCase(handle)) {
					return found;
				}
			}
		}
		return null;
	}

	private static @Nullable String holder(WhoisRecord record) {
		String organization = record.first(ORGANIZATION_LABELS);
		if (organization == null) {
			organization = record.firstIn(REGISTRANT_SECTIONS, ORGANIZATION);
		}
		if (organization == null) {
			organization = record.first(HOLDER_ANYWHERE);
		}
		if (organization == null) {
			organization = record.firstIn(REGISTRANT_SECTIONS, HOLDER);
		}
		return blankToNull(organization);
	}

	private static @Nullable String registrantCountry(WhoisRecord record) {
		String country = record.first(COUNTRY);
		if (country == null) {
			country = record.firstIn(REGISTRANT_SECTIONS, COUNTRY_IN_SECTION);
		}
		return (country != null) ? countryCode(country) : null;
	}

	/** An ISO 3166 alpha-2 code for a code or an English country name; {@code null} when it is neither. */
	static @Nullable String countryCode(String value) {
		String v = value.strip();
		if (TWO_LETTERS.matcher(v).matches()) {
			String code = v.toUpperCase(Locale.ROOT);
			// UK is reserved in ISO 3166-1 at the United Kingdom's request; its code is GB
			return code.equals("UK") ? "GB" : code;
		}
		return COUNTRY_NAMES.get(v.toLowerCase(Locale.ROOT));
	}

	private static Map<String, String> countryNames() {
		Map<String, String> names = new HashMap<>();
		for (String code : Locale.getISOCountries()) {
			Locale locale = new Locale("", code);
			names.put(locale.getDisplayCountry(Locale.ENGLISH).toLowerCase(Locale.ROOT), code);
			names.put(locale.getISO3Country().toLowerCase(Locale.ROOT), code);
		}
		names.put("usa", "US");
		names.put("united states of america", "US");
		names.put("uk", "GB");
		names.put("great britain", "GB");
		names.put("russia", "RU");
		return Map.copyOf(names);
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

	private static Set<String> keys(String... labels) {
		Set<String> keys = new java.util.HashSet<>();
		for (String label : labels) {
			keys.add(WhoisRecord.normaliseKey(label));
		}
		return Set.copyOf(keys);
	}

	private static Set<String> keysWithout(Set<String> keys, String... removed) {
		Set<String> copy = new java.util.HashSet<>(keys);
		for (String r : removed) {
			copy.remove(r);
		}
		return Set.copyOf(copy);
	}
}
