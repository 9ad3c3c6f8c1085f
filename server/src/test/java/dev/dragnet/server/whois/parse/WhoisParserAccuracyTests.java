package dev.dragnet.server.whois.parse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parser's accuracy on the real answers in {@code whois-dev/domains}: every {@code <name>.txt} with a
 * hand-checked {@code <name>.json} beside it, field by field, and every {@code free.txt} that really is a "not
 * registered" answer. Prints the table that docs/PARSING.md shows; each field must stay at or above the floor
 * measured when the table was written, so a regression fails here. Run with
 * {@code -Dwhois.accuracy.verbose=true} to print every miss.
 *
 * <p>Rules: an empty (or null) hand-checked value means "not published" and is counted, correct when the parser
 * also gives nothing; a missing key (only {@code dnssec} is missing in some) is not counted; dates with a zone
 * are compared as instants, dates without one as calendar dates (UTC); name servers and states as sets
 * (states with case, spaces and punctuation ignored); owner and registrar case-insensitively with runs of
 * spaces collapsed. A hand-checked date that is not a date ({@code %Y-08-02T00:00}) is not counted.
 */
class WhoisParserAccuracyTests {

	/** Measured accuracy, rounded down to a whole percent: the floor no change may go below. */
	private static final Map<String, Integer> FLOORS = floors();

	/**
	 * The {@code free.txt} answers that are not "not registered" answers, with what they are instead. Each must
	 * not be read as registered either.
	 */
	private static final Map<String, String> NOT_A_NOT_FOUND_ANSWER = Map.ofEntries(
			Map.entry("ga", "temporary error: 'can temporarily not be answered'"),
			Map.entry("ml", "temporary error: 'can temporarily not be answered'"),
			Map.entry("hk", "throttled: 'Please maintain at least 10-second time'"),
			Map.entry("nz", "throttled: 'query_status: 440 Request Denied'"),
			Map.entry("lu", "throttled: '%% Maximum query rate reached'"),
			Map.entry("qa", "reserved: 'Reserved by QDR'"), Map.entry("tr", "refused: 'Invalid input'"),
			Map.entry("vu", "refused: 'The domain ... is not valid!'"),
			Map.entry("bo", "refused: the server answers only .bo queries"));

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final WhoisParser parser = new WhoisParser();

	private static Path domains;

	@BeforeAll
	static void locateFixtures() throws URISyntaxException {
		URL url = WhoisParserAccuracyTests.class.getClassLoader().getResource("whois-dev/domains");
		assertThat(url).as("whois-dev fixtures on the test class path").isNotNull();
		domains = Path.of(url.toURI());
	}

	@Test
	void registeredAnswersMatchTheHandCheckedFields() {
		Tally tally = new Tally();
		List<Path> fixtures = fixtures(path -> path.toString().endsWith(".json"));
		assertThat(fixtures).hasSizeGreaterThan(180);
		for (Path expectedFile : fixtures) {
			String name = domains.relativize(expectedFile).toString().replaceFirst("\\.json$", "");
			Path textFile = expectedFile.resolveSibling(expectedFile.getFileName().toString().replaceFirst("\\.json$", ".txt"));
			if (!Files.exists(textFile)) {
				continue;
			}
			JsonNode expected = json.readTree(read(expectedFile));
			String text = read(textFile);
			String domain = expected.path("domainName").asString("").toLowerCase(Locale.ROOT);
			ParsedWhois parsed = parser.parse(domain, null, text);
			compare(tally, name, expected, text, parsed);
		}
		System.out.println(tally.table());
		if (Boolean.getBoolean("whois.accuracy.verbose")) {
			tally.misses.forEach(System.out::println);
		}
		tally.totals.forEach((field, total) -> {
			int percent = (int) Math.floor(100.0 * tally.correct.getOrDefault(field, 0) / total);
			assertThat(percent).as("accuracy of %s (%s/%s)", field, tally.correct.getOrDefault(field, 0), total)
				.isGreaterThanOrEqualTo(FLOORS.getOrDefault(field, 100));
		});
	}

