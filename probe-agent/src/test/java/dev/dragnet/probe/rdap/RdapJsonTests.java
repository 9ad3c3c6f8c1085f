package dev.dragnet.probe.rdap;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.dragnet.probe.JsonValues;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RDAP answers are read on the token stream ({@link RdapJson}); data binding's tree, which the probe used before, is
 * the reference: the same compact JSON, the same links, the same refusals.
 */
class RdapJsonTests {

	private static final JsonMapper TREE = JsonMapper.builder().build();

	private static final JsonMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private final Random random = new Random(20261203);

	@Test
	void generatedAnswersAreCopiedAndTheirLinksFoundAsTheTreeDoes() {
		for (int i = 0; i < 2000; i++) {
			ObjectNode answer = object(3);
			byte[] body = (this.random.nextBoolean() ? PRETTY : TREE).writeValueAsBytes(answer);

			RdapJson.Document document = RdapJson.read(body);

			assertThat(document).isNotNull();
			assertThat(JsonValues.write(document.object())).isEqualTo(TREE.writeValueAsString(TREE.readTree(body)));
			assertThat(document.links()).isEqualTo(treeLinks(TREE.readTree(body)));
		}
	}

	@Test
	void onlyOneJsonObjectIsAnAnswer() {
		for (String text : List.of("", " ", "[]", "\"domain\"", "42", "null", "{} {}", "{}x", "{\"a\":1",
				"{\"a\":[1,2}", "<html>busy</html>", "{\"a\":\"\\q\"}")) {
			assertThat(RdapJson.read(text.getBytes(StandardCharsets.UTF_8))).as(text).isNull();
		}
		assertThat(RdapJson.read(new byte[] { '{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}' }))
			.as("malformed UTF-8").isNull();
		RdapJson.Document spaced = RdapJson.read("  {\"a\" : [ 1 , true ] }\n".getBytes(StandardCharsets.UTF_8));
		assertThat(JsonValues.write(spaced.object())).isEqualTo("{\"a\":[1,true]}");
		assertThat(spaced.links()).isEmpty();
	}

	@Test
	void linksAreReadFromTheLastLinksMemberAndOddValuesReadAsTheTreeReadsThem() {
		String text = "{\"links\":[{\"rel\":\"self\",\"href\":\"https://a/\"}],\"x\":{\"links\":[{\"rel\":\"related\"}]},"
				+ "\"links\":[1,[2],{\"rel\":true,\"href\":7,\"type\":null,\"more\":{\"rel\":\"no\"}},"
				+ "{\"type\":[\"application/rdap+json\"],\"rel\":\"related\",\"href\":\"https://b/domain/x\"}]}";
		byte[] body = text.getBytes(StandardCharsets.UTF_8);

		assertThat(RdapJson.read(body).links()).isEqualTo(treeLinks(TREE.readTree(body)))
			.containsExactly(new RdapJson.Link("true", "7", ""), new RdapJson.Link("related", "https://b/domain/x", ""));
		assertThat(RdapJson.read("{\"links\":{\"rel\":\"related\"}}".getBytes(StandardCharsets.UTF_8)).links()).isEmpty();
	}

	@Test
	void theResultHoldsEachResponseWithItsCompactBody() {
		RdapJson.Document body = RdapJson.read("{ \"ldhName\" : \"EXAMPLE.COM\" }".getBytes(StandardCharsets.UTF_8));
		String text = RdapJson.responses(List.of(new RdapJson.Response(URI.create("https://r/domain/example.com"), 200,
				body), new RdapJson.Response(URI.create("https://a/domain/x?q=%22"), 503, null)));

		assertThat(text).isEqualTo("{\"responses\":[{\"url\":\"https://r/domain/example.com\",\"status\":200,"
				+ "\"body\":{\"ldhName\":\"EXAMPLE.COM\"}},{\"url\":\"https://a/domain/x?q=%22\",\"status\":503}]}");
		assertThat(TREE.readTree(text).path("responses").get(0).path("body").path("ldhName").asString())
			.isEqualTo("EXAMPLE.COM");
	}

	/** What the probe read with data binding's tree before: the top-level links, each field's text or "". */
	private static List<RdapJson.Link> treeLinks(JsonNode answer) {
		JsonNode links = answer.path("links");
		List<RdapJson.Link> found = new ArrayList<>();
		if (!links.isArray()) {
			return found;
		}
		for (JsonNode link : links) {
			if (link.isObject()) {
				found.add(new RdapJson.Link(text(link.path("rel")), text(link.path("href")), text(link.path("type"))));
			}
		}
		return found;
	}

	private static String text(JsonNode value) {
		return (value.isValueNode() && !value.isNull()) ? value.asString("") : "";
	}

	private ObjectNode object(int depth) {
		ObjectNode node = JsonNodeFactory.instance.objectNode();
		for (int i = this.random.nextInt(6); i > 0; i--) {
			node.set(name(), value(depth - 1));
		}
		if (this.random.nextInt(3) > 0) {
			ArrayNode links = node.putArray("links");
			for (int i = this.random.nextInt(4); i > 0; i--) {
				ObjectNode link = links.addObject();
				for (String field : List.of("value", "rel", "href", "type", "hreflang")) {
					if (this.random.nextInt(4) > 0) {
						link.set(field, (this.random.nextInt(8) > 0) ? JsonNodeFactory.instance.stringNode(text())
								: value(1));
					}
				}
			}
		}
		return node;
	}

	private JsonNode value(int depth) {
		int kind = this.random.nextInt(depth > 0 ? 7 : 5);
		return switch (kind) {
			case 0 -> JsonNodeFactory.instance.stringNode(text());
			case 1 -> JsonNodeFactory.instance.numberNode(this.random.nextLong());
			case 2 -> JsonNodeFactory.instance.booleanNode(this.random.nextBoolean());
			case 3 -> JsonNodeFactory.instance.nullNode();
			case 4 -> JsonNodeFactory.instance.numberNode(this.random.nextInt(1000));
			case 5 -> object(depth);
			default -> {
				ArrayNode array = JsonNodeFactory.instance.arrayNode();
				for (int i = this.random.nextInt(4); i > 0; i--) {
					array.add(value(depth - 1));
				}
				yield array;
			}
		};
	}

	private String name() {
		return List.of("objectClassName", "handle", "ldhName", "status", "entities", "events", "vcardArray", "port43",
				"notices", "rdapConformance", "links").get(this.random.nextInt(11)) + this.random.nextInt(3);
	}

	/** Text with what JSON must escape, non-ASCII letters and characters outside the BMP. */
	private String text() {
		String alphabet = "ab.-_0/:\"\\\n\t\u0000é€漢\u2028";
		StringBuilder out = new StringBuilder();
		for (int i = this.random.nextInt(12); i > 0; i--) {
			out.append(this.random.nextInt(12) == 0 ? "😀" : alphabet.charAt(this.random.nextInt(alphabet.length())));
		}
		return out.toString();
	}
}
