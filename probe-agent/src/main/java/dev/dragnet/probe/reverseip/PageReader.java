package dev.dragnet.probe.reverseip;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dragnet.probe.JsonValues;
import dev.dragnet.probe.http.RetryAfter;
import dev.dragnet.protocol.source.BlockMarker;
import dev.dragnet.protocol.source.Extractor;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.protocol.source.Verdict;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Selector;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

/**
 * Reads one page of a source's answer, in the order the definition prescribes: block markers (on any status), then
 * the HTTP status, then the empty markers, then the layout check, then the rows. Pure: no I/O, safe on any thread.
 */
final class PageReader {

	private static final Pattern CHARSET = Pattern.compile("(?i)charset\\s*=\\s*\"?([A-Za-z0-9._:+-]+)");

	private static final Pattern NUMBER = Pattern.compile("\\d[\\d,]*");

	private PageReader() {
	}

	/**
	 * The body as text, a BOM dropped. The charset is the one {@code Content-Type} names; without one, an HTML page
	 * (or an answer with no type) is decoded as Jsoup detects it, as browsers do: a BOM, then {@code <meta charset>}
	 * or {@code <meta http-equiv="Content-Type">}, then UTF-8. Anything else is UTF-8.
	 */
	static String decode(byte[] body, @Nullable String contentType) {
		int skip = (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB
				&& (body[2] & 0xFF) == 0xBF) ? 3 : 0;
		Charset charset = declared(contentType);
		if (charset == null) {
			charset = isHtml(contentType) ? detected(body) : StandardCharsets.UTF_8;
		}
		String text = new String(body, skip, body.length - skip, charset);
		return (!text.isEmpty() && text.charAt(0) == '\uFEFF') ? text.substring(1) : text;
	}

	private static @Nullable Charset declared(@Nullable String contentType) {
		if (contentType == null) {
			return null;
		}
		Matcher matcher = CHARSET.matcher(contentType);
		if (!matcher.find()) {
			return null;
		}
		try {
			return Charset.forName(matcher.group(1));
		}
		catch (IllegalCharsetNameException | UnsupportedCharsetException ex) {
			return StandardCharsets.UTF_8;
		}
	}

	private static boolean isHtml(@Nullable String contentType) {
		if (contentType == null) {
			return true;
		}
		String type = contentType.toLowerCase(Locale.ROOT);
		return type.startsWith("text/html") || type.startsWith("application/xhtml");
	}

	/** Jsoup's own detection (DataUtil): BOM, {@code <meta>} charset, else UTF-8; from memory, nothing blocks. */
	private static Charset detected(byte[] body) {
		try {
			return Jsoup.parse(new ByteArrayInputStream(body), null, "").charset();
		}
		catch (IOException ex) { // a byte array does not fail
			return StandardCharsets.UTF_8;
		}
	}

	/** What {@code body} (answered with {@code status} and {@code headers}) means under {@code source}. */
	static Reading read(SourceDefinition source, int status, HttpHeaders headers, String body) {
		for (BlockMarker marker : source.blockMarkers()) {
			if (matches(marker, status, headers, body)) {
				return new Reading.Blocked(marker.verdict(), "matched " + marker.match() + " " + marker.value(),
						retryAfter(headers));
			}
		}
		if (status == 429) {
			return new Reading.Blocked(Verdict.THROTTLED, "HTTP 429 (too many requests)", retryAfter(headers));
		}
		if (status < 200 || status > 299) {
			return new Reading.Failed(status);
		}
		for (String empty : source.emptyMarkers()) {
			if (body.contains(empty)) {
				return new Reading.Empty(empty);
			}
		}
		try {
			Reading reading = switch (source.extractor().kind()) {
				case CSS -> css(source, body);
				case JSON_POINTER -> json(source, body);
				case REGEX -> regex(source, body);
				case LINES -> lines(source, body);
				case NDJSON -> ndjson(source, body);
			};
			return (source.extractor().hostOfUrl() && reading instanceof Reading.Rows rows) ? hosts(rows) : reading;
		}
		catch (Selector.SelectorParseException ex) {
			return new Reading.Changed("the definition's selector is not valid: " + ex.getMessage());
		}
	}

	private static @Nullable Duration retryAfter(HttpHeaders headers) {
		return RetryAfter.of(headers.get(HttpHeaderNames.RETRY_AFTER), Instant.now());
	}

	private static boolean matches(BlockMarker marker, int status, HttpHeaders headers, String body) {
		return switch (marker.match()) {
			case STATUS -> Integer.toString(status).equals(marker.value());
			case BODY_CONTAINS -> body.contains(marker.value());
			case BODY_REGEX -> Pattern.compile(marker.value()).matcher(body).find();
			case HEADER -> headerMatches(marker.value(), headers);
		};
	}

