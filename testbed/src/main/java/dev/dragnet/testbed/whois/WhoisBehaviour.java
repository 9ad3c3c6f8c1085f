package dev.dragnet.testbed.whois;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How a {@link FakeWhoisServer} answers one query: what it writes, how fast, and whether it then closes.
 *
 * <p>Instances come from the static factories, hold no per-connection state and may serve any number of
 * connections at once. Unless a factory says otherwise, the server closes the connection once the behaviour
 * has written its bytes, as a WHOIS server does.
 */
public final class WhoisBehaviour {

	/** Bytes per write of {@link #slowDrip}: small enough to split words and multi-byte characters. */
	static final int DRIP_CHUNK_BYTES = 3;

	/** One line of {@link #endless}: 62 times 'x' then CRLF. */
	static final int ENDLESS_LINE_BYTES = 64;

	/** Bytes per write of {@link #endless}. */
	static final int ENDLESS_CHUNK_BYTES = 4096;

	private static final byte[] ENDLESS_CHUNK = endlessChunk();

	private final String description;

	private final Function<WhoisExchange, Mono<Void>> responder;

	private WhoisBehaviour(String description, Function<WhoisExchange, Mono<Void>> responder) {
		this.description = description;
		this.responder = responder;
	}

	/** Answers with {@code text} encoded as UTF-8, then closes. */
	public static WhoisBehaviour text(String text) {
		return text(text, StandardCharsets.UTF_8);
	}

	/** Answers with {@code text} encoded in {@code charset} (ISO-8859-1, GBK, ...), then closes. */
	public static WhoisBehaviour text(String text, Charset charset) {
		Objects.requireNonNull(text, "text");
		Objects.requireNonNull(charset, "charset");
		byte[] encoded = text.getBytes(charset);
		return new WhoisBehaviour("text(" + encoded.length + " bytes of " + charset.name() + ")",
				(exchange) -> exchange.send(encoded));
	}

	/** Answers with exactly these bytes (binary garbage, a broken encoding), then closes. */
	public static WhoisBehaviour bytes(byte[] bytes) {
		byte[] copy = Arrays.copyOf(Objects.requireNonNull(bytes, "bytes"), bytes.length);
		return new WhoisBehaviour("bytes(" + copy.length + ")", (exchange) -> exchange.send(copy));
	}

	/**
	 * Answers {@code No match for "<query>".} and CRLF, with the query line as received, then closes. This is
	 * what a {@link FakeWhoisServer} does for a query it has no answer for, unless told otherwise.
	 */
	public static WhoisBehaviour noMatch() {
		return new WhoisBehaviour("noMatch()",
				(exchange) -> exchange.send(noMatchText(exchange.query()).getBytes(StandardCharsets.UTF_8)));
	}

	/** Waits {@code delay} after reading the query, then behaves as {@code then}. */
	public static WhoisBehaviour delayed(Duration delay, WhoisBehaviour then) {
		requireNotNegative(delay, "delay");
		Objects.requireNonNull(then, "then");
		return new WhoisBehaviour("delayed(" + delay + ", " + then + ")",
				(exchange) -> Mono.delay(delay).then(Mono.defer(() -> then.respond(exchange))));
	}

	/** Reads the query and then neither answers nor closes; the connection stays open until the client or the server closes it. */
	public static WhoisBehaviour hang() {
		return new WhoisBehaviour("hang()", (exchange) -> Mono.never());
	}

	/** Closes the connection right after reading the query, without writing a byte. */
	public static WhoisBehaviour earlyClose() {
		return new WhoisBehaviour("earlyClose()", (exchange) -> Mono.empty());
	}

	/**
	 * Writes lines of {@code x} characters ending in CRLF, without end, until the client closes the connection.
	 * Chunks are produced only while the channel is writable, so a client that stops reading stops the stream and
	 * the fake buffers no more than a bounded number of chunks.
	 */
	public static WhoisBehaviour endless() {
		return new WhoisBehaviour("endless()",
				(exchange) -> exchange.send(Flux.<byte[]>generate((sink) -> sink.next(ENDLESS_CHUNK))));
	}

	/**
	 * Writes {@code text} as UTF-8, three bytes at a time, one chunk each {@code perChunk}
	 * (the first after one interval), then closes. Chunks may split a multi-byte character.
	 */
	public static WhoisBehaviour slowDrip(String text, Duration perChunk) {
		Objects.requireNonNull(text, "text");
		requirePositive(perChunk, "perChunk");
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		int chunks = (bytes.length + DRIP_CHUNK_BYTES - 1) / DRIP_CHUNK_BYTES;
		return new WhoisBehaviour("slowDrip(" + bytes.length + " bytes, " + perChunk + ")",
				(exchange) -> exchange.send(Flux.interval(perChunk).take(chunks).map((i) -> chunk(bytes, i.intValue()))));
	}

