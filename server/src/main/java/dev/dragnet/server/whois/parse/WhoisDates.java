package dev.dragnet.server.whois.parse;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Reads the dates WHOIS servers write, in whatever spelling: ISO 8601 with or without offset,
 * {@code yyyy-MM-dd HH:mm:ss}, {@code yyyy/MM/dd}, {@code yyyy.MM.dd}, {@code yyyy. MM. dd.}, {@code dd.MM.yyyy},
 * {@code dd/MM/yyyy}, {@code dd-Mon-yyyy}, {@code Mon dd yyyy}, {@code yyyy-Mon-dd}, {@code yyyyMMdd},
 * {@code yyyy年MM月dd日}, each optionally followed by a time and a zone ({@code Z}, {@code +02}, {@code +0200},
 * {@code +02:00}, {@code UTC}, {@code (JST)}, {@code (GMT+9:00)}...). A date without a zone is taken as UTC; a
 * date without a time as midnight UTC. Slashed dates with the day first are the common case outside the US,
 * so {@code 01/02/2003} is 1 February unless the first number cannot be a day-of-month order.
 */
final class WhoisDates {

	private static final String TIME = "(?:[T\\s]+|\\s*,\\s*|\\s+at\\s+)(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?:[.,](\\d{1,9}))?(?:\\s*([AaPp][Mm]))?";

	private static final String ZONE = "\\s*(?:\\(\\s*)?(Z|(?:UTC|GMT|UT)?\\s*[+-]\\s*\\d{1,2}(?::?\\d{2})?|[A-Z]{2,5})?";

	private static final Pattern ISO = Pattern.compile(
			"(?<![\\d])(\\d{4})\\s*[-/.]\\s*(\\d{1,2})\\s*[-/.]\\s*(\\d{1,2})(?![\\d])\\.?(?:" + TIME + ")?" + ZONE);

	private static final Pattern DAY_FIRST = Pattern
		.compile("(?<![\\d])(\\d{1,2})[-/.](\\d{1,2})[-/.](\\d{4})(?![\\d])(?:" + TIME + ")?" + ZONE);

	private static final Pattern DAY_MONTH_NAME = Pattern.compile(
			"(?<![\\d])(\\d{1,2})(?:st|nd|rd|th)?[-\\s/.]+([A-Za-z]{3,9})\\.?[-\\s/.,]+(\\d{4})(?![\\d])(?:" + TIME + ")?" + ZONE);

	private static final Pattern YEAR_MONTH_NAME = Pattern
		.compile("(?<![\\d])(\\d{4})-([A-Za-z]{3,9})-(\\d{1,2})(?![\\d])(?:" + TIME + ")?" + ZONE);

	private static final Pattern MONTH_NAME_FIRST = Pattern.compile(
			"\\b([A-Za-z]{3,9})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?![\\d])(?:" + TIME + ")?" + ZONE);

	/** {@code Tue Jan 12 10:00:00 GMT 2010}, as C's {@code ctime} and Java's {@code Date.toString} write. */
	private static final Pattern CTIME = Pattern.compile(
			"\\b([A-Za-z]{3,9})\\s+(\\d{1,2})\\s+(\\d{1,2}):(\\d{2}):(\\d{2})\\s+([A-Z]{2,5}|[+-]\\d{4})?\\s*(\\d{4})\\b");

	private static final Pattern COMPACT = Pattern
		.compile("(?<![\\d.\\-+])(\\d{4})(\\d{2})(\\d{2})(?:\\s*(\\d{2}):?(\\d{2}):?(\\d{2}))?(?![\\d])");

	private static final Pattern CJK = Pattern
		.compile("(\\d{4})\\s*年\\s*(\\d{1,2})\\s*月\\s*(\\d{1,2})\\s*日(?:\\s*(\\d{1,2}):(\\d{2})(?::(\\d{2}))?)?");

