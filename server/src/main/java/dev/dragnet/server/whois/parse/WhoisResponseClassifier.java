package dev.dragnet.server.whois.parse;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import static dev.dragnet.server.whois.parse.Phrases.phrase;

/**
 * Tells what kind of answer a WHOIS server sent: data, "not found", a throttling message, or nothing. A
 * throttled answer is never data and never "not found" (the most common misreading by WHOIS clients); where
 * the message names a wait ("in 30 seconds", "grace period of 2 seconds", "try again after: 24h0m0s"), it is
 * returned so the caller can honour it.
 *
 * <p>The throttle phrases are those servers really send (the "Throttling" notes: PIR, DENIC, CZ.NIC,
 * MarkMonitor, AFNIC, DK Hostmaster, DNS Belgium, NASK, SIDN, EURid, Nominet, InternetNZ, ZACR, .br, .xxx,
 * GoDaddy, RIPE, Chinese registries, HKIRC) plus generic ones ("limit exceeded", "quota exceeded"...). They
 * are matched on whole phrases, so a disclaimer that speaks of "limitation of liability" or of queries that
 * "are throttled" stays data.
 */
public final class WhoisResponseClassifier {

	static final Phrases THROTTLED = Phrases.of(Pattern.MULTILINE,
			// generic
			phrase("exceeded", "limit exceeded"), phrase("exceeded", "quota exceeded"),
			phrase("exceeded", "exceeded (?:your|the) (?:query |request |lookup )?(?:quota|limit)"),
			phrase("too busy", "server too busy"), phrase("exceeded", "exceeded the maximum allowable"),
			phrase("exceeded", "exceeded your query limit"),
			phrase("excessive", "^[\\s%#:-]*excessive (?:querying|queries|use)\\b"),
			phrase("limit controls", "query limit controls"),
			phrase("limit reached", "maximum daily connection limit reached"),
			phrase("rate reached", "maximum query rate reached"),
			phrase("exceeded", "number of allowed queries exceeded"),
			phrase("too many", "^[\\s%#:-]*too many (?:requests|queries|connections)"),
			phrase("maxed", "rate limit is maxed"), phrase("slow down", "slow down and try again"),
			// PIR, DENIC, CZ.NIC, MarkMonitor
			phrase("exceeded", "whois limit exceeded"), phrase("access control", "access control limit"),
			phrase("exceeded", "connection limit exceeded"), phrase("exceeded", "exceeded your quota of queries"),
			// DNS Belgium, NASK, SIDN, EURid, Nominet
			phrase("grace period", "grace period of \\d+ seconds?"),
			phrase("maximum queries per", "maximum queries per (?:hour|minute|day) reached"),
			phrase("ip address blocked", "^\\s*-3:\\s*ip address blocked"), phrase("exceeded", "request limit exceeded"),
			phrase("per second allowed", "only \\d+ requests? per second allowed"),
			phrase("exceeded", "whois-limit exceeded"),
			phrase("exceeded", "maximum number of requests per (?:second|minute|hour|day) exceeded"),
			phrase("grace period", "still in grace period"), phrase("exceeded", "query quota for .* has been exceeded"),
			// InternetNZ, ZACR, .xxx, several ccTLDs on one platform
			phrase("request denied", "query_status:\\s*440 request denied"),
			phrase("go away for", "please go away for \\d+ seconds?"),
			phrase("exceeded", "whois query rate limit exceeded"),
			phrase("could not be performed", "^\\s*your request could not be performed\\.?\\s*$"),
			phrase("exceeded", "lookup quota exceeded"),
			// GoDaddy, RIPE
			phrase("try again after", "try again after:?\\s*\\d+(?:\\.\\d+)?[hms]"),
			phrase("exceeded", "blacklisted: you have exceeded"), phrase("access denied", "%error:201: access denied"),
			phrase("exceeded", "%error:306: connections exceeded"),
			// Chinese registries, HKIRC
			phrase("too short", "queried interval is too short"), phrase("too fast", "the query frequency too fast"),
			phrase("too fast", "query frequency is too fast"),
			phrase("please maintain", "please maintain at least \\d+-second time"));

