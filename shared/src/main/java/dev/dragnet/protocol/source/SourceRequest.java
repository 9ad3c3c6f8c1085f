package dev.dragnet.protocol.source;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The HTTP request a source is asked with. Placeholders, in the URL, the header values and the form body:
 * {@code {ip}} the address asked about; {@code {page}} and {@code {first}} the page (see {@link Pagination}; without
 * pagination 1 and 0); {@code {base}} the site's base URL with its trailing slash ({@code https://site.example/}) and
 * {@code {origin}} the same without path ({@code https://site.example}), both filled in by {@link #withBase}, so one
 * definition can be stored once and pointed at a mirror or a test site; {@code {key}} the API key of a keyed
 * service, filled in by each probe from its own keys ({@link #withKey}), so keys never travel with definitions. A
 * probe refuses a request that still holds {@code {base}}, {@code {origin}} or {@code {key}}.
 *
 * @param method {@code GET} or {@code POST}
 * @param urlTemplate the absolute URL with placeholders, e.g. {@code {base}sameip/{ip}?page={page}}
 * @param headers headers to send, in addition to the probe's defaults ({@code User-Agent}, {@code Accept}), which
 * they replace; a header given an empty value is not sent at all
 * @param formBody for {@code POST}: the {@code application/x-www-form-urlencoded} body with placeholders
 * ({@code remoteAddress={ip}&key=&_=}), or {@code null}
 */
public record SourceRequest(String method, String urlTemplate, Map<String, String> headers,
		@Nullable String formBody) {

	/** The placeholder of the API key. */
	public static final String KEY = "{key}";

	/** Checks the method and copies the headers (insertion order kept). */
	public SourceRequest {
		Objects.requireNonNull(method, "method");
		Objects.requireNonNull(urlTemplate, "urlTemplate");
		method = method.toUpperCase(Locale.ROOT);
		if (!method.equals("GET") && !method.equals("POST")) {
			throw new IllegalArgumentException("a source request is GET or POST, not " + method);
		}
		if (urlTemplate.isBlank()) {
			throw new IllegalArgumentException("a source request needs a URL template");
		}
		headers = (headers != null) ? java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers)) : Map.of();
	}

	/** A GET of {@code urlTemplate} with {@code headers}. */
	public static SourceRequest get(String urlTemplate, Map<String, String> headers) {
		return new SourceRequest("GET", urlTemplate, headers, null);
	}

	/** A form POST of {@code formBody} to {@code urlTemplate} with {@code headers}. */
	public static SourceRequest post(String urlTemplate, Map<String, String> headers, String formBody) {
		return new SourceRequest("POST", urlTemplate, headers, formBody);
	}

	/**
	 * This request with {@code {base}} and {@code {origin}} filled in from {@code base}.
	 * @param base an absolute http(s) URL; a trailing slash is added when missing
	 * @throws IllegalArgumentException when {@code base} is not an http(s) URL with a host
	 */
	public SourceRequest withBase(String base) {
		String slashed = base.endsWith("/") ? base : base + "/";
		String origin = origin(slashed);
		Map<String, String> filled = new LinkedHashMap<>();
		this.headers.forEach((name, value) -> filled.put(name, fill(value, slashed, origin)));
		String body = (this.formBody != null) ? fill(this.formBody, slashed, origin) : null;
		return new SourceRequest(this.method, fill(this.urlTemplate, slashed, origin), filled, body);
	}

	/** Whether the request needs an API key: its URL, a header or the body holds {@code {key}}. */
	public boolean needsKey() {
		return this.urlTemplate.contains(KEY) || this.headers.values().stream().anyMatch((v) -> v.contains(KEY))
				|| (this.formBody != null && this.formBody.contains(KEY));
	}

	/**
	 * This request with {@code {key}} filled in with {@code key}, sent as given.
	 * @throws IllegalArgumentException when the key is blank or holds white space or control characters (it would
	 * break the header it goes into)
	 */
	public SourceRequest withKey(String key) {
		if (!isValidKey(key)) {
			throw new IllegalArgumentException("an API key is one word without spaces or control characters");
		}
		Map<String, String> filled = new LinkedHashMap<>();
		this.headers.forEach((name, value) -> filled.put(name, value.replace(KEY, key)));
		String body = (this.formBody != null) ? this.formBody.replace(KEY, key) : null;
		return new SourceRequest(this.method, this.urlTemplate.replace(KEY, key), filled, body);
	}

	/** Whether {@code key} can be sent as an API key: not blank, no white space, no control characters. */
	public static boolean isValidKey(String key) {
		return !key.isBlank() && key.chars().noneMatch((c) -> Character.isWhitespace(c) || Character.isISOControl(c));
	}

	/** This request with header {@code name} set to {@code value} (an empty value: not sent). */
	public SourceRequest withHeader(String name, String value) {
		Map<String, String> more = new LinkedHashMap<>(this.headers);
		more.keySet().removeIf((existing) -> existing.equalsIgnoreCase(name));
		more.put(name, value);
		return new SourceRequest(this.method, this.urlTemplate, more, this.formBody);
	}

	private static String fill(String text, String base, String origin) {
		return text.replace("{base}", base).replace("{origin}", origin);
	}

	private static String origin(String base) {
		try {
			URI uri = new URI(base);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
				throw new IllegalArgumentException("a base URL is an http(s) URL with a host: " + base);
			}
			return scheme + "://" + uri.getRawAuthority();
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("not a base URL: " + base, ex);
		}
	}

}
