package dev.dragnet.server.whois;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.testsupport.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WHOIS cache's group commit against the real database: many reads and writes at once go as few statements,
 * and each caller still gets exactly its own answer.
 */
class WhoisCacheIntegrationTests {

	private static RunningServer server;

	private static WhoisCache cache;

	@BeforeAll
	static void start() {
		server = RunningServer.start("--dragnet.whois.cache-ttl=1h");
		cache = server.context().getBean(WhoisCache.class);
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	private static WhoisCache.Cached answer(String text, Instant at) {
		Hop hop = new Hop(Hop.WHOIS, "whois.example:43", "q", "p-1", TaskResult.Outcome.OK, text, null, 3, List.of(),
				null);
		return new WhoisCache.Cached(Hop.WHOIS, List.of(hop), at);
	}

	private static WhoisCache.Key key(int i) {
		return new WhoisCache.Key("d" + i + ".batch.test", (i % 3 == 0) ? "whois.example:43" : "",
				(i % 2 == 0) ? LookupPolicy.AUTO : LookupPolicy.WHOIS);
	}

	@Test
	void manyWritesAndReadsAtOnceEachGetTheirOwnAnswer() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		int n = 600;
		Flux.range(0, n)
			.flatMap((i) -> cache.store(key(i), answer("record " + i, now.minusSeconds(i))), n)
			.then()
			.block(Duration.ofSeconds(30));

		// Every key read at once, plus keys never stored, each one twice.
		Map<WhoisCache.Key, String> read = Flux.range(0, n + 50)
			.concatWith(Flux.range(0, n + 50))
			.flatMap((i) -> cache.find(key(i)).map((hit) -> Map.entry(key(i), hit)), 2 * n + 100)
			.collectList()
			.map((hits) -> {
				assertThat(hits).as("one hit per stored key and read").hasSize(2 * n);
				hits.forEach((hit) -> assertThat(hit.getValue().hops().get(0).text())
					.isEqualTo("record " + hit.getKey().domain().replaceAll("\\D", "")));
				return hits.stream().collect(Collectors.toMap(Map.Entry::getKey,
						(hit) -> hit.getValue().hops().get(0).text(), (a, b) -> a));
			})
			.block(Duration.ofSeconds(30));
		assertThat(read).hasSize(n);
		Map<WhoisCache.Key, String> expected = IntStream.range(0, n).boxed()
			.collect(Collectors.toMap(WhoisCacheIntegrationTests::key, (i) -> "record " + i));
		assertThat(read).isEqualTo(expected);
		assertThat(cache.find(key(7)).block(Duration.ofSeconds(5)).fetchedAt()).isEqualTo(now.minusSeconds(7));
	}

	@Test
	void aKeyWrittenTwiceAtOnceKeepsItsLatestAnswer() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		WhoisCache.Key key = new WhoisCache.Key("twice.batch.test", "", LookupPolicy.AUTO);
		// The first two writes run at once, each alone; the others wait and go as one batch holding the key twice.
		// Whatever order the statements end in, the newest answer stays.
		Flux.just(answer("first", now.minusSeconds(30)), answer("newest", now), answer("older", now.minusSeconds(20)),
				answer("oldest", now.minusSeconds(40)))
			.flatMap((answer) -> cache.store(key, answer), 4)
			.then()
			.block(Duration.ofSeconds(10));
		WhoisCache.Cached stored = cache.find(key).block(Duration.ofSeconds(5));
		assertThat(stored).isNotNull();
		assertThat(stored.hops().get(0).text()).isEqualTo("newest");
		assertThat(stored.fetchedAt()).isEqualTo(now);
	}

	@Test
	void answersWithAnyTextComeBackAsStored() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		// what registries send: quotes, backslashes, braces, tabs, CR LF, control characters, any script
		List<String> texts = List.of("Domain Name: \"QUOTED\\BACKSLASH\"\r\n\tindented {brace} [x]",
				"\u0001\u001f\u007f control", "域名: 例子.中国 ✓ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "", "x".repeat(100_000));
		Flux.range(0, texts.size())
			.flatMap((i) -> cache.store(new WhoisCache.Key("text" + i + ".batch.test", "", LookupPolicy.AUTO),
					answer(texts.get(i), now)), texts.size())
			.then()
			.block(Duration.ofSeconds(10));
		for (int i = 0; i < texts.size(); i++) {
			WhoisCache.Cached stored = cache.find(new WhoisCache.Key("text" + i + ".batch.test", "", LookupPolicy.AUTO))
				.block(Duration.ofSeconds(5));
			assertThat(stored).as("text %d", i).isNotNull();
			assertThat(stored.hops().get(0).text()).isEqualTo(texts.get(i));
			assertThat(stored.fetchedAt()).isEqualTo(now);
		}
	}

	@Test
	void anAnswerWithANulCharacterIsStoredWithoutItAndDoesNotCostItsBatch() {
		// PostgreSQL's text and jsonb hold no U+0000; a registry (or a probe) that sends one must not keep the
		// other answers written in the same statement out of the cache
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		int n = 40;
		Flux.range(0, n)
			.flatMap((i) -> cache.store(new WhoisCache.Key("nul" + i + ".batch.test", "", LookupPolicy.AUTO),
					answer((i == 7) ? "Domain Name: A\u0000B" : "record " + i, now)), n)
			.then()
			.block(Duration.ofSeconds(10));
		for (int i = 0; i < n; i++) {
			WhoisCache.Cached stored = cache.find(new WhoisCache.Key("nul" + i + ".batch.test", "", LookupPolicy.AUTO))
				.block(Duration.ofSeconds(5));
			assertThat(stored).as("answer %d", i).isNotNull();
			assertThat(stored.hops().get(0).text()).isEqualTo((i == 7) ? "Domain Name: A\uFFFDB" : "record " + i);
		}
	}
}
