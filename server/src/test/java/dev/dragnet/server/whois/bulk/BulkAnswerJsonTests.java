package dev.dragnet.server.whois.bulk;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class BulkAnswerJsonTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void anErrorLineIsLineDomainAndAProblemWithItsExtraMembers() {
		BulkError error = new BulkError("/problems/lookup-failed", 504, "Lookup failed", "1 attempt(s) failed",
				Map.of("attempts", List.of("x")));
		String line = this.json.writeValueAsString(new BulkAnswer(7, "a.test", null, error));
		assertThat(line).isEqualTo("{\"line\":7,\"domain\":\"a.test\",\"error\":{\"type\":\"/problems/lookup-failed\","
				+ "\"status\":504,\"title\":\"Lookup failed\",\"detail\":\"1 attempt(s) failed\",\"attempts\":[\"x\"]}}");
	}

	@Test
	void aLineWithoutDomainLeavesItOut() {
		String line = this.json.writeValueAsString(
				new BulkAnswer(2, null, null, BulkError.of(new BulkProblems.BadLine("no domain"))));
		assertThat(line).isEqualTo("{\"line\":2,\"error\":{\"type\":\"/problems/bad-request\",\"status\":400,"
				+ "\"title\":\"Bad request\",\"detail\":\"no domain\"}}");
	}
}
