package dev.dragnet.server.whois.bulk;

import dev.dragnet.server.whois.LookupPolicy;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class BulkLineParserTests {

	private final BulkLineParser parser = new BulkLineParser(JsonMapper.builder().build(), 1024);

	@Test
	void textLinesNameADomainAndOptionallyAServer() {
		assertThat(this.parser.parse(new RawLine(3, "  example.com:whois.example.net:4343  # note", false), BulkFormat.TEXT))
			.get()
			.extracting(ParsedLine::query)
			.isEqualTo(new BulkQuery("example.com", "whois.example.net:4343", null, false));
	}

	@Test
	void blankAndCommentTextLinesAskNothing() {
		assertThat(this.parser.parse(new RawLine(1, "   ", false), BulkFormat.TEXT)).isEmpty();
		assertThat(this.parser.parse(new RawLine(2, "# all of .test", false), BulkFormat.TEXT)).isEmpty();
		assertThat(this.parser.parse(new RawLine(3, "", false), BulkFormat.NDJSON)).isEmpty();
	}

	@Test
	void jsonLinesCarryServerPolicyAndFresh() {
		ParsedLine line = this.parser
			.parse(new RawLine(5, "{\"domain\":\"a.test\",\"server\":\"h:43\",\"policy\":\"WHOIS\",\"fresh\":true}", false),
					BulkFormat.NDJSON)
			.orElseThrow();
		assertThat(line.number()).isEqualTo(5);
		assertThat(line.query()).isEqualTo(new BulkQuery("a.test", "h:43", LookupPolicy.WHOIS, true));
	}

	@Test
	void badJsonLinesAreBadRequests() {
		for (String bad : new String[] { "a.test", "{\"server\":\"h\"}", "[1,2]", "{\"domain\":" }) {
			ParsedLine line = this.parser.parse(new RawLine(1, bad, false), BulkFormat.NDJSON).orElseThrow();
			assertThat(line.error()).as(bad).isNotNull();
			assertThat(line.error().type()).hasToString("/problems/bad-request");
		}
	}

	@Test
	void anUnknownPolicyIsTheSingleLookupsProblem() {
		ParsedLine line = this.parser.parse(new RawLine(4, "{\"domain\":\"a.test\",\"policy\":\"x\"}", false),
				BulkFormat.NDJSON).orElseThrow();
		assertThat(line.domain()).isEqualTo("a.test");
		assertThat(line.error().type()).hasToString("/problems/invalid-policy");
	}

	@Test
	void anOverlongLineIsALineTooLongError() {
		ParsedLine line = this.parser.parse(new RawLine(9, "aaaa", true), BulkFormat.TEXT).orElseThrow();
		assertThat(line.domain()).isEqualTo("aaaa...");
		assertThat(line.error().type()).hasToString("/problems/line-too-long");
		assertThat(line.error().getMessage()).contains("1024 bytes");
	}
}
