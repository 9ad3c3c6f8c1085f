package dev.dragnet.probe.rdap;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import dev.dragnet.probe.http.GuardedHttp;
import dev.dragnet.probe.http.RetryAfter;
import dev.dragnet.probe.net.NativeErrors;
import dev.dragnet.probe.net.ProbeLoops;
import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.protocol.Pace;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.RdapQuery;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.TaskResult.Outcome;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Asks RDAP servers (RFC 7480-7484, 9082/9083) as {@link RdapQuery} describes: {@code GET url} with
 * {@code Accept: application/rdap+json, application/json}, then, when asked and the answer links one, the
 * {@code related} record (the registrar's, for thin registries).
 *
 * <p><b>The answer.</b> The result's {@code text} is {@code {"responses":[{"url":...,"status":200,"body":{...}},...]}},
 * registry first, at most two entries; {@code url} is where the answer finally came from (after redirects) and
 * {@code body} the parsed JSON, absent when the answer was not JSON.
 * <ul>
 * <li>2xx with a JSON object: {@link Outcome#OK}; a 2xx that is not JSON is {@link Outcome#ERROR} "not RDAP JSON".</li>
 * <li>404: {@link Outcome#OK} with status 404 (the object does not exist); the body is kept when it is JSON.</li>
 * <li>429: {@link Outcome#THROTTLED} with {@code retryAfterMillis} from {@code Retry-After} (seconds or an HTTP
 * date), and the 429 answer as text.</li>
 * <li>Any other status (5xx, 400, 403, ...): {@link Outcome#ERROR} naming it, with the answer as text.</li>
 * <li>Redirects (301, 302, 303, 307, 308) are followed, at most {@value #MAX_REDIRECTS}, each hop under the same
 * policy checks; more is {@link Outcome#ERROR}.</li>
 * <li>A body longer than the byte cap is {@link Outcome#ERROR} "answer ... larger than N bytes": a cut JSON document
 * is of no use, so nothing is kept. The cap is the task's {@code maxBytes}, at most {@value #MAX_BODY_BYTES}
 * bytes, so that two answers always fit one result frame.</li>
 * </ul>
 *
 * <p><b>The related record</b> never spoils the registry's answer: whatever happens to it, the result is the
 * registry's outcome, and {@code detail} says what went wrong with the related hop. A 429 from the registrar gives
 * the registry's answer alone, with a detail saying the registrar throttled us. The related hop gets what is left of
 * the deadline, less a small reserve, so that a slow registrar cannot cost the registry's answer.
 *
 * <p><b>Deadlines and policy.</b> Every request has a connect timeout (the task's), a response timeout, and the whole
 * task one overall deadline; timeouts are {@link Outcome#TIMEOUT}, connection and TLS failures
 * {@link Outcome#CONNECT_FAILED}. Each host is resolved without blocking and, unless private servers are allowed,
 * refused ({@link Outcome#REFUSED}) when any of its addresses is loopback, private or otherwise non-public; the
 * connection goes to the exact address checked. Plain {@code http://} is refused too unless private servers are
 * allowed (tests run plain HTTP on loopback); {@code https://} uses the JDK's default trust store and checks the
 * host name. Requests to the task's host are paced by the task's {@link Pace} through the shared
 * {@link HostPacer}; requests to other hosts (the registrar) are counted there but not delayed.
 *
 * <p>The returned {@code Mono} never errors: every failure is a {@link TaskResult} with a readable {@code detail}.
 */
public final class RdapClient {

	/** Largest body kept, whatever the task asks: two of them and their JSON escaping must fit one frame. */
	static final int MAX_BODY_BYTES = 512 * 1024;

	/** Redirects followed per request. */
	static final int MAX_REDIRECTS = 3;

	/** Largest result text; beyond it the related record is left out. */
	static final int MAX_TEXT_BYTES = Protocol.MAX_FRAME_BYTES * 3 / 4;

	/** What the client accepts (RFC 7480 section 4.2). */
	static final String ACCEPT = "application/rdap+json, application/json";

	/** Time kept back from the related hop for the registry's answer to go out. */
	private static final Duration RELATED_RESERVE = Duration.ofMillis(250);

	private final GuardedHttp transport;

	/**
	 * A client with its own pacer.
	 * @param allowPrivateServers whether loopback and private addresses, and plain HTTP, may be used (tests, labs)
	 */
	public RdapClient(boolean allowPrivateServers) {
		this(allowPrivateServers, new HostPacer(), "dragnet-probe");
	}

	/**
	 * @param allowPrivateServers whether loopback and private addresses, and plain HTTP, may be used (tests, labs)
	 * @param pacer the probe's pacer, shared with its other clients
	 * @param userAgent the {@code User-Agent} to send
	 */
	public RdapClient(boolean allowPrivateServers, HostPacer pacer, String userAgent) {
		this.transport = new GuardedHttp(allowPrivateServers, pacer, HttpClient.newConnection()
			.runOn(ProbeLoops.get())
			.compress(true)
			.headers((headers) -> headers.set(HttpHeaderNames.ACCEPT, ACCEPT).set(HttpHeaderNames.USER_AGENT, userAgent)),
				MAX_REDIRECTS);
	}

	/**
	 * Runs one RDAP query.
	 * @param taskId the id the result carries
	 * @param query what to ask
	 * @param deadline time allowed for everything, related record included, from subscription
	 * @return the result; never an error signal
	 */
	public Mono<TaskResult> query(String taskId, RdapQuery query, Duration deadline) {
		return Mono.defer(() -> {
			Exchange exchange = new Exchange(taskId, query, deadline);
			return run(exchange)
				.timeout(deadline)
				.onErrorMap(TimeoutException.class, (ex) -> exchange.deadlinePassed())
				.onErrorResume((ex) -> Mono.just(exchange.failed(ex)));
		});
	}

	private Mono<TaskResult> run(Exchange exchange) {
		if (exchange.query.maxBytes() < 1) {
			return Mono.error(new RdapFailure(Outcome.REFUSED, "invalid byte cap " + exchange.query.maxBytes()));
		}
		URI url = GuardedHttp.parse(exchange.query.url());
		if (url == null) {
			return Mono.error(new RdapFailure(Outcome.REFUSED, "not an http(s) URL with a host: " + exchange.query.url()));
		}
		exchange.registryHost = url.getHost();
		return fetch(exchange, url).flatMap((hop) -> registryAnswered(exchange, hop));
	}

	// ---- one request, its redirects, and the policy ------------------------------------------------------

	/** GETs {@code url} through the probe's guarded transport: policy, pin, pace, cap and redirects. */
	private Mono<Hop> fetch(Exchange exchange, URI url) {
		return this.transport.fetch(new RdapExchange(exchange), url, "GET", null, exchange.bodyCap()).map((response) -> {
			exchange.received(response.body().length);
			return Hop.of(response.url(), response.status(), response.headers(), response.body());
		});
	}

	/** An RDAP exchange as the transport sees it: RDAP outcomes, the task's pace for the registry, its timeouts. */
	private record RdapExchange(Exchange exchange) implements GuardedHttp.Exchange {

		@Override
		public RuntimeException failure(GuardedHttp.Failure failure, String detail, @Nullable Throwable cause) {
			Outcome outcome = switch (failure) {
				case SCHEME_REFUSED, ADDRESS_REFUSED -> Outcome.REFUSED;
				case UNRESOLVED -> Outcome.CONNECT_FAILED;
				case TOO_LARGE, BAD_REDIRECT -> Outcome.ERROR;
			};
			return (cause != null) ? new RdapFailure(outcome, detail, cause) : new RdapFailure(outcome, detail);
		}

		@Override
		public @Nullable Pace pace(URI url) {
			return url.getHost().equalsIgnoreCase(this.exchange.registryHost) ? this.exchange.query.pace() : null;
		}

		@Override
		public int connectTimeoutMillis() {
			return this.exchange.connectTimeoutMillis();
		}

		@Override
		public Duration responseTimeout() {
			return this.exchange.deadline;
		}

		@Override
		public void at(GuardedHttp.Step step, URI url) {
			this.exchange.at(switch (step) {
				case RESOLVING -> Phase.RESOLVING;
				case PACING -> Phase.PACING;
				case CONNECTING -> Phase.CONNECTING;
				case WAITING -> Phase.WAITING;
				case READING -> Phase.READING;
			}, url);
		}
	}

	// ---- what the answers mean ---------------------------------------------------------------------------

	private Mono<TaskResult> registryAnswered(Exchange exchange, Hop hop) {
		int status = hop.status();
		if (status == 429) {
			return Mono.just(exchange.throttled(hop));
		}
		if (status == 404) {
			return Mono.just(exchange.answered(List.of(hop), null));
		}
		if (!hop.isSuccess()) {
			return Mono.just(exchange.httpError(hop));
		}
		RdapJson.Document json = hop.json();
		if (json == null) {
			return Mono.error(new RdapFailure(Outcome.ERROR, "not RDAP JSON: " + hop.url() + " answered HTTP " + status
					+ " with " + hop.contentType()));
		}
		URI related = exchange.query.followRelated() ? RelatedLink.find(json.links(), hop.url()) : null;
		if (related == null) {
			return Mono.just(exchange.answered(List.of(hop), null));
		}
		return related(exchange, related).map((outcome) -> exchange.withRelated(hop, outcome));
	}

	/** Fetches the related record within what is left of the deadline; never errors. */
	private Mono<Related> related(Exchange exchange, URI url) {
		Duration budget = exchange.remaining().minus(RELATED_RESERVE);
		if (budget.compareTo(Duration.ofMillis(1)) < 0) {
			return Mono.just(new Related(null, "no time left to fetch the related record " + url));
		}
		return fetch(exchange, url)
			.map((hop) -> new Related(hop, null))
			.timeout(budget)
			.onErrorResume((ex) -> Mono.just(new Related(null, "related record " + url + " not fetched: "
					+ exchange.classify(ex, budget).getMessage())));
	}

	// ---- small pieces -------------------------------------------------------------------------------------

	/**
	 * One HTTP answer.
	 * @param json the body as a JSON object, or {@code null} when it is not one
	 */
	private record Hop(URI url, int status, HttpHeaders headers, RdapJson.@Nullable Document json) {

		static Hop of(URI url, int status, HttpHeaders headers, byte[] body) {
			return new Hop(url, status, headers, RdapJson.read(body));
		}

		boolean isSuccess() {
			return this.status >= 200 && this.status < 300;
		}

		String contentType() {
			String type = this.headers.get(HttpHeaderNames.CONTENT_TYPE);
			return type == null ? "no content type" : type;
		}
	}

	/** What became of the related hop: an answer, or why there is none. */
	private record Related(@Nullable Hop hop, @Nullable String note) {
	}

	/** Where an exchange stands, for a timeout's detail. */
	private enum Phase {

		RESOLVING("resolving the host name"), PACING("waiting for its turn at the host"), CONNECTING("connecting"),
		WAITING("waiting for the answer"), READING("reading the answer");

		private final String words;

		Phase(String words) {
			this.words = words;
		}
	}

	/** One query in progress: its clock, where it stands, and the bytes received. */
	private static final class Exchange {

		private final String taskId;

		private final RdapQuery query;

		private final Duration deadline;

		private final long startNanos = System.nanoTime();

		private volatile String registryHost = "";

		private volatile Phase phase = Phase.RESOLVING;

		private volatile @Nullable URI current;

		private volatile long received;

		Exchange(String taskId, RdapQuery query, Duration deadline) {
			this.taskId = taskId;
			this.query = query;
			this.deadline = deadline;
		}

		void at(Phase phase, URI url) {
			this.phase = phase;
			this.current = url;
		}

		synchronized void received(int bytes) {
			this.received += bytes;
		}

		int bodyCap() {
			return Math.max(1, Math.min(this.query.maxBytes(), MAX_BODY_BYTES));
		}

		int connectTimeoutMillis() {
			long deadlineMillis = Math.max(1, this.deadline.toMillis());
			long connect = this.query.connectTimeoutMillis() > 0 ? this.query.connectTimeoutMillis() : deadlineMillis;
			return (int) Math.min(Math.min(connect, deadlineMillis), Integer.MAX_VALUE);
		}

		long elapsedMillis() {
			return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.startNanos);
		}

		Duration remaining() {
			return this.deadline.minusNanos(System.nanoTime() - this.startNanos);
		}

		TaskResult answered(List<Hop> hops, @Nullable String detail) {
			return result(Outcome.OK, responses(hops), detail, null);
		}

		TaskResult withRelated(Hop registry, Related related) {
			List<Hop> hops = new ArrayList<>(List.of(registry));
			String note = related.note();
			Hop hop = related.hop();
			if (hop != null && hop.status() == 429) {
				Long wait = RetryAfter.millis(hop.headers().get(HttpHeaderNames.RETRY_AFTER), Instant.now());
				note = "the registrar's RDAP server throttled us (HTTP 429 from " + hop.url().getHost()
						+ (wait != null ? ", retry after " + seconds(wait) : "") + "); only the registry's answer is given";
			}
			else if (hop != null) {
				hops.add(hop);
				if (!hop.isSuccess()) {
					note = "related record " + hop.url() + " answered HTTP " + hop.status();
				}
				else if (hop.json() == null) {
					note = "related record " + hop.url() + " is not RDAP JSON (" + hop.contentType() + ")";
				}
			}
			String text = responses(hops);
			if (hops.size() > 1 && utf8Length(text) > MAX_TEXT_BYTES) {
				text = responses(List.of(registry));
				note = "related record " + hops.get(1).url() + " left out: both answers would not fit one result";
			}
			return result(Outcome.OK, text, note, null);
		}

		TaskResult throttled(Hop hop) {
			Long wait = RetryAfter.millis(hop.headers().get(HttpHeaderNames.RETRY_AFTER), Instant.now());
			String detail = "HTTP 429 (too many requests) from " + hop.url().getHost()
					+ (wait != null ? "; retry after " + seconds(wait) : "");
			return result(Outcome.THROTTLED, responses(List.of(hop)), detail, wait);
		}

		TaskResult httpError(Hop hop) {
			return result(Outcome.ERROR, responses(List.of(hop)), "HTTP " + hop.status() + " from " + hop.url(), null);
		}

		RdapFailure deadlinePassed() {
			URI url = this.current;
			return new RdapFailure(Outcome.TIMEOUT, "deadline of " + this.deadline.toMillis() + " ms passed while "
					+ this.phase.words + (url != null ? " (" + url + ")" : ""));
		}

		TaskResult failed(Throwable error) {
			RdapFailure failure = classify(error, this.deadline);
			return result(failure.outcome(), null, failure.getMessage(), null);
		}

		RdapFailure classify(Throwable error, Duration timeout) {
			if (error instanceof RdapFailure failure) {
				return failure;
			}
			URI url = this.current;
			String target = url != null ? GuardedHttp.target(url) : "the RDAP server";
			if (error instanceof TimeoutException) {
				return new RdapFailure(Outcome.TIMEOUT, "no answer within " + timeout.toMillis() + " ms while "
						+ this.phase.words, error);
			}
			if (error instanceof ConnectTimeoutException) {
				return new RdapFailure(Outcome.TIMEOUT,
						"connect to " + target + " timed out after " + connectTimeoutMillis() + " ms", error);
			}
			if (error instanceof ReadTimeoutException) {
				return new RdapFailure(Outcome.TIMEOUT, "no data from " + target + " within " + timeout.toMillis()
						+ " ms while " + this.phase.words, error);
			}
			if (error instanceof SSLException) {
				return new RdapFailure(Outcome.CONNECT_FAILED,
						"TLS with " + target + " failed: " + NativeErrors.describe(error), error);
			}
			if (error instanceof ConnectException || error instanceof NoRouteToHostException
					|| error instanceof UnknownHostException
					|| (error instanceof IOException && this.phase == Phase.CONNECTING)) {
				return new RdapFailure(Outcome.CONNECT_FAILED,
						"cannot connect to " + target + ": " + NativeErrors.describe(error), error);
			}
			if (error instanceof PrematureCloseException) {
				return new RdapFailure(Outcome.ERROR, target + " closed the connection while " + this.phase.words, error);
			}
			return new RdapFailure(Outcome.ERROR, "failed while " + this.phase.words + " (" + target + "): "
					+ NativeErrors.describe(error), error);
		}

		private TaskResult result(Outcome outcome, @Nullable String text, @Nullable String detail,
				@Nullable Long retryAfterMillis) {
			return new TaskResult(this.taskId, outcome, text, this.received, elapsedMillis(), detail, retryAfterMillis);
		}

		private static String responses(List<Hop> hops) {
			return RdapJson.responses(hops.stream()
				.map((hop) -> new RdapJson.Response(hop.url(), hop.status(), hop.json()))
				.toList());
		}

		private static long utf8Length(String text) {
			// A char is at most 3 UTF-8 bytes; most texts need no exact count.
			return text.length() * 3L <= MAX_TEXT_BYTES ? text.length()
					: text.getBytes(StandardCharsets.UTF_8).length;
		}

		private static String seconds(long millis) {
			return String.format(Locale.ROOT, "%.0f s", Math.ceil(millis / 1000.0));
		}
	}
}