	private static boolean headerMatches(String value, HttpHeaders headers) {
		int colon = value.indexOf(':');
		String name = (colon < 0) ? value.trim() : value.substring(0, colon).trim();
		if (colon < 0) {
			return headers.contains(name);
		}
		String wanted = value.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
		return headers.getAll(name).stream().anyMatch((one) -> one.toLowerCase(Locale.ROOT).contains(wanted));
	}

	private static Reading css(SourceDefinition source, String body) {
		Extractor extractor = source.extractor();
		Document page = Jsoup.parse(body);
		String check = source.layoutCheck();
		if (check != null && page.selectFirst(check) == null) {
			return new Reading.Changed("nothing matches the layout check " + check);
		}
		List<@Nullable String> rows = new ArrayList<>();
		String attribute = extractor.attribute();
		for (Element element : page.select(extractor.expression())) {
			String value = (attribute == null) ? element.text() : element.attr(attribute);
			rows.add(value.isBlank() ? null : value);
		}
		Long total = null;
		String count = extractor.countExpression();
		if (count != null) {
			Element shown = page.selectFirst(count);
			total = (shown != null) ? lastNumber(shown.text()) : null;
		}
		return new Reading.Rows(rows, total);
	}

	private static Reading json(SourceDefinition source, String body) {
		Extractor extractor = source.extractor();
		Object root;
		try {
			root = JsonValues.read(body);
		}
		catch (JacksonException ex) {
			return new Reading.Changed("the answer is not JSON: " + ex.getOriginalMessage());
		}
		if (root == JsonValues.MISSING) {
			return new Reading.Changed("the answer is empty, not JSON");
		}
		String check = source.layoutCheck();
		if (check != null && JsonValues.at(root, check) == JsonValues.MISSING) {
			return new Reading.Changed("the JSON has nothing at the layout check " + check);
		}
		if (!(JsonValues.at(root, extractor.expression()) instanceof List<?> array)) {
			return new Reading.Changed("the JSON has no array at " + extractor.expression());
		}
		List<@Nullable String> rows = new ArrayList<>(array.size());
		String attribute = extractor.attribute();
		for (Object entry : array) {
			Object value = (attribute == null) ? entry : JsonValues.at(entry, attribute);
			rows.add((value instanceof String name) ? name : null);
		}
		Long total = null;
		String count = extractor.countExpression();
		if (count != null) {
			Object shown = JsonValues.at(root, count);
			total = (shown instanceof String text) ? lastNumber(text) : JsonValues.number(shown);
		}
		return new Reading.Rows(rows, total);
	}

	private static Reading regex(SourceDefinition source, String body) {
		Extractor extractor = source.extractor();
		String check = source.layoutCheck();
		if (check != null && !Pattern.compile(check).matcher(body).find()) {
			return new Reading.Changed("the layout check " + check + " is not found");
		}
		List<@Nullable String> rows = new ArrayList<>();
		Matcher matcher = Pattern.compile(extractor.expression()).matcher(body);
		while (matcher.find()) {
			rows.add((matcher.groupCount() >= 1) ? matcher.group(1) : matcher.group());
		}
		Long total = null;
		String count = extractor.countExpression();
		if (count != null) {
			Matcher shown = Pattern.compile(count).matcher(body);
			total = shown.find() ? lastNumber((shown.groupCount() >= 1) ? shown.group(1) : shown.group()) : null;
		}
		return new Reading.Rows(rows, total);
	}

	private static Reading lines(SourceDefinition source, String body) {
		String check = source.layoutCheck();
		Pattern line = (check != null) ? Pattern.compile(check) : null;
		List<@Nullable String> rows = new ArrayList<>();
		for (String one : body.split("\\R")) {
			String trimmed = one.trim();
			if (trimmed.isEmpty()) {
				continue;
			}
			if (line != null && !line.matcher(trimmed).matches()) {
				return new Reading.Changed("a line does not match the layout check " + check + ": " + abbreviate(trimmed));
			}
			rows.add(trimmed);
		}
		return new Reading.Rows(rows, null);
	}