	private static final Pattern WAIT_SECONDS = Pattern.compile(
			"(?:\\bin|wait|grace period of|go away for|replenished in|at least)\\s+(\\d{1,6})(?:\\s*-\\s*|\\s+)seconds?",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern WAIT_GO_DURATION = Pattern
		.compile("try again after:?\\s*((?:\\d+h)?(?:\\d+m)?(?:\\d+(?:\\.\\d+)?s)?)", Pattern.CASE_INSENSITIVE);

	private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)([hms])");

	/** How much of an answer is searched for throttle and not-found notices. */
	static final int HEAD_CHARS = 16 * 1024;

	private final WhoisParser parser = new WhoisParser();

	/**
	 * Classifies {@code text}, the answer of WHOIS server {@code server} (host, or {@code null} when not known).
	 */
	public Classification classify(@Nullable String server, String text) {
		if (text.isBlank()) {
			return new Classification(Kind.EMPTY, null, null);
		}
		// Throttle and not-found notices are short and come first; a long answer is a record. Looking at the
		// head only keeps the cost flat whatever a server sends (answers may reach the byte cap).
		String head = (text.length() > HEAD_CHARS) ? text.substring(0, HEAD_CHARS) : text;
		String folded = Phrases.fold(head);
		Matcher throttled = THROTTLED.find(head, folded);
		if (throttled != null) {
			return new Classification(Kind.THROTTLED, retryAfter(head), lineAround(head, throttled.start()));
		}
		// Parsed only when it says "not found" somewhere (a not-found answer is short): a record that does not say
		// so is data without the cost of a second parse (the lookup parses it once more for its caller).
		if (text.length() <= HEAD_CHARS && NotFoundDetector.saysNotFound(head, folded)
				&& Boolean.FALSE.equals(this.parser.parse("invalid.invalid", server, text).registered())) {
			return new Classification(Kind.NOT_FOUND, null, null);
		}
		return new Classification(Kind.DATA, null, null);
	}

	/** The wait a throttle message names, or {@code null}. */
	static @Nullable Duration retryAfter(String text) {
		Matcher go = WAIT_GO_DURATION.matcher(text);
		if (go.find() && !go.group(1).isEmpty()) {
			Duration total = Duration.ZERO;
			Matcher part = GO_PART.matcher(go.group(1));
			while (part.find()) {
				double amount = Double.parseDouble(part.group(1));
				long millis = switch (part.group(2)) {
					case "h" -> (long) (amount * 3_600_000);
					case "m" -> (long) (amount * 60_000);
					default -> (long) (amount * 1000);
				};
				total = total.plusMillis(millis);
			}
			return total;
		}
		Matcher seconds = WAIT_SECONDS.matcher(text);
		if (seconds.find()) {
			return Duration.ofSeconds(Long.parseLong(seconds.group(1)));
		}
		return null;
	}

	private static String lineAround(String text, int index) {
		int start = text.lastIndexOf('\n', index) + 1;
		int end = text.indexOf('\n', index);
		String line = text.substring(start, (end < 0) ? text.length() : end).strip();
		return (line.length() > 200) ? line.substring(0, 200) : line;
	}

	/** What kind of answer a server sent. */
	public enum Kind {

		/** A record (or at least something that is neither of the others). */
		DATA,

		/** The server says the name is not registered. */
		NOT_FOUND,

		/** The server refuses to answer for now; ask again later or through another probe. */
		THROTTLED,

		/** Nothing but white space. */
		EMPTY
	}

	/**
	 * The kind of an answer, with what was seen.
	 *
	 * @param kind the kind
	 * @param retryAfter for {@link Kind#THROTTLED}, the wait the server named, if any
	 * @param evidence for {@link Kind#THROTTLED}, the line that says so
	 */
	public record Classification(Kind kind, @Nullable Duration retryAfter, @Nullable String evidence) {
	}
}
