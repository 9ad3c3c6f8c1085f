package dev.dragnet.server.whois;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.whois.parse.ParsedWhois;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link WhoisLookup}: parsed once, when first asked for, and written in JSON with the fields at top level. */
class WhoisLookupTests {

	private final AtomicInteger parses = new AtomicInteger();

	private WhoisLookup lookup() {
		return new WhoisLookup("example.com", "example.com", Hop.WHOIS, "whois.example:43", "example.com", "p-1", 5,
				TaskResult.Outcome.OK, "Domain Name: EXAMPLE.COM", new WhoisLookup.Parse(() -> {
					this.parses.incrementAndGet();
					return ParsedWhois.notRegistered();
				}), List.of(new Hop(Hop.WHOIS, "whois.example:43", "example.com", "p-1", TaskResult.Outcome.OK,
						"Domain Name: EXAMPLE.COM", null, 5, List.of(), null)), List.of(), false, Instant.parse("2026-12-03T09:00:00Z"), false);
	}

	@Test
	void theAnswerIsParsedOnlyWhenAskedForAndOnce() {
		WhoisLookup lookup = lookup();
		assertThat(WhoisText.render(lookup)).contains("EXAMPLE.COM");
		assertThat(lookup.withCacheSkipped().cacheUse()).isEqualTo("skipped");
		assertThat(this.parses).as("the raw text needs no parse").hasValue(0);
		assertThat(lookup.parsed().registered()).isFalse();
		assertThat(lookup.withCacheSkipped().parsed().registered()).isFalse();
		assertThat(this.parses).hasValue(1);
	}

	@Test
	void jsonHasTheParsedFieldsAtTopLevelAndNothingOfTheParseItself() {
		Map<String, Object> json = JsonMapper.builder().build()
			.readValue(JsonMapper.builder().build().writeValueAsString(lookup()), new TypeReference<>() {
			});
		assertThat(json).containsEntry("registered", false).containsEntry("domain", "example.com")
			.containsKey("nameServers").doesNotContainKeys("parse", "parsed");
	}

	@Test
	void aSmallAnswerIsParsedWhereItArrivesALargeOneOnTheParallelScheduler() {
		String caller = Thread.currentThread().getName();
		String small = "Domain Name: EXAMPLE.COM\n".repeat(WhoisService.INLINE_PARSE_CHARS / 26);
		String large = small + small;
		assertThat(parsedOn(true, small)).isEqualTo(caller);
		assertThat(parsedOn(true, large)).startsWith("parallel-");
		assertThat(parsedOn(false, large)).as("no parse asked for: nothing to move").isEqualTo(caller);
		assertThat(this.parses).as("parsed exactly when asked for").hasValue(2);
	}

	private String parsedOn(boolean parse, String text) {
		Hop hop = new Hop(Hop.WHOIS, "whois.example:43", "example.com", "p-1", TaskResult.Outcome.OK, text, null, 5,
				List.of(), null);
		String[] thread = new String[1];
		WhoisService.assembled(parse, List.of(hop), () -> {
			thread[0] = Thread.currentThread().getName();
			return lookup();
		}).block(java.time.Duration.ofSeconds(5));
		return thread[0];
	}
}
