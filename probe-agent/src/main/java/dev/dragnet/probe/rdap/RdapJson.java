package dev.dragnet.probe.rdap;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.io.SegmentedStringWriter;
import tools.jackson.core.json.JsonFactory;

/**
 * The JSON of RDAP answers, on Jackson's token stream: an answer is checked and copied compactly as it is read, its
 * links are picked out, and the result's {@code {"responses":[...]}} is written around the copies. No data binding, so
 * a probe that runs RDAP lookups does not load it (issue 12: a probe's memory on a PC it shares).
 */
final class RdapJson {

	private static final JsonFactory JSON = new JsonFactory();

	private RdapJson() {
	}

	/**
	 * One RDAP answer that is a JSON object.
	 *
	 * @param compact the object as compact JSON: the same members in the same order, without the answer's whitespace
	 * @param links its top-level {@code links}, in order (the last {@code links} member when there are several)
	 */
	record Document(String compact, List<Link> links) {
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
			String compact = copy(body);
			return (compact == null) ? null : new Document(compact, links(compact));
		}
		catch (RuntimeException ex) {
			return null; // not JSON
		}
	}

	/** {@code {"responses":[{"url":...,"status":...,"body":{...}},...]}}, a body left out when it was not JSON. */
	static String responses(List<Response> responses) {
		try (SegmentedStringWriter out = new SegmentedStringWriter(JSON._getBufferRecycler())) {
			try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
				g.writeStartObject();
				g.writeName("responses");
				g.writeStartArray();
				for (Response response : responses) {
					g.writeStartObject();
					g.writeStringProperty("url", response.url().toString());
					g.writeNumberProperty("status", response.status());
					if (response.body() != null) {
						g.writeName("body");
						g.writeRawValue(response.body().compact());
					}
					g.writeEndObject();
				}
				g.writeEndArray();
				g.writeEndObject();
			}
			return out.getAndClear();
		}
	}

	/** The body's one JSON object, copied compactly; {@code null} when the body is another value or has more. */
	private static @Nullable String copy(byte[] body) {
		try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body);
				SegmentedStringWriter out = new SegmentedStringWriter(JSON._getBufferRecycler())) {
			if (p.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
				g.copyCurrentStructure(p);
			}
			return (p.nextToken() == null) ? out.getAndClear() : null;
		}
	}

	private static List<Link> links(String compact) {
		List<Link> links = List.of();
		try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), compact)) {
			p.nextToken(); // the object's start
			for (String name = p.nextName(); name != null; name = p.nextName()) {
				JsonToken token = p.nextToken();
				if ("links".equals(name) && token == JsonToken.START_ARRAY) {
					links = linkArray(p);
				}
				else {
					if ("links".equals(name)) {
						links = List.of();
					}
					p.skipChildren(); // nothing for a scalar
				}
			}
		}
		return links;
	}

	/** The links of an array whose start was just read; the parser is left on its end. */
	private static List<Link> linkArray(JsonParser p) {
		List<Link> links = new ArrayList<>();
		for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
			if (item != JsonToken.START_OBJECT) {
				p.skipChildren(); // nothing for a scalar
				continue;
			}
			String rel = "";
			String href = "";
			String type = "";
			for (String name = p.nextName(); name != null; name = p.nextName()) {
				JsonToken value = p.nextToken();
				String text = (value.isScalarValue() && value != JsonToken.VALUE_NULL) ? p.getString() : "";
				p.skipChildren(); // nothing for a scalar
				switch (name) {
					case "rel" -> rel = text;
					case "href" -> href = text;
					case "type" -> type = text;
					default -> {
					}
				}
			}
			links.add(new Link(rel, href, type));
		}
		return links;
	}
}
