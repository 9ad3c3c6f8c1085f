package dev.dragnet.testbed.rdap;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Realistic RDAP answers (RFC 9083, with the fields ICANN's response profile asks of gTLD registries and
 * registrars) for tests: a thin registry's domain object that links the registrar's record, the registrar's
 * record itself, and error objects.
 */
public final class RdapDocuments {

	/** The registrar of every generated domain. */
	public static final String REGISTRAR_NAME = "Dragnet Test Registrar, LLC";

	/** Its IANA Registrar ID. */
	public static final String REGISTRAR_IANA_ID = "9999";

	/** Registration date of every generated domain. */
	public static final String REGISTERED = "1997-09-15T04:00:00Z";

	/** Expiration date of every generated domain. */
	public static final String EXPIRES = "2028-09-14T04:00:00Z";

	/** Last-changed date of every generated domain. */
	public static final String LAST_CHANGED = "2024-08-14T07:01:34Z";

	private static final Pattern LDH_NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

	private RdapDocuments() {
	}

	/**
	 * A thin registry's answer for {@code name} (as Verisign gives for {@code .com}): handle, LDH name in capitals,
	 * statuses, registration/expiration/last-changed events, the registrar entity with its {@code fn} and IANA
	 * Registrar ID, two name servers, {@code secureDNS}, and a {@code links} entry
	 * {@code {"rel":"related","type":"application/rdap+json","href":"<baseUrl>registrar/domain/<name>"}} to the
	 * registrar's record.
	 * @param name the domain, an LDH name
	 * @param baseUrl where the registrar's record is served, ending in {@code /}
	 */
	public static String thinRegistryDomain(String name, String baseUrl) {
		String ldh = requireLdh(name);
		String base = requireBase(baseUrl);
		String upper = ldh.toUpperCase(Locale.ROOT);
		return """
				{
				  "objectClassName": "domain",
				  "handle": "%1$s",
				  "ldhName": "%2$s",
				  "links": [
				    {
				      "value": "%3$sdomain/%2$s",
				      "rel": "self",
				      "href": "%3$sdomain/%2$s",
				      "type": "application/rdap+json"
				    },
				    {
				      "value": "%3$sregistrar/domain/%4$s",
				      "rel": "related",
				      "href": "%3$sregistrar/domain/%4$s",
				      "type": "application/rdap+json"
				    }
				  ],
				  "status": [
				    "client delete prohibited",
				    "client transfer prohibited",
				    "client update prohibited"
				  ],
				  "entities": [
				    {
				      "objectClassName": "entity",
				      "handle": "%5$s",
				      "roles": ["registrar"],
				      "publicIds": [{"type": "IANA Registrar ID", "identifier": "%5$s"}],
				      "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "%6$s"]]],
				      "entities": [
				        {
				          "objectClassName": "entity",
				          "roles": ["abuse"],
				          "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", ""],
				            ["tel", {"type": "voice"}, "uri", "tel:+1.2085551234"],
				            ["email", {}, "text", "abuse@registrar.test"]]]
				        }
				      ]
				    }
				  ],
				  "events": [
				    {"eventAction": "registration", "eventDate": "%7$s"},
				    {"eventAction": "expiration", "eventDate": "%8$s"},
				    {"eventAction": "last changed", "eventDate": "%9$s"},
				    {"eventAction": "last update of RDAP database", "eventDate": "2026-11-21T10:00:00Z"}
				  ],
				  "secureDNS": {"delegationSigned": false},
				  "nameservers": [
				    {"objectClassName": "nameserver", "ldhName": "NS1.%2$s"},
				    {"objectClassName": "nameserver", "ldhName": "NS2.%2$s"}
				  ],
				  "rdapConformance": [
				    "rdap_level_0",
				    "icann_rdap_technical_implementation_guide_1",
				    "icann_rdap_response_profile_1"
				  ],
				  "notices": [
				    {
				      "title": "Terms of Use",
				      "description": ["Service subject to Terms of Use."],
				      "links": [{"href": "https://www.registry.test/terms", "type": "text/html"}]
				    }
				  ]
				}
				""".formatted(handle(ldh), upper, base, ldh.toLowerCase(Locale.ROOT), REGISTRAR_IANA_ID, REGISTRAR_NAME,
				REGISTERED, EXPIRES, LAST_CHANGED);
	}

	/**
	 * The registrar's answer for {@code name}: the same dates and registrar, and a registrant whose contact data
	 * is redacted for privacy (as most registrars answer since 2018).
	 */
	public static String registrarDomain(String name) {
		String ldh = requireLdh(name).toLowerCase(Locale.ROOT);
		return """
				{
				  "objectClassName": "domain",
				  "handle": "%1$s",
				  "ldhName": "%2$s",
				  "status": ["client delete prohibited", "client transfer prohibited", "client update prohibited"],
				  "entities": [
				    {
				      "objectClassName": "entity",
				      "handle": "%3$s",
				      "roles": ["registrar"],
				      "publicIds": [{"type": "IANA Registrar ID", "identifier": "%3$s"}],
				      "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "%4$s"]]]
				    },
				    {
				      "objectClassName": "entity",
				      "roles": ["registrant"],
				      "remarks": [{"title": "REDACTED FOR PRIVACY", "type": "object redacted due to authorization",
				        "description": ["Some of the data in this object has been removed."]}],
				      "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", ""],
				        ["adr", {}, "text", ["", "", "", "", "CA", "", "US"]]]]
				    }
				  ],
				  "events": [
				    {"eventAction": "registration", "eventDate": "%5$s"},
				    {"eventAction": "expiration", "eventDate": "%6$s"},
				    {"eventAction": "last changed", "eventDate": "%7$s"}
				  ],
				  "nameservers": [
				    {"objectClassName": "nameserver", "ldhName": "ns1.%2$s"},
				    {"objectClassName": "nameserver", "ldhName": "ns2.%2$s"}
				  ],
				  "secureDNS": {"delegationSigned": false},
				  "rdapConformance": ["rdap_level_0", "icann_rdap_response_profile_1"]
				}
				""".formatted(handle(ldh), ldh, REGISTRAR_IANA_ID, REGISTRAR_NAME, REGISTERED, EXPIRES, LAST_CHANGED);
	}

	/** An RDAP error object (RFC 9083 section 6). */
	public static String error(int status, String title, String description) {
		Objects.requireNonNull(title, "title");
		Objects.requireNonNull(description, "description");
		return """
				{
				  "rdapConformance": ["rdap_level_0"],
				  "errorCode": %d,
				  "title": "%s",
				  "description": ["%s"]
				}
				""".formatted(status, escape(title), escape(description));
	}

	private static String handle(String ldh) {
		return Integer.toUnsignedString(ldh.toLowerCase(Locale.ROOT).hashCode()) + "_DOMAIN-TEST";
	}

	static String requireLdh(String name) {
		Objects.requireNonNull(name, "name");
		if (!LDH_NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("not an LDH domain name: " + name);
		}
		return name;
	}

	private static String requireBase(String baseUrl) {
		Objects.requireNonNull(baseUrl, "baseUrl");
		if (!baseUrl.endsWith("/") || baseUrl.contains("\"") || baseUrl.contains("\\")) {
			throw new IllegalArgumentException("a base URL must end in / and need no JSON escaping: " + baseUrl);
		}
		return baseUrl;
	}

	private static String escape(String text) {
		StringBuilder out = new StringBuilder(text.length());
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				default -> {
					if (c < 0x20) {
						out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.toString();
	}
}