	@Test
	void everyNotFoundAnswerIsNotRegistered() {
		List<Path> frees = fixtures(path -> path.getFileName().toString().equals("free.txt"));
		List<String> wrong = new ArrayList<>();
		int counted = 0;
		for (Path free : frees) {
			String zone = free.getParent().getFileName().toString();
			String text = read(free);
			ParsedWhois parsed = parser.parse("free." + zone, null, text);
			if (text.isBlank()) {
				assertThat(parsed.registered()).as(zone + ": an empty answer says nothing").isNull();
				continue;
			}
			if (NOT_A_NOT_FOUND_ANSWER.containsKey(zone)) {
				assertThat(parsed.registered()).as(zone + ": " + NOT_A_NOT_FOUND_ANSWER.get(zone)).isNotEqualTo(true);
				continue;
			}
			counted++;
			if (!Boolean.FALSE.equals(parsed.registered())) {
				wrong.add(zone + " -> " + parsed.registered());
			}
		}
		System.out.printf("not-found answers read as registered=false: %d/%d%n", counted - wrong.size(), counted);
		assertThat(wrong).as("not-found answers not read as registered=false").isEmpty();
		assertThat(counted).isGreaterThan(150);
	}

	private static void compare(Tally tally, String name, JsonNode expected, String text, ParsedWhois parsed) {
		tally.check("registered", name, "true", String.valueOf(parsed.registered()), Boolean.TRUE.equals(parsed.registered()));
		String domainName = stringOf(expected, "domainName");
		String parsedDomain = WhoisParser.domainName(text);
		tally.check("domainName", name, domainName, parsedDomain, sameText(domainName, parsedDomain));
		String whoisServer = stringOf(expected, "whoisServer");
		String parsedServer = (parsed.registrar() != null) ? parsed.registrar().whoisServer() : null;
		tally.check("whoisServer", name, whoisServer, parsedServer, sameText(whoisServer, parsedServer));
		Set<String> nameServers = lowerCaseSet(expected.path("nameServers"));
		Set<String> parsedNameServers = parsed.nameServers().stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
		tally.check("nameServers", name, nameServers.toString(), parsedNameServers.toString(), nameServers.equals(parsedNameServers));
		if (expected.has("dnssec")) {
			Boolean dnssec = dnssecOf(stringOf(expected, "dnssec"));
			tally.check("dnssec", name, stringOf(expected, "dnssec"), String.valueOf(parsed.dnssec()), Objects.equals(dnssec, parsed.dnssec()));
		}
		compareDate(tally, "creationDate", name, stringOf(expected, "creationDate"), parsed.created());
		compareDate(tally, "expirationDate", name, stringOf(expected, "expirationDate"), parsed.expires());
		compareDate(tally, "updatedDate", name, stringOf(expected, "updatedDate"), parsed.updated());
		Set<String> states = new HashSet<>();
		expected.path("states").forEach(state -> states.add(letters(state.asString())));
		Set<String> parsedStates = parsed.statuses().stream().map(WhoisParserAccuracyTests::letters).collect(Collectors.toSet());
		tally.check("states", name, states.toString(), parsedStates.toString(), states.equals(parsedStates));
		String owner = stringOf(expected, "owner");
		tally.check("owner", name, owner, parsed.registrantOrganization(), sameText(owner, parsed.registrantOrganization()));
		String registrar = stringOf(expected, "registrar");
		String parsedRegistrar = (parsed.registrar() != null) ? parsed.registrar().name() : null;
		tally.check("registrar", name, registrar, parsedRegistrar, sameText(registrar, parsedRegistrar));
	}

	private static void compareDate(Tally tally, String field, String name, @Nullable String expected, @Nullable Instant parsed) {
		if (expected == null) {
			tally.check(field, name, null, String.valueOf(parsed), parsed == null);
			return;
		}
		String value = expected.strip();
		try {
			Instant instant = offsetDateTime(value);
			if (instant != null) {
				tally.check(field, name, value, String.valueOf(parsed), instant.equals(parsed));
				return;
			}
			LocalDate date = LocalDateTime.parse(value.replace(' ', 'T'), LOCAL).toLocalDate();
			LocalDate parsedDate = (parsed != null) ? parsed.atOffset(ZoneOffset.UTC).toLocalDate() : null;
			tally.check(field, name, value, String.valueOf(parsed), date.equals(parsedDate));
		}
		catch (DateTimeParseException ex) {
			tally.skipped.add(name + " " + field + ": hand-checked value '" + value + "' is not a date");
		}
	}