	private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
			Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7),
			Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11),
			Map.entry("dec", 12), Map.entry("okt", 10), Map.entry("dez", 12), Map.entry("mai", 5),
			Map.entry("maj", 5), Map.entry("mrt", 3), Map.entry("ene", 1), Map.entry("abr", 4), Map.entry("ago", 8),
			Map.entry("dic", 12), Map.entry("fev", 2), Map.entry("avr", 4), Map.entry("jui", 7), Map.entry("aou", 8));

	/**
	 * Zone abbreviations seen in WHOIS answers, with their offsets; not all are whole hours ({@code IST}, India,
	 * is +05:30; {@code NPT}, Nepal, +05:45).
	 */
	private static final Map<String, ZoneOffset> ZONES = Map.ofEntries(zone("Z", 0, 0), zone("UTC", 0, 0),
			zone("GMT", 0, 0), zone("UT", 0, 0), zone("JST", 9, 0), zone("KST", 9, 0), zone("CET", 1, 0), zone("CEST", 2, 0), zone("EET", 2, 0), zone("EEST", 3, 0),
			zone("MSK", 3, 0), zone("WAT", 1, 0), zone("BST", 1, 0), zone("EST", -5, 0), zone("EDT", -4, 0),
			zone("PST", -8, 0), zone("PDT", -7, 0), zone("NZDT", 13, 0), zone("NZST", 12, 0),
			zone("AEST", 10, 0), zone("AEDT", 11, 0), zone("HKT", 8, 0), zone("SGT", 8, 0), zone("IST", 5, 30),
			zone("NPT", 5, 45), zone("ACST", 9, 30), zone("ACDT", 10, 30));

	private WhoisDates() {
	}

	/** The first date in {@code value}, or {@code null} when there is none or it is not a real date. */
	static @Nullable Instant parse(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String text = value.strip();
		Instant icann = icann(text);
		return (icann != null) ? icann : parseByExpressions(text);
	}

	/**
	 * The form nearly every gTLD registry and registrar writes ({@code 2030-01-01T00:00:00Z}: ICANN's RDDS format,
	 * with an optional fraction, and {@code Z}, an offset {@code +hh:mm} or nothing), read by hand; {@code null} when
	 * {@code text} is not exactly that or not a real date, to go the long way. It reads what the expressions read
	 * ({@code WhoisDatesTests} holds the two to each other), at a fraction of their cost.
	 */
	static @Nullable Instant icann(String text) {
		int n = text.length();
		if (n < 19 || !digits(text, 0, 4) || text.charAt(4) != '-' || !digits(text, 5, 2) || text.charAt(7) != '-'
				|| !digits(text, 8, 2) || text.charAt(10) != 'T' || !digits(text, 11, 2) || text.charAt(13) != ':'
				|| !digits(text, 14, 2) || text.charAt(16) != ':' || !digits(text, 17, 2)) {
			return null;
		}
		int i = 19;
		int nanos = 0;
		if (i < n && text.charAt(i) == '.') {
			int start = ++i;
			while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
				i++;
			}
			if (i == start || i - start > 9) {
				return null;
			}
			nanos = Integer.parseInt((text.substring(start, i) + "000000000").substring(0, 9));
		}
		ZoneOffset offset;
		if (i == n || (i == n - 1 && text.charAt(i) == 'Z')) {
			offset = ZoneOffset.UTC;
		}
		else if (n - i == 6 && (text.charAt(i) == '+' || text.charAt(i) == '-') && digits(text, i + 1, 2)
				&& text.charAt(i + 3) == ':' && digits(text, i + 4, 2)) {
			int sign = (text.charAt(i) == '-') ? -1 : 1;
			try {
				offset = ZoneOffset.ofHoursMinutes(sign * number(text, i + 1, 2), sign * number(text, i + 4, 2));
			}
			catch (DateTimeException ex) {
				return null;
			}
		}
		else {
			return null;
		}
		try {
			return LocalDate.of(number(text, 0, 4), number(text, 5, 2), number(text, 8, 2))
				.atTime(LocalTime.of(number(text, 11, 2), number(text, 14, 2), Math.min(number(text, 17, 2), 59), nanos))
				.toInstant(offset);
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	private static boolean digits(String text, int from, int count) {
		for (int i = from; i < from + count; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

	private static int number(String text, int from, int count) {
		int value = 0;
		for (int i = from; i < from + count; i++) {
			value = value * 10 + (text.charAt(i) - '0');
		}
		return value;
	}

	/** {@link #parse} of a stripped, non-blank text by the expressions alone. */
	static @Nullable Instant parseByExpressions(String text) {
		Instant result = ctime(text);
		if (result == null) {
			result = numeric(ISO, text, 1, 2, 3);
		}
		if (result == null) {
			result = cjk(text);
		}
		if (result == null) {
			result = named(YEAR_MONTH_NAME, text, 3, 2, 1);
		}
		if (result == null) {
			result = named(DAY_MONTH_NAME, text, 1, 2, 3);
		}
		if (result == null) {
			result = named(MONTH_NAME_FIRST, text, 2, 1, 3);
		}
		if (result == null) {
			result = dayFirst(text);
		}
		if (result == null) {
			result = compact(text);
		}
		return result;
	}

	private static @Nullable Instant numeric(Pattern pattern, String text, int yearGroup, int monthGroup,
			int dayGroup) {
		Matcher m = pattern.matcher(text);
		if (!m.find()) {
			return null;
		}
		return build(Integer.parseInt(m.group(yearGroup)), Integer.parseInt(m.group(monthGroup)),
				Integer.parseInt(m.group(dayGroup)), m, 4);
	}

	private static @Nullable Instant dayFirst(String text) {
		Matcher m = DAY_FIRST.matcher(text);
		if (!m.find()) {
			return null;
		}
		int first = Integer.parseInt(m.group(1));
		int second = Integer.parseInt(m.group(2));
		int day = first;
		int month = second;
		if (second > 12 && first <= 12) {
			day = second;
			month = first;
		}
		return build(Integer.parseInt(m.group(3)), month, day, m, 4);
	}

	private static @Nullable Instant named(Pattern pattern, String text, int dayGroup, int monthGroup,
			int yearGroup) {
		Matcher m = pattern.matcher(text);
		while (m.find()) {
			Integer month = month(m.group(monthGroup));
			if (month != null) {
				return build(Integer.parseInt(m.group(yearGroup)), month, Integer.parseInt(m.group(dayGroup)), m, 4);
			}
		}
		return null;
	}

	private static @Nullable Instant ctime(String text) {
		Matcher m = CTIME.matcher(text);
		if (!m.find()) {
			return null;
		}
		Integer month = month(m.group(1));
		if (month == null) {
			return null;
		}
		try {
			LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(7)), month, Integer.parseInt(m.group(2)),
					Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
			ZoneOffset offset = offset(m.group(6));
			return local.toInstant((offset != null) ? offset : ZoneOffset.UTC);
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	private static @Nullable Instant compact(String text) {
		Matcher m = COMPACT.matcher(text);
		if (!m.find()) {
			return null;
		}
		try {
			LocalDate date = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
					Integer.parseInt(m.group(3)));
			if (date.getYear() < 1980 || date.getYear() > 2200) {
				return null;
			}
			LocalTime time = (m.group(4) != null) ? LocalTime.of(Integer.parseInt(m.group(4)),
					Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6))) : LocalTime.MIDNIGHT;
			return date.atTime(time).toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	private static @Nullable Instant cjk(String text) {
		Matcher m = CJK.matcher(text);
		if (!m.find()) {
			return null;
		}
		try {
			LocalDate date = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
					Integer.parseInt(m.group(3)));
			LocalTime time = (m.group(4) != null) ? LocalTime.of(Integer.parseInt(m.group(4)),
					Integer.parseInt(m.group(5)), (m.group(6) != null) ? Integer.parseInt(m.group(6)) : 0)
					: LocalTime.MIDNIGHT;
			ZoneOffset offset = offset(zoneAfter(text, m.end()));
			return date.atTime(time).toInstant((offset != null) ? offset : ZoneOffset.UTC);
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	/** Builds the instant from the date and the optional time and zone groups that start at {@code timeGroup}. */
	private static @Nullable Instant build(int year, int month, int day, Matcher m, int timeGroup) {
		try {
			LocalDate date = LocalDate.of(year, month, day);
			LocalTime time = LocalTime.MIDNIGHT;
			if (m.group(timeGroup) != null) {
				int hour = Integer.parseInt(m.group(timeGroup));
				String meridiem = m.group(timeGroup + 4);
				if (meridiem != null) {
					hour = (hour % 12) + (meridiem.equalsIgnoreCase("pm") ? 12 : 0);
				}
				int second = (m.group(timeGroup + 2) != null) ? Integer.parseInt(m.group(timeGroup + 2)) : 0;
				int nanos = 0;
				String fraction = m.group(timeGroup + 3);
				if (fraction != null) {
					nanos = Integer.parseInt((fraction + "000000000").substring(0, 9));
				}
				time = LocalTime.of(hour, Integer.parseInt(m.group(timeGroup + 1)), Math.min(second, 59), nanos);
			}
			ZoneOffset offset = offset(m.group(timeGroup + 5));
			return date.atTime(time).toInstant((offset != null) ? offset : ZoneOffset.UTC);
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	private static @Nullable String zoneAfter(String text, int from) {
		Matcher m = Pattern.compile(ZONE).matcher(text);
		return m.find(from) && m.start() == from ? m.group(1) : null;
	}

	/** The offset a zone group names; {@code null} for none or an abbreviation we do not know. */
	static @Nullable ZoneOffset offset(@Nullable String zone) {
		if (zone == null || zone.isBlank()) {
			return null;
		}
		String z = zone.replace(" ", "").toUpperCase(Locale.ROOT);
		ZoneOffset named = ZONES.get(z);
		if (named != null) {
			return named;
		}
		z = z.replaceFirst("^(UTC|GMT|UT)", "");
		Matcher m = Pattern.compile("([+-])(\\d{1,2}):?(\\d{2})?").matcher(z);
		if (!m.matches()) {
			return null;
		}
		try {
			int h = Integer.parseInt(m.group(2));
			int min = (m.group(3) != null) ? Integer.parseInt(m.group(3)) : 0;
			int sign = m.group(1).equals("-") ? -1 : 1;
			return ZoneOffset.ofHoursMinutes(sign * h, sign * min);
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	private static Map.Entry<String, ZoneOffset> zone(String name, int hours, int minutes) {
		return Map.entry(name, ZoneOffset.ofHoursMinutes(hours, (hours < 0) ? -minutes : minutes));
	}

	private static @Nullable Integer month(String name) {
		if (name.length() < 3) {
			return null;
		}
		String key = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD)
			.replaceAll("\\p{M}", "")
			.substring(0, 3)
			.toLowerCase(Locale.ROOT);
		return MONTHS.get(key);
	}
}
