package dev.dragnet.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside JSON is read on the token stream ({@link JsonValues}); data binding's tree, which the probe used before,
 * is the reference: the same values at the same pointers, the same texts refused.
 */
class JsonValuesTests {

	private static final JsonMapper TREE = JsonMapper.builder().build();

	private final Random random = new Random(20261203);

	@Test
	void pointersFindWhatTheTreeFinds() {
		for (int i = 0; i < 1000; i++) {
			String text = TREE.writeValueAsString(value(4));
			Object root = JsonValues.read(text);
			JsonNode tree = TREE.readTree(text);
			for (String pointer : pointers(tree)) {
				assertSame(JsonValues.at(root, pointer), tree.at(pointer), text + " at " + pointer);
			}
		}
	}

	@Test
	void oddPointersAndValues() {
		String text = "{\"a/b\":{\"~x\":[10,{\"0\":\"zero\"}]},\"01\":1,\"n\":null,\"big\":123456789012345678901234,"
				+ "\"f\":2.75,\"t\":true,\"s\":\"7 of 12\",\"dup\":1,\"dup\":\"last\"}";
		Object root = JsonValues.read(text);
		JsonNode tree = TREE.readTree(text);
		for (String pointer : List.of("", "/", "/a~1b", "/a~1b/~0x", "/a~1b/~0x/0", "/a~1b/~0x/1/0", "/a~1b/~0x/01",
				"/a~1b/~0x/-", "/a~1b/~0x/2", "/a~1b/~0x/99999999999", "/01", "/n", "/n/x", "/big", "/f", "/t", "/s",
				"/s/0", "/dup", "/missing/deeper")) {
			assertSame(JsonValues.at(root, pointer), tree.at(pointer), pointer);
		}
		assertThat(JsonValues.text(JsonValues.at(root, "/s"), "none")).isEqualTo("7 of 12");
		assertThat(JsonValues.text(JsonValues.at(root, "/n"), "none")).isEqualTo(tree.path("n").asString("none"));
		assertThat(JsonValues.text(JsonValues.at(root, "/nope"), "none")).isEqualTo("none");
		assertThat(JsonValues.text(JsonValues.at(root, "/01"), "none")).isEqualTo(tree.path("01").asString("none"));
		assertThat(JsonValues.number(JsonValues.at(root, "/f"))).as("a fraction: no total").isNull();
		assertThat(JsonValues.number(JsonValues.at(root, "/big"))).as("beyond a long: no total").isNull();
	}

	@Test
	void whatTheTreeRefusesIsRefused() {
		for (String text : List.of("", "  ", "{", "{\"a\":}", "[1,2", "{} {}", "[] x", "nul", "\"open", "{'a':1}",
				"<html>rate limited</html>", "42", "\"text\"", "null", "[1,[2,[3]]]", "{\"a\":1}\n")) {
			String tree = outcome(() -> TREE.readTree(text));
			String values = outcome(() -> JsonValues.read(text));
			assertThat(values).as(text).isEqualTo(tree);
		}
	}

	/** "refused" or "read", and for a read whether there was a value: the tree's empty text is a missing node. */
	private static String outcome(ReadAction action) {
		try {
			Object value = action.read();
			return (value == null || value == JsonValues.MISSING
					|| (value instanceof JsonNode node && node.isMissingNode())) ? "nothing" : "read";
		}
		catch (JacksonException ex) {
			return "refused";
		}
	}

	@FunctionalInterface
	private interface ReadAction {

		Object read();
	}

	private static void assertSame(Object value, JsonNode node, String where) {
		if (node.isMissingNode()) {
			assertThat(value).as(where).isSameAs(JsonValues.MISSING);
		}
		else if (node.isNull()) {
			assertThat(value).as(where).isSameAs(JsonValues.NULL);
		}
		else if (node.isString()) {
			assertThat(value).as(where).isEqualTo(node.asString());
		}
		else if (node.isBoolean()) {
			assertThat(value).as(where).isEqualTo(node.asBoolean());
		}
		else if (node.isNumber()) {
			assertThat(JsonValues.number(value)).as(where).isEqualTo(node.canConvertToLong() ? node.asLong() : null);
		}
		else if (node.isArray()) {
			assertThat(value).as(where).isInstanceOf(List.class);
			assertThat((List<?>) value).as(where).hasSize(node.size());
		}
		else {
			assertThat(value).as(where).isInstanceOf(Map.class);
			assertThat((Map<?, ?>) value).as(where).hasSize(node.size());
		}
	}

	/** Every path in the tree, a few beyond it, and some that are not paths. */
	private List<String> pointers(JsonNode tree) {
		List<String> found = new ArrayList<>(List.of("", "/", "/x", "/0", "/-"));
		collect(tree, "", found);
		found.add(found.get(this.random.nextInt(found.size())) + "/0");
		found.add(found.get(this.random.nextInt(found.size())) + "/name");
		return found;
	}

	private static void collect(JsonNode node, String at, List<String> found) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> member : node.properties()) {
				String pointer = at + "/" + member.getKey().replace("~", "~0").replace("/", "~1");
				found.add(pointer);
				collect(member.getValue(), pointer, found);
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				found.add(at + "/" + i);
				collect(node.get(i), at + "/" + i, found);
			}
		}
	}

	private JsonNode value(int depth) {
		int kind = this.random.nextInt(depth > 0 ? 9 : 6);
		return switch (kind) {
			case 0 -> JsonNodeFactory.instance.stringNode(text());
			case 1 -> JsonNodeFactory.instance.numberNode(this.random.nextLong());
			case 2 -> JsonNodeFactory.instance.booleanNode(this.random.nextBoolean());
			case 3 -> JsonNodeFactory.instance.nullNode();
			case 4 -> JsonNodeFactory.instance.numberNode(this.random.nextInt(2000) / 8.0);
			case 5 -> JsonNodeFactory.instance.stringNode(this.random.nextInt(100) + " of " + this.random.nextInt(1000));
			case 6, 7 -> {
				ObjectNode object = JsonNodeFactory.instance.objectNode();
				for (int i = this.random.nextInt(5); i > 0; i--) {
					object.set(text(), value(depth - 1));
				}
				yield object;
			}
			default -> {
				ArrayNode array = JsonNodeFactory.instance.arrayNode();
				for (int i = this.random.nextInt(5); i > 0; i--) {
					array.add(value(depth - 1));
				}
				yield array;
			}
		};
	}

	/** Names and text with what a pointer must escape, digits, and what JSON must escape. */
	private String text() {
		String alphabet = "ab0~/1.\"\\é漢 ";
		StringBuilder out = new StringBuilder();
		for (int i = this.random.nextInt(6); i > 0; i--) {
			out.append(alphabet.charAt(this.random.nextInt(alphabet.length())));
		}
		return out.toString();
	}

	@Test
	void valuesAreWrittenAsDataBindingWritesThem() {
		Map<String, String> members = new java.util.LinkedHashMap<>();
		members.put("code", "AB-12 \"x\"\n");
		members.put("name", "café-😀");
		members.put("requestId", "00ff");
		ObjectNode expected = JsonNodeFactory.instance.objectNode();
		members.forEach(expected::put);
		assertThat(JsonValues.write(members)).isEqualTo(TREE.writeValueAsString(expected));
		for (int i = 0; i < 500; i++) {
			String text = TREE.writeValueAsString(value(4));
			assertThat(JsonValues.write(JsonValues.read(text))).isEqualTo(text);
		}
	}
}
