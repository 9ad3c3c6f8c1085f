package dev.dragnet.server.whois.parse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Throttling, "not found", data and empty answers as {@link WhoisResponseClassifier} tells them apart. */
class WhoisResponseClassifierTests {

	/** Fixtures that really are throttle answers, so they must classify THROTTLED and nothing else may. */
	private static final Map<String, Duration> THROTTLED_FIXTURES = Map.of("domains/hk/free.txt",
			Duration.ofSeconds(10), "domains/nz/free.txt", Duration.ZERO, "domains/lu/free.txt", Duration.ZERO);

	private final WhoisResponseClassifier classifier = new WhoisResponseClassifier();

	@ParameterizedTest
	@ValueSource(strings = { "WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS",
			"% Error: 55000000002 Connection refused; access control limit reached.",
			"Your connection limit exceeded. Please slow down and try again later.",
			"You have exceeded your quota of queries.", "%% Too many requests...", "# Too many connections.",
			"% Maximum queries per hour reached (100)", "-3: IP address blocked",
			"request limit exceeded for 192.0.2.1", "daily whois-limit exceeded for client 192.0.2.1",
			"maximum number of requests per minute exceeded", "query_status: 440 Request Denied",
			"% Query rate limit exceeded. Reduced information.\ndomain: example.com.br\nowner: Example Ltda",
			"WHOIS QUERY RATE LIMIT EXCEEDED. PLEASE WAIT AND TRY AGAIN.", "Your request could not be performed.",
			"Lookup quota exceeded.", "Excessive use",
			"BLACKLISTED: You have exceeded the query limit for your network or IP address",
			"%ERROR:201: access denied for 192.0.2.1", "%ERROR:306: connections exceeded",
			"Queried interval is too short", "The query frequency too fast",
			"Number of allowed queries exceeded.", "Server too busy, try later",
			"You have exceeded the maximum allowable number of queries", "Sorry, you have exceeded your query limit",
			"Excessive queries from your address", "This server is under query limit controls",
			"maximum daily connection limit reached", "maximum query rate reached",
			"Lookup failed: Quota exceeded", "only 1 request per second allowed, try again later" })
	void everyThrottleMessageInTheNotesIsThrottled(String message) {
		WhoisResponseClassifier.Classification result = this.classifier.classify(null, message);
		assertThat(result.kind()).as(message).isEqualTo(WhoisResponseClassifier.Kind.THROTTLED);
		assertThat(result.evidence()).isNotBlank();
	}

	@Test
	void throttleMessagesAreMatchedWhateverTheirCase() {
		assertThat(this.classifier.classify(null, "whois limit exceeded - see www.pir.org/whois for details").kind())
			.isEqualTo(WhoisResponseClassifier.Kind.THROTTLED);
		assertThat(this.classifier.classify(null, "QUOTA EXCEEDED").kind())
			.isEqualTo(WhoisResponseClassifier.Kind.THROTTLED);
	}

	@Test
	void namedWaitsAreExtracted() {
		assertThat(retryAfter("% Excessive querying, grace period of 2 seconds")).isEqualTo(Duration.ofSeconds(2));
		assertThat(retryAfter("-1: Still in grace period, wait 7 seconds")).isEqualTo(Duration.ofSeconds(7));
		assertThat(retryAfter("The WHOIS query quota for 192.0.2.1 has been exceeded and will be replenished in 42 seconds."))
			.isEqualTo(Duration.ofSeconds(42));
		assertThat(retryAfter("Please go away for 30 Seconds")).isEqualTo(Duration.ofSeconds(30));
		assertThat(retryAfter("Rate limit exceeded. Try again after: 24h0m0s")).isEqualTo(Duration.ofHours(24));
		assertThat(retryAfter("Rate limit exceeded. Try again after: 1m30s")).isEqualTo(Duration.ofSeconds(90));
		assertThat(retryAfter("Rate limit exceeded, try again in 5 seconds")).isEqualTo(Duration.ofSeconds(5));
		assertThat(retryAfter("WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS")).isNull();
	}

	@Test
	void disclaimersThatMentionLimitsStayData() {
		String record = """
				Domain Name: EXAMPLE.COM
				Creation Date: 1995-08-14T04:00:00Z
				Name Server: A.IANA-SERVERS.NET
				By submitting a query you agree to these terms, including the limitation of liability.
				Queries to the Whois services are throttled. If too many queries are received from a single
				IP address within a specified time, the service will begin to reject further queries.
				A maximum of 10 queries per minute can be made. Should this limit be exceeded, access is blocked.
				""";
		assertThat(this.classifier.classify("whois.example", record).kind()).isEqualTo(WhoisResponseClassifier.Kind.DATA);
	}

	@Test
	void noFixtureIsThrottledExceptTheRealThrottleAnswers() throws Exception {
		Path root = Path.of(getClass().getClassLoader().getResource("whois-dev").toURI());
		List<String> throttled = new ArrayList<>();
		int checked = 0;
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.filter(p -> p.toString().endsWith(".txt")).toList()) {
				String name = root.relativize(file).toString().replace('\\', '/');
				WhoisResponseClassifier.Classification result = this.classifier.classify(null, read(file));
				checked++;
				if (result.kind() == WhoisResponseClassifier.Kind.THROTTLED) {
					throttled.add(name);
					Duration expected = THROTTLED_FIXTURES.get(name);
					if (expected != null && !expected.isZero()) {
						assertThat(result.retryAfter()).as(name).isEqualTo(expected);
					}
				}
			}
		}
		assertThat(checked).isGreaterThan(400);
		assertThat(throttled).containsExactlyInAnyOrderElementsOf(THROTTLED_FIXTURES.keySet());
	}

	@Test
	void notFoundAnswersAreNotFound() {
		assertThat(this.classifier.classify(null, "No match for \"FREE.COM\".\n>>> Last update: 2017-11-18T21:10:52Z <<<").kind())
			.isEqualTo(WhoisResponseClassifier.Kind.NOT_FOUND);
		assertThat(this.classifier.classify(null, "Domain: free.de\nStatus: free\n").kind())
			.isEqualTo(WhoisResponseClassifier.Kind.NOT_FOUND);
	}

	@Test
	void blankAnswersAreEmpty() {
		assertThat(this.classifier.classify(null, "").kind()).isEqualTo(WhoisResponseClassifier.Kind.EMPTY);
		assertThat(this.classifier.classify(null, " \r\n\t\n").kind()).isEqualTo(WhoisResponseClassifier.Kind.EMPTY);
	}

	@Test
	void recordsAreData() {
		String record = "Domain Name: GOOGLE.COM\nRegistrar: MarkMonitor Inc.\nName Server: NS1.GOOGLE.COM\n";
		assertThat(this.classifier.classify(null, record).kind()).isEqualTo(WhoisResponseClassifier.Kind.DATA);
	}

	private Duration retryAfter(String message) {
		WhoisResponseClassifier.Classification result = this.classifier.classify(null, message);
		assertThat(result.kind()).as(message).isEqualTo(WhoisResponseClassifier.Kind.THROTTLED);
		return result.retryAfter();
	}

	private static String read(Path path) {
		try {
			return new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
