package dev.dragnet.probe;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.io.SegmentedStringWriter;
import tools.jackson.core.json.JsonFactory;

/**
 * JSON from the outside world (a reverse-IP site's page, the server's answer to an enrollment) as plain values, read
 * on Jackson's token stream, and RFC 6901 JSON pointers into them: an object is a {@code Map} (members in order, a repeated name keeping its last value), an array a
 * {@code List}, then {@code String}, {@code Long} or {@code BigInteger}, {@code Double}, {@code Boolean}, and
 * {@link #NULL}. What the probe needed of data binding's tree, without data binding, which a probe would otherwise
 * load for the first such document it reads (issue 12: a probe's memory on a PC it shares).
 */
public final class JsonValues {

	/** JSON's {@code null}. */
	public static final Object NULL = new Object() {
		@Override
		public String toString() {
			return "null";
		}
	};

	/** What a pointer finds where there is nothing, and what an empty text reads as. */
	public static final Object MISSING = new Object() {
		@Override
		public String toString() {
			return "missing";
		}
	};

	private static final JsonFactory JSON = new JsonFactory();

	private JsonValues() {
	}

	/**
	 * The first JSON value of {@code text}, or {@link #MISSING} when there is none (an empty or blank text).
	 *
	 * @throws JacksonException when the text is not JSON, or has more than one value
	 */
	public static Object read(String text) {
		try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), text)) {
			return whole(p);
		}
	}

	/**
	 * The first JSON value of {@code bytes} (UTF-8, or UTF-16 or -32 as JSON allows), or {@link #MISSING} when there is
	 * none.
	 *
	 * @throws JacksonException when the bytes are not JSON (malformed UTF-8 included), or have more than one value
	 */
	public static Object read(byte[] bytes) {
		try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), bytes)) {
			return whole(p);
		}
	}

	/**
	 * {@code value} (one that {@link #read} gives, or a {@code Map} of {@code String} names, a {@code List}, a
	 * {@code String}, a whole {@code Number}, a {@code Double} or a {@code Boolean}) as compact JSON, members in order.
	 */
	public static String write(Object value) {
		try (SegmentedStringWriter out = new SegmentedStringWriter(JSON._getBufferRecycler())) {
			try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
				write(g, value);
			}
			return out.getAndClear();
		}
	}

	/** The value {@code pointer} ({@code ""} the whole, {@code "/a/0"} a member's first element) points at. */
	public static Object at(Object root, String pointer) {
		if (pointer.isEmpty()) {
			return root;
		}
		if (pointer.charAt(0) != '/') {
			return MISSING;
		}
		Object node = root;
		int start = 1;
		while (true) {
			int slash = pointer.indexOf('/', start);
			String token = unescape(pointer.substring(start, (slash < 0) ? pointer.length() : slash));
			node = child(node, token);
			if (node == MISSING || slash < 0) {
				return node;
			}
			start = slash + 1;
		}
	}

	/** {@code value} as text when it is a string, number or boolean; {@code fallback} otherwise. */
	public static String text(Object value, String fallback) {
		return (value instanceof String || value instanceof Number || value instanceof Boolean) ? value.toString()
				: fallback;
	}

	private static Object child(Object node, String token) {
		if (node instanceof Map<?, ?> members) {
			Object value = members.get(token);
			return (value != null) ? value : MISSING;
		}
		if (node instanceof List<?> items) {
			int index = index(token);
			return (index >= 0 && index < items.size()) ? items.get(index) : MISSING;
		}
		return MISSING;
	}

	/** An array index: digits without a leading zero (but {@code 0}), within an {@code int}; -1 otherwise. */
	private static int index(String token) {
		if (token.isEmpty() || token.length() > 10 || (token.length() > 1 && token.charAt(0) == '0')) {
			return -1;
		}
		long value = 0;
		for (int i = 0; i < token.length(); i++) {
			char c = token.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return (value <= Integer.MAX_VALUE) ? (int) value : -1;
	}

	private static String unescape(String token) {
		return (token.indexOf('~') < 0) ? token : token.replace("~1", "/").replace("~0", "~");
	}

	private static Object whole(JsonParser p) {
		JsonToken token = p.nextToken();
		if (token == null) {
			return MISSING;
		}
		Object value = value(p, token);
		JsonToken after = p.nextToken();
		if (after != null) {
			throw new StreamReadException(p, "Trailing token (of type " + after + ") found after value");
		}
		return value;
	}

	private static void write(JsonGenerator g, Object value) {
		if (value instanceof Map<?, ?> members) {
			g.writeStartObject();
			for (Map.Entry<?, ?> member : members.entrySet()) {
				g.writeName((String) member.getKey());
				write(g, member.getValue());
			}
			g.writeEndObject();
		}
		else if (value instanceof List<?> items) {
			g.writeStartArray();
			for (Object item : items) {
				write(g, item);
			}
			g.writeEndArray();
		}
		else if (value instanceof String text) {
			g.writeString(text);
		}
		else if (value instanceof Long || value instanceof Integer) {
			g.writeNumber(((Number) value).longValue());
		}
		else if (value instanceof BigInteger big) {
			g.writeNumber(big);
		}
		else if (value instanceof Double d) {
			g.writeNumber(d);
		}
		else if (value instanceof Boolean b) {
			g.writeBoolean(b);
		}
		else if (value == NULL) {
			g.writeNull();
		}
		else {
			throw new IllegalArgumentException("not a JSON value: " + value);
		}
	}

	private static Object value(JsonParser p, JsonToken token) {
		return switch (token) {
			case START_OBJECT -> {
				Map<String, Object> members = new LinkedHashMap<>();
				for (String name = p.nextName(); name != null; name = p.nextName()) {
					members.put(name, value(p, p.nextToken()));
				}
				yield members;
			}
			case START_ARRAY -> {
				List<Object> items = new ArrayList<>();
				for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
					items.add(value(p, item));
				}
				yield items;
			}
			case VALUE_STRING -> p.getString();
			case VALUE_NUMBER_INT -> integer(p);
			case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
			case VALUE_TRUE -> Boolean.TRUE;
			case VALUE_FALSE -> Boolean.FALSE;
			case VALUE_NULL -> NULL;
			default -> throw new StreamReadException(p, "Unexpected token " + token);
		};
	}

	private static Object integer(JsonParser p) {
		return switch (p.getNumberType()) {
			case INT, LONG -> p.getLongValue();
			default -> p.getBigIntegerValue();
		};
	}

	/**
	 * {@code value} as a whole number when it is one within a {@code long}; {@code null} otherwise: not a number, a
	 * fraction, or out of range (for those data binding's tree threw, failing the page).
	 */
	public static @Nullable Long number(Object value) {
		if (value instanceof BigInteger big) {
			return (big.bitLength() <= 63) ? Long.valueOf(big.longValue()) : null;
		}
		if (value instanceof Double d) {
			return (d == Math.rint(d) && d >= Long.MIN_VALUE && d <= Long.MAX_VALUE) ? Long.valueOf(d.longValue()) : null;
		}
		return (value instanceof Long n) ? n : null;
	}
}
