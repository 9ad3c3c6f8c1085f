package dev.dragnet.testbed.rdap;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * How a {@link FakeRdapServer} answers one request: status, headers, body, and how fast.
 *
 * <p>Instances come from the static factories, hold no per-request state and may serve any number of requests at
 * once. {@link #withHeader} adds a response header (for example {@code Cache-Control}) to a copy.
 */
public final class RdapBehaviour {

	/** Media type of RDAP answers (RFC 7480). */
	public static final String RDAP_JSON = "application/rdap+json";

	/** Bytes per write of {@link #huge()}. */
	static final int HUGE_CHUNK_BYTES = 8192;

	private static final byte[] HUGE_START = "{\"objectClassName\":\"domain\",\"remarks\":[{\"description\":[\""
		.getBytes(StandardCharsets.US_ASCII);

	private static final byte[] HUGE_CHUNK = hugeChunk();

	private final String description;

	private final Map<String, String> headers;

	private final Function<HttpServerResponse, Mono<Void>> responder;

	private RdapBehaviour(String description, Map<String, String> headers,
			Function<HttpServerResponse, Mono<Void>> responder) {
		this.description = description;
		this.headers = Map.copyOf(headers);
		this.responder = responder;
	}

	private static RdapBehaviour of(String description, Function<HttpServerResponse, Mono<Void>> responder) {
		return new RdapBehaviour(description, Map.of(), responder);
	}

	/** Answers 200 with {@code json} as {@code application/rdap+json}. */
	public static RdapBehaviour rdap(String json) {
		return json(200, json);
	}

	/** Answers {@code status} with {@code json} as {@code application/rdap+json}. */
	public static RdapBehaviour json(int status, String json) {
		return text(status, RDAP_JSON, json);
	}

	/** Answers {@code status} with {@code body} as UTF-8 of the given content type (HTML, plain text, ...). */
	public static RdapBehaviour text(int status, String contentType, String body) {
		Objects.requireNonNull(contentType, "contentType");
		byte[] bytes = Objects.requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8);
		return of("text(" + status + ", " + contentType + ", " + bytes.length + " bytes)",
				(response) -> response.status(status)
					.header("Content-Type", contentType)
					.header("Content-Length", Integer.toString(bytes.length))
					.sendByteArray(Mono.just(bytes))
					.then());
	}

	/** Answers {@code status} with an RDAP error object (RFC 9083 section 6) naming it. */
	public static RdapBehaviour error(int status, String title, String description) {
		return json(status, RdapDocuments.error(status, title, description));
	}

	/** Answers 404 with an RDAP error object: the object does not exist. */
	public static RdapBehaviour notFound(String description) {
		return error(404, "Not Found", description);
	}

	/**
	 * Answers 429 with {@code Retry-After: <seconds>} and an RDAP error object carrying a rate-limit notice, as
	 * registries do when one source address asks too often.
	 */
	public static RdapBehaviour throttled(long retryAfterSeconds) {
		if (retryAfterSeconds < 0) {
			throw new IllegalArgumentException("retryAfterSeconds must not be negative");
		}
		return throttledWith(Long.toString(retryAfterSeconds));
	}

	/** Answers 429 with {@code Retry-After} set to exactly {@code retryAfter} (seconds or an HTTP date). */
	public static RdapBehaviour throttledWith(String retryAfter) {
		Objects.requireNonNull(retryAfter, "retryAfter");
		return error(429, "Too Many Requests", "Rate Limit is maxed at 10 queries per 1 minutes")
			.withHeader("Retry-After", retryAfter);
	}

	/** Answers {@code status} (301, 302, 307, 308) with {@code Location: location} and no body. */
	public static RdapBehaviour redirect(int status, String location) {
		if (status < 300 || status > 399) {
			throw new IllegalArgumentException("a redirect needs a 3xx status, not " + status);
		}
		Objects.requireNonNull(location, "location");
		return of("redirect(" + status + ", " + location + ")",
				(response) -> response.status(status).header("Location", location).header("Content-Length", "0").send());
	}

	/** Waits {@code delay} after reading the request, then behaves as {@code then}. */
	public static RdapBehaviour delayed(Duration delay, RdapBehaviour then) {
		Objects.requireNonNull(delay, "delay");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative");
		}
		Objects.requireNonNull(then, "then");
		return new RdapBehaviour("delayed(" + delay + ", " + then + ")", then.headers,
				(response) -> Mono.delay(delay).then(Mono.defer(() -> then.responder.apply(response))));
	}

	/** Reads the request and then never answers; the connection stays open until the client or server closes it. */
	public static RdapBehaviour hang() {
		return of("hang()", (response) -> Mono.never());
	}

	/**
	 * Answers 200 {@code application/rdap+json} with a body that never ends (chunked, the start of a JSON object
	 * then {@code x} forever), until the client closes. Chunks are produced only as the channel can take them.
	 */
	public static RdapBehaviour huge() {
		return of("huge()", (response) -> response.status(200)
			.header("Content-Type", RDAP_JSON)
			.sendByteArray(Flux.concat(Mono.just(HUGE_START), Flux.<byte[]>generate((sink) -> sink.next(HUGE_CHUNK))))
			.then());
	}

	/** This behaviour with one more response header (replacing one of the same name). */
	public RdapBehaviour withHeader(String name, String value) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(value, "value");
		Map<String, String> more = new LinkedHashMap<>(this.headers);
		more.put(name, value);
		return new RdapBehaviour(this.description + ".withHeader(" + name + ")", more, this.responder);
	}

	/** Writes the answer; the server ends the exchange when the returned Mono completes. */
	Mono<Void> respond(HttpServerResponse response) {
		this.headers.forEach(response::header);
		return this.responder.apply(response);
	}

	@Override
	public String toString() {
		return this.description;
	}

	private static byte[] hugeChunk() {
		byte[] chunk = new byte[HUGE_CHUNK_BYTES];
		Arrays.fill(chunk, (byte) 'x');
		return chunk;
	}
}
