package dev.dragnet.server.whois.parse;

import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WhoisDates} reads ICANN's date form by hand before its expressions: whatever the hand-written reading
 * takes, it must read as the expressions do, and what it leaves must still be read by them.
 */
class WhoisDatesTests {

	@Test
	void theIcannFormReadsAsTheExpressionsReadIt() {
		assertThat(WhoisDates.icann("2030-01-01T00:00:00Z")).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
		assertThat(WhoisDates.icann("1997-09-15T04:00:00.5Z")).isEqualTo(Instant.parse("1997-09-15T04:00:00.500Z"));
		assertThat(WhoisDates.icann("2024-02-29T23:59:59+05:30")).isEqualTo(Instant.parse("2024-02-29T18:29:59Z"));
		assertThat(WhoisDates.icann("2024-02-29T23:59:60Z")).as("a leap second, as the expressions read it")
			.isEqualTo(Instant.parse("2024-02-29T23:59:59Z"));
		assertThat(WhoisDates.icann("2023-02-29T00:00:00Z")).as("no such day").isNull();
		assertThat(WhoisDates.icann("2023-01-01 00:00:00")).as("not the form: the long way").isNull();
		assertThat(WhoisDates.parse("2023-01-01 00:00:00")).isEqualTo(Instant.parse("2023-01-01T00:00:00Z"));
		assertThat(WhoisDates.parse("2030-01-01T00:00:00Z")).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
	}

	@Test
	void generatedDatesOfTheFormAndNearItReadAsTheExpressionsReadThem() {
		Random random = new Random(2030);
		String[] zones = { "", "Z", "z", "+00:00", "-00:00", "+05:30", "-08:00", "+18:00", "+19:00", "+05:60", "+0530",
				"+05", " UTC", "Z ", "ZZ", "+05:30x", "(JST)", "-" };
		int read = 0;
		for (int i = 0; i < 200_000; i++) {
			StringBuilder date = new StringBuilder();
			date.append(pad(1900 + random.nextInt(200), 4)).append(pick(random, "-", "-", "-", "/", "."))
				.append(pad(random.nextInt(14), 2)).append('-').append(pad(random.nextInt(33), 2))
				.append(pick(random, "T", "T", "T", " ", "t")).append(pad(random.nextInt(26), 2)).append(':')
				.append(pad(random.nextInt(62), 2)).append(':').append(pad(random.nextInt(62), 2));
			if (random.nextInt(3) == 0) {
				date.append('.').append("1234567890".substring(0, random.nextInt(11)));
			}
			date.append(zones[random.nextInt(zones.length)]);
			String text = date.toString();
			Instant byHand = WhoisDates.icann(text);
			if (byHand != null) {
				read++;
				assertThat(byHand).as(text).isEqualTo(WhoisDates.parseByExpressions(text));
			}
			assertThat(WhoisDates.parse(text)).as(text).isEqualTo(WhoisDates.parseByExpressions(text));
		}
		assertThat(read).as("dates read by hand").isGreaterThan(10_000);
	}

	private static String pad(int number, int width) {
		String text = Integer.toString(number);
		return "0".repeat(Math.max(0, width - text.length())) + text;
	}

	private static String pick(Random random, String... choices) {
		return choices[random.nextInt(choices.length)];
	}
}
