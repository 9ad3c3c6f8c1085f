package dev.dragnet.server.whois.rdap;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One reading of the IANA DNS bootstrap file (RFC 9224):
 * {@code {"version":"1.0","publication":"...","services":[[["tld",...],["https://base/",...]],...]}}, as a map from
 * each entry (a TLD, or a longer suffix such as {@code co.uk}) to the one base URL Dragnet uses for it: the first
 * {@code https} URL of its service, else the first {@code http} one. Immutable.
 *
 * @param publication the file's {@code publication} time, as written there
 * @param baseUrls entry (lower case, no trailing dot) to base URL (ending in {@code /})
 */
record BootstrapTable(String publication, Map<String, String> baseUrls) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	BootstrapTable {
		baseUrls = Map.copyOf(baseUrls);
	}

	/** Reads a bootstrap file; fails with {@link InvalidBootstrapException} when it is not one or names no TLD. */
	static BootstrapTable parse(byte[] json) {
		JsonNode root;
		try {
			root = JSON.readTree(json);
		}
		catch (JacksonException ex) {
			throw new InvalidBootstrapException("not JSON: " + ex.getOriginalMessage());
		}
		if (root == null || !root.path("services").isArray()) {
			throw new InvalidBootstrapException("no \"services\" array");
		}
		Map<String, String> baseUrls = new HashMap<>();
		for (JsonNode service : root.path("services")) {
			String base = preferredBase(service.path(1));
			if (base == null) {
				continue;
			}
			for (JsonNode entry : service.path(0)) {
				String suffix = normalise(entry.asString(""));
				if (!suffix.isEmpty()) {
					baseUrls.putIfAbsent(suffix, base);
				}
			}
		}
		if (baseUrls.isEmpty()) {
			throw new InvalidBootstrapException("no service with a TLD and an http(s) base URL");
		}
		return new BootstrapTable(root.path("publication").asString("unknown"), baseUrls);
	}

	/**
	 * The RDAP URL of {@code domain}, {@code <base>domain/<name>}, from the longest entry that is a suffix of it
	 * (label-wise: {@code example.co.uk} matches {@code co.uk} before {@code uk}), or empty when none is.
	 */
	Optional<String> domainUrl(String domain) {
		String name = normalise(domain);
		if (name.isEmpty()) {
			return Optional.empty();
		}
		for (String suffix = name; suffix != null; suffix = parent(suffix)) {
			String base = this.baseUrls.get(suffix);
			if (base != null) {
				return Optional.of(base + "domain/" + name);
			}
		}
		return Optional.empty();
	}

	/** How many entries (TLDs and suffixes) the table knows. */
	int size() {
		return this.baseUrls.size();
	}

	private static @Nullable String parent(String suffix) {
		int dot = suffix.indexOf('.');
		return dot < 0 ? null : suffix.substring(dot + 1);
	}

	private static @Nullable String preferredBase(JsonNode urls) {
		String http = null;
		for (JsonNode url : urls) {
			String text = url.asString("").trim();
			String lower = text.toLowerCase(Locale.ROOT);
			if (lower.startsWith("https://") && lower.length() > "https://".length()) {
				return withSlash(text);
			}
			if (http == null && lower.startsWith("http://") && lower.length() > "http://".length()) {
				http = withSlash(text);
			}
		}
		return http;
	}

	private static String withSlash(String url) {
		return url.endsWith("/") ? url : url + "/";
	}

	private static String normalise(String name) {
		String lower = name.trim().toLowerCase(Locale.ROOT);
		while (lower.endsWith(".")) {
			lower = lower.substring(0, lower.length() - 1);
		}
		while (lower.startsWith(".")) {
			lower = lower.substring(1);
		}
		return lower;
	}

	/** The bootstrap file cannot be used; the table in use stays. */
	static final class InvalidBootstrapException extends RuntimeException {

		InvalidBootstrapException(String message) {
			super(message, null, false, false);
		}
	}
}
