package dev.dragnet.probe.rdap;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.dragnet.probe.JsonValues;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

/**
 * The JSON of RDAP answers as {@link JsonValues}: an answer is read as one JSON object, its links are picked out, and
 * the result's {@code {"responses":[...]}} is written around the answers. No data binding, so a probe that runs RDAP
 * lookups does not load it (issue 12: a probe's memory on a PC it shares).
 */
final class RdapJson {

	private RdapJson() {
	}

	/**
	 * One RDAP answer that is a JSON object.
	 *
	 * @param object its members, in order (a repeated name keeping its last value)
	 */
	record Document(Map<?, ?> object) {

		/** Its top-level {@code links} that are objects, in order. */
		List<Link> links() {
			List<Link> links = new ArrayList<>();
			if (JsonValues.at(this.object, "/links") instanceof List<?> items) {
				for (Object item : items) {
					if (item instanceof Map<?, ?>) {
						links.add(new Link(text(item, "/rel"), text(item, "/href"), text(item, "/type")));
					}
				}
			}
			return links;
		}

		private static String text(Object link, String pointer) {
			return JsonValues.text(JsonValues.at(link, pointer), "");
		}
	}

	/**
	 * One member of {@code links}, each field the text of its value ({@code ""} when missing or not a string, number
	 * or boolean).
	 */
	record Link(String rel, String href, String type) {
	}

	/** One hop of a result: where it was asked, what it answered, and its JSON when it was an object. */
	record Response(URI url, int status, @Nullable Document body) {
	}

	/** The answer as a document, or {@code null} when it is not one JSON object (cut short, trailing text, ...). */
	static @Nullable Document read(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			return (JsonValues.read(body) instanceof Map<?, ?> object) ? new Document(object) : null;
		}
		catch (JacksonException ex) {
			return null; // not JSON
		}
	}

	/** {@code {"responses":[{"url":...,"status":...,"body":{...}},...]}}, a body left out when it was not JSON. */
	static String responses(List<Response> responses) {
		List<Map<String, Object>> entries = new ArrayList<>();
		for (Response response : responses) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("url", response.url().toString());
			entry.put("status", (long) response.status());
			if (response.body() != null) {
				entry.put("body", response.body().object());
			}
			entries.add(entry);
		}
		return JsonValues.write(Map.of("responses", entries));
	}
}