	/** A passive-DNS stream: records with a name at the extractor's pointer, framed by {@code cond} lines. */
	private static Reading ndjson(SourceDefinition source, String body) {
		String pointer = source.extractor().expression();
		String check = source.layoutCheck();
		List<@Nullable String> rows = new ArrayList<>();
		String end = null;
		String limit = null;
		for (String one : body.split("\\R")) {
			String line = one.trim();
			if (line.isEmpty()) {
				continue;
			}
			Object node;
			try {
				node = JsonValues.read(line);
			}
			catch (JacksonException ex) {
				return new Reading.Changed("a line is not JSON: " + abbreviate(line));
			}
			if (end != null) {
				return new Reading.Changed("a line after the stream's final {\"cond\":\"" + end + "\"}: " + abbreviate(line));
			}
			if (JsonValues.at(node, "/cond") instanceof String cond) {
				switch (cond) {
					case "begin", "ongoing" -> {
					}
					case "succeeded" -> end = "succeeded";
					case "limited" -> {
						end = "limited";
						limit = "the source stopped at its result limit: "
								+ JsonValues.text(JsonValues.at(node, "/msg"), "no reason given");
					}
					case "failed" -> {
						return new Reading.Incomplete("the stream failed: "
								+ JsonValues.text(JsonValues.at(node, "/msg"), "no reason given"));
					}
					default -> {
						return new Reading.Changed("an unknown stream condition: " + abbreviate(line));
					}
				}
				continue;
			}
			if (check != null && JsonValues.at(node, check) == JsonValues.MISSING) {
				return new Reading.Changed("a record has nothing at the layout check " + check + ": " + abbreviate(line));
			}
			Object value = JsonValues.at(node, pointer);
			if (value == JsonValues.MISSING) {
				return new Reading.Changed("a record has nothing at " + pointer + ": " + abbreviate(line));
			}
			rows.add((value instanceof String name) ? name : null);
		}
		if (end == null) {
			return new Reading.Incomplete("the stream ended before its final {\"cond\":...} line, after " + rows.size()
					+ " record(s)");
		}
		return new Reading.Rows(rows, null, limit);
	}

	private static Reading.Rows hosts(Reading.Rows rows) {
		List<@Nullable String> hosts = new ArrayList<>(rows.rows().size());
		for (String url : rows.rows()) {
			hosts.add((url != null) ? hostOf(url) : null);
		}
		return new Reading.Rows(hosts, rows.total(), rows.limit());
	}

	/**
	 * The host of {@code url} ({@code https://user@Host.example.:8443/x} gives {@code Host.example.}), read by hand so
	 * that hosts {@link java.net.URI} refuses (underscores, trailing dots) still come through to the normaliser; a value
	 * without a scheme is taken as starting with its host.
	 */
	static @Nullable String hostOf(String url) {
		String text = url.trim();
		int scheme = text.indexOf("://");
		int start = (scheme >= 0) ? scheme + 3 : (text.startsWith("//") ? 2 : 0);
		int end = start;
		while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
			end++;
		}
		String authority = text.substring(start, end);
		authority = authority.substring(authority.lastIndexOf('@') + 1);
		if (authority.startsWith("[")) {
			return null;
		}
		int colon = authority.indexOf(':');
		String host = (colon >= 0) ? authority.substring(0, colon) : authority;
		return host.isEmpty() ? null : host;
	}

	/** The last number in {@code text} ({@code "11-20 of 1,037 results"} is 1037), or {@code null}. */
	static @Nullable Long lastNumber(@Nullable String text) {
		if (text == null) {
			return null;
		}
		Matcher matcher = NUMBER.matcher(text);
		String last = null;
		while (matcher.find()) {
			last = matcher.group();
		}
		if (last == null) {
			return null;
		}
		String digits = last.replace(",", "");
		return (digits.length() > 18) ? null : Long.valueOf(digits);
	}

	private static String abbreviate(String text) {
		return (text.length() <= 80) ? text : text.substring(0, 80) + "...";
	}

	/** What one page said. */
	sealed interface Reading {

		/** A block marker matched (or HTTP 429); the wait the answer named, if any. */
		record Blocked(Verdict verdict, String why, @Nullable Duration retryAfter) implements Reading {
		}

		/** A status no marker explained. */
		record Failed(int status) implements Reading {
		}

		/** A well-formed answer that says it is not whole (a stream cut before its end, or one that failed). */
		record Incomplete(String why) implements Reading {
		}

		/** An empty marker matched: the site knows no names. */
		record Empty(String marker) implements Reading {
		}

		/** The layout check failed, or the answer cannot be read as the extractor expects. */
		record Changed(String why) implements Reading {
		}

		/**
		 * The rows as shown, {@code null} for an entry without a usable value (a JSON {@code null}); the site's
		 * total, when it shows one; and why the source itself says it stopped short (a result limit), if it does.
		 */
		record Rows(List<@Nullable String> rows, @Nullable Long total, @Nullable String limit) implements Reading {

			public Rows {
				rows = Collections.unmodifiableList(new ArrayList<>(rows));
			}

			Rows(List<@Nullable String> rows, @Nullable Long total) {
				this(rows, total, null);
			}
		}

	}

}
