package dev.dragnet.server.whois.parse;

import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key that is already normal skips the three expressions of {@link WhoisRecord#normaliseKey}; whether it does or
 * not, the key comes out as the expressions make it.
 */
class WhoisRecordKeyTests {

	@Test
	void everyKeyOfTheRealAnswersComesOutAsTheExpressionsMakeIt() {
		int normal = 0;
		int keys = 0;
		for (WhoisFixtures.Answer answer : WhoisFixtures.all()) {
			for (String line : answer.text().split("\r?\n")) {
				int colon = line.indexOf(':');
				if (colon <= 0) {
					continue;
				}
				String key = line.substring(0, colon);
				keys++;
				normal += WhoisRecord.isNormalKey(prepared(key)) ? 1 : 0;
				assertThat(WhoisRecord.normaliseKey(key)).as(key).isEqualTo(WhoisRecord.normaliseKeyByPatterns(prepared(key)));
			}
		}
		assertThat(normal).as("keys that skipped the expressions, of %d", keys).isGreaterThan(keys / 2);
	}

	@Test
	void generatedKeysComeOutAsTheExpressionsMakeThem() {
		Random random = new Random(1203);
		String alphabet = "ab Z.:-_ \t\r\n\u000b\u0085\u2028\u2003é0";
		for (int i = 0; i < 50_000; i++) {
			StringBuilder key = new StringBuilder();
			for (int n = random.nextInt(10); n > 0; n--) {
				key.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			String k = key.toString();
			assertThat(WhoisRecord.normaliseKey(k)).as("[%s]", k).isEqualTo(WhoisRecord.normaliseKeyByPatterns(prepared(k)));
		}
	}

	private static String prepared(String key) {
		return key.strip().toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
	}
}