	private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder().appendPattern("yyyy-MM-dd'T'HH:mm")
		.optionalStart()
		.appendPattern(":ss")
		.optionalEnd()
		.optionalStart()
		.appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
		.optionalEnd()
		.toFormatter();

	private static final DateTimeFormatter OFFSET = new DateTimeFormatterBuilder().append(LOCAL)
		.appendPattern("[XXX][XX][X]")
		.toFormatter();

	private static @Nullable Instant offsetDateTime(String value) {
		String v = value.replace(' ', 'T');
		if (!v.matches(".*(Z|[+-]\\d{2}(:?\\d{2})?)$")) {
			return null;
		}
		return OffsetDateTime.parse(v, OFFSET).toInstant();
	}

	private static @Nullable Boolean dnssecOf(@Nullable String value) {
		if (value == null) {
			return null;
		}
		String v = value.toLowerCase(Locale.ROOT);
		if (v.startsWith("unsigned") || v.equals("false") || v.equals("inactive") || v.equals("no")) {
			return false;
		}
		return true;
	}

	private static boolean sameText(@Nullable String expected, @Nullable String actual) {
		if (expected == null) {
			return actual == null;
		}
		return actual != null && collapse(expected).equals(collapse(actual));
	}

	private static String collapse(String value) {
		return value.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
	}

	private static String letters(String value) {
		return value.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}&;]", "");
	}

	private static @Nullable String stringOf(JsonNode node, String field) {
		JsonNode value = node.path(field);
		if (value.isMissingNode() || value.isNull()) {
			return null;
		}
		String text = value.asString();
		return text.isBlank() ? null : text;
	}

	private static Set<String> lowerCaseSet(JsonNode array) {
		Set<String> values = new HashSet<>();
		array.forEach(node -> values.add(node.asString().toLowerCase(Locale.ROOT)));
		return values;
	}

	private static List<Path> fixtures(java.util.function.Predicate<Path> filter) {
		try (Stream<Path> files = Files.walk(domains)) {
			return files.filter(Files::isRegularFile).filter(filter).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String read(Path path) {
		try {
			return new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Map<String, Integer> floors() {
		Map<String, Integer> floors = new LinkedHashMap<>();
		floors.put("registered", 98);
		floors.put("domainName", 97);
		floors.put("whoisServer", 98);
		floors.put("nameServers", 95);
		floors.put("dnssec", 99);
		floors.put("creationDate", 98);
		floors.put("expirationDate", 100);
		floors.put("updatedDate", 97);
		floors.put("states", 94);
		floors.put("owner", 83);
		floors.put("registrar", 90);
		floors.put("overall", 95);
		return floors;
	}

	/** Counts per field, and the misses for the verbose listing. */
	private static final class Tally {

		final Map<String, Integer> totals = new LinkedHashMap<>();

		final Map<String, Integer> correct = new LinkedHashMap<>();

		final List<String> misses = new ArrayList<>();

		final List<String> skipped = new ArrayList<>();

		void check(String field, String fixture, @Nullable String expected, @Nullable String actual, boolean ok) {
			for (String key : List.of(field, "overall")) {
				if (key.equals("overall") && field.equals("registered")) {
					continue;
				}
				this.totals.merge(key, 1, Integer::sum);
				if (ok) {
					this.correct.merge(key, 1, Integer::sum);
				}
			}
			if (!ok) {
				this.misses.add(String.format("MISS %-40s %-15s expected=%s actual=%s", fixture, field, expected, actual));
			}
		}

		String table() {
			StringBuilder out = new StringBuilder("\n| field | correct | total | accuracy |\n|---|---:|---:|---:|\n");
			List<String> order = new ArrayList<>(this.totals.keySet());
			order.remove("overall");
			order.add("overall");
			for (String field : order) {
				int total = this.totals.get(field);
				int ok = this.correct.getOrDefault(field, 0);
				out.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f%% |%n", field, ok, total, 100.0 * ok / total));
			}
			this.skipped.forEach(s -> out.append("not counted: ").append(s).append('\n'));
			return out.toString();
		}
	}
}