	/**
	 * Behaves as {@code first} for the first {@code times} queries it serves, then as {@code then}: a server
	 * that throttles the first asker and answers the next, say. The count is shared by every connection using
	 * this instance.
	 */
	public static WhoisBehaviour firstThen(int times, WhoisBehaviour first, WhoisBehaviour then) {
		Objects.requireNonNull(first, "first");
		Objects.requireNonNull(then, "then");
		AtomicInteger served = new AtomicInteger();
		return new WhoisBehaviour("firstThen(" + times + ", " + first + ", " + then + ")",
				(exchange) -> ((served.getAndIncrement() < times) ? first : then).respond(exchange));
	}

	/**
	 * Answers {@code format} with every {@code %s} replaced by the query line, as UTF-8, then closes: a registry
	 * that has a record for whatever it is asked.
	 */
	public static WhoisBehaviour template(String format) {
		Objects.requireNonNull(format, "format");
		return new WhoisBehaviour("template(" + format.length() + " chars)",
				(exchange) -> exchange.send(format.replace("%s", exchange.query()).getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * Behaves as {@code allowed} while the client's address is within {@code limit}, else as {@code refused}: a
	 * registry that limits each source address, as real ones do.
	 */
	public static WhoisBehaviour perClient(ClientRateLimit limit, WhoisBehaviour allowed, WhoisBehaviour refused) {
		Objects.requireNonNull(limit, "limit");
		Objects.requireNonNull(allowed, "allowed");
		Objects.requireNonNull(refused, "refused");
		return new WhoisBehaviour("perClient(" + limit + ", " + allowed + ", " + refused + ")",
				(exchange) -> (limit.tryAcquire(exchange.clientAddress()) ? allowed : refused).respond(exchange));
	}

	/**
	 * Behaves as {@code there} for connections from {@code address} (IP text, {@code 127.0.0.2}) and as
	 * {@code elsewhere} for every other: a registry that has banned one source, silently ({@link #earlyClose()}) or
	 * with a notice, and answers the rest.
	 */
	public static WhoisBehaviour fromAddress(String address, WhoisBehaviour there, WhoisBehaviour elsewhere) {
		Objects.requireNonNull(address, "address");
		Objects.requireNonNull(there, "there");
		Objects.requireNonNull(elsewhere, "elsewhere");
		return new WhoisBehaviour("fromAddress(" + address + ", " + there + ", " + elsewhere + ")",
				(exchange) -> (address.equals(exchange.clientAddress()) ? there : elsewhere).respond(exchange));
	}

	/**
	 * A registry's per-client rate limit: behaves as {@code then} for at most {@code limit} queries per client
	 * address in any sliding {@code window}, and as {@code throttled} (a throttle notice, say) for the queries
	 * beyond, which do not count. Clients are told apart by their IP address, so probes on one machine share
	 * one limit, as they would at a real registry.
	 */
	public static WhoisBehaviour rateLimited(int limit, Duration window, WhoisBehaviour throttled, WhoisBehaviour then) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1: " + limit);
		}
		requirePositive(window, "window");
		Objects.requireNonNull(throttled, "throttled");
		Objects.requireNonNull(then, "then");
		Map<String, ArrayDeque<Long>> recent = new ConcurrentHashMap<>();
		return new WhoisBehaviour("rateLimited(" + limit + " per " + window + ", " + throttled + ", " + then + ")",
				(exchange) -> {
					ArrayDeque<Long> starts = recent.computeIfAbsent(exchange.clientAddress(), (c) -> new ArrayDeque<>());
					long now = System.nanoTime();
					boolean allowed;
					synchronized (starts) {
						while (!starts.isEmpty() && now - starts.peekFirst() >= window.toNanos()) {
							starts.pollFirst();
						}
						allowed = starts.size() < limit;
						if (allowed) {
							starts.addLast(now);
						}
					}
					return (allowed ? then : throttled).respond(exchange);
				});
	}

	/** The answer of {@link #noMatch()} to {@code query}. */
	static String noMatchText(String query) {
		return "No match for \"" + query + "\".\r\n";
	}

	/** What to do on one connection; the server closes it when the returned Mono completes. */
	Mono<Void> respond(WhoisExchange exchange) {
		return this.responder.apply(exchange);
	}

	@Override
	public String toString() {
		return this.description;
	}

	private static byte[] chunk(byte[] bytes, int index) {
		int from = index * DRIP_CHUNK_BYTES;
		return Arrays.copyOfRange(bytes, from, Math.min(from + DRIP_CHUNK_BYTES, bytes.length));
	}

	private static byte[] endlessChunk() {
		byte[] chunk = new byte[ENDLESS_CHUNK_BYTES];
		Arrays.fill(chunk, (byte) 'x');
		for (int end = ENDLESS_LINE_BYTES; end <= chunk.length; end += ENDLESS_LINE_BYTES) {
			chunk[end - 2] = '\r';
			chunk[end - 1] = '\n';
		}
		return chunk;
	}

	private static void requireNotNegative(Duration duration, String name) {
		if (Objects.requireNonNull(duration, name).isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative: " + duration);
		}
	}

	private static void requirePositive(Duration duration, String name) {
		requireNotNegative(duration, name);
		if (duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive: " + duration);
		}
	}

}
