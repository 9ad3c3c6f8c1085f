package dev.dragnet.server.whois.parse;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an RDAP domain object (RFC 9083) into the same {@link ParsedWhois} as WHOIS text: {@code events}
 * (registration, last changed, expiration), {@code status} (RDAP's spaced words mapped to EPP codes, RFC 8056),
 * the registrar and registrant {@code entities} (jCard {@code fn}, {@code org}, {@code adr} country, IANA
 * Registrar ID), {@code nameservers[].ldhName} and {@code secureDNS.delegationSigned}. An RDAP error object
 * (such as a 404 body) means the name is not registered.
 *
 * <p>Also reads the probe's RDAP result, {@code {"responses":[{"url":..., "status":200, "body":{...}}, ...]}}:
 * the first answer is the registry's, the second (if any) the registrar's, merged with
 * {@link ParsedWhois#merge}.
 */
public final class RdapParser {

	/** RFC 8056's RDAP status values that are not just an EPP code with spaces. */
	private static final Map<String, String> RDAP_TO_EPP = Map.of("active", "ok", "auto renew period",
			"autoRenewPeriod", "add period", "addPeriod", "renew period", "renewPeriod", "transfer period",
			"transferPeriod", "redemption period", "redemptionPeriod", "pending restore", "pendingRestore");

	private final JsonMapper json;

	public RdapParser() {
		this(JsonMapper.builder().build());
	}

	RdapParser(JsonMapper json) {
		this.json = json;
	}

	/**
	 * Parses one RDAP answer about {@code domain}.
	 *
	 * @throws IllegalArgumentException when {@code rdapJson} is not JSON
	 */
	public ParsedWhois parse(String domain, String rdapJson) {
		return parse(readTree(rdapJson), null);
	}

	/**
	 * Parses the probe's RDAP result: registry answer first, registrar answer (if any) second, merged.
	 *
	 * @throws IllegalArgumentException when {@code resultText} is not JSON
	 */
	public ParsedWhois parseResponses(String domain, String resultText) {
		JsonNode root = readTree(resultText);
		JsonNode responses = root.path("responses");
		if (!responses.isArray() || responses.isEmpty()) {
			return parse(root, null);
		}
		ParsedWhois registry = parseResponse(responses.get(0));
		if (responses.size() < 2) {
			return registry;
		}
		ParsedWhois registrar = parseResponse(responses.get(1));
		if (Boolean.FALSE.equals(registry.registered())) {
			return registry;
		}
		return ParsedWhois.merge(registry, registrar);
	}

	private ParsedWhois parseResponse(JsonNode response) {
		int status = response.path("status").asInt(200);
		return parse(response.path("body"), status);
	}

	private JsonNode readTree(String text) {
		try {
			return this.json.readTree(text);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("not an RDAP JSON document: " + ex.getOriginalMessage(), ex);
		}
	}

	private static ParsedWhois parse(JsonNode body, @Nullable Integer httpStatus) {
		if ((httpStatus != null && httpStatus == 404) || isNotFoundError(body)) {
			return ParsedWhois.notRegistered();
		}
		if (!body.isObject() || (httpStatus != null && httpStatus >= 400) || body.has("errorCode")) {
			return ParsedWhois.UNKNOWN;
		}
		JsonNode registrant = entity(body, "registrant");
		return new ParsedWhois(Boolean.TRUE, statuses(body), event(body, "registration"),
				event(body, "last changed"), event(body, "expiration"), registrar(body), nameServers(body),
				dnssec(body), (registrant != null) ? organization(registrant) : null,
				(registrant != null) ? country(registrant) : null);
	}

	private static boolean isNotFoundError(JsonNode body) {
		return body.path("errorCode").asInt(0) == 404;
	}

	private static List<String> statuses(JsonNode body) {
		List<String> statuses = new ArrayList<>();
		for (JsonNode status : body.path("status")) {
			String value = status.asString("").strip().toLowerCase(Locale.ROOT);
			String mapped = RDAP_TO_EPP.get(value);
			String normalised = (mapped != null) ? mapped : EppStatus.normalise(value);
			if (normalised != null) {
				statuses.add(normalised);
			}
		}
		return ParsedWhois.distinct(statuses);
	}

	private static @Nullable Instant event(JsonNode body, String action) {
		for (JsonNode event : body.path("events")) {
			if (action.equalsIgnoreCase(event.path("eventAction").asString(""))) {
				Instant instant = instant(event.path("eventDate").asString(""));
				if (instant != null) {
					return instant;
				}
			}
		}
		return null;
	}

	private static @Nullable Instant instant(String value) {
		try {
			return OffsetDateTime.parse(value).toInstant();
		}
		catch (DateTimeParseException ex) {
			return WhoisDates.parse(value);
		}
	}

	private static ParsedWhois.@Nullable Registrar registrar(JsonNode body) {
		JsonNode registrar = entity(body, "registrar");
		if (registrar == null) {
			return null;
		}
		String ianaId = null;
		for (JsonNode id : registrar.path("publicIds")) {
			if (id.path("type").asString("").toLowerCase(Locale.ROOT).contains("iana")) {
				ianaId = blankToNull(id.path("identifier").asString(""));
			}
		}
		if (ianaId == null && registrar.path("handle").isString()
				&& registrar.path("handle").asString().matches("\\d+")) {
			ianaId = registrar.path("handle").asString();
		}
		String url = vcardValue(registrar, "url");
		if (url == null) {
			url = link(registrar, "about");
		}
		String whois = blankToNull(body.path("port43").asString(""));
		if (whois == null) {
			whois = blankToNull(registrar.path("port43").asString(""));
		}
		return ParsedWhois.Registrar.of(vcardValue(registrar, "fn"), ianaId, url, whois);
	}

	private static List<String> nameServers(JsonNode body) {
		List<String> hosts = new ArrayList<>();
		for (JsonNode ns : body.path("nameservers")) {
			String name = ns.path("ldhName").asString("").strip().toLowerCase(Locale.ROOT);
			if (name.endsWith(".")) {
				name = name.substring(0, name.length() - 1);
			}
			if (!name.isEmpty()) {
				hosts.add(name);
			}
		}
		return ParsedWhois.distinct(hosts);
	}

	private static @Nullable Boolean dnssec(JsonNode body) {
		JsonNode signed = body.path("secureDNS").path("delegationSigned");
		return signed.isBoolean() ? signed.asBoolean() : null;
	}

	private static @Nullable String organization(JsonNode entity) {
		String org = vcardValue(entity, "org");
		return (org != null) ? org : vcardValue(entity, "fn");
	}

	private static @Nullable String country(JsonNode entity) {
		for (JsonNode property : vcardProperties(entity)) {
			if (!"adr".equals(property.path(0).asString(""))) {
				continue;
			}
			String cc = property.path(1).path("cc").asString("");
			if (!cc.isBlank()) {
				return cc.strip().toUpperCase(Locale.ROOT);
			}
			JsonNode value = property.path(3);
			String name = value.isArray() ? value.path(6).asString("") : "";
			if (!name.isBlank()) {
				return WhoisParser.countryCode(name);
			}
		}
		return null;
	}

	/** The first top-level entity with {@code role}. */
	private static @Nullable JsonNode entity(JsonNode node, String role) {
		for (JsonNode entity : node.path("entities")) {
			for (JsonNode r : entity.path("roles")) {
				if (role.equalsIgnoreCase(r.asString(""))) {
					return entity;
				}
			}
		}
		return null;
	}

	private static Iterable<JsonNode> vcardProperties(JsonNode entity) {
		JsonNode vcard = entity.path("vcardArray");
		return vcard.path(1).isArray() ? vcard.path(1) : List.of();
	}

	/** The text of the first jCard property {@code name} (RFC 7095: {@code [name, params, type, value]}). */
	private static @Nullable String vcardValue(JsonNode entity, String name) {
		for (JsonNode property : vcardProperties(entity)) {
			if (name.equals(property.path(0).asString(""))) {
				JsonNode value = property.path(3);
				String text = value.isArray() ? value.path(0).asString("") : value.asString("");
				if (!text.isBlank()) {
					return text.strip();
				}
			}
		}
		return null;
	}

	private static @Nullable String link(JsonNode entity, String rel) {
		for (JsonNode link : entity.path("links")) {
			if (rel.equalsIgnoreCase(link.path("rel").asString(""))) {
				return blankToNull(link.path("href").asString(""));
			}
		}
		return null;
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}
}
