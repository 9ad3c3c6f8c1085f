package dev.dragnet.probe.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import dev.dragnet.net.Addresses;
import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.net.HostResolver;
import dev.dragnet.protocol.Pace;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/**
 * The probe's one HTTP transport for talking to servers other people name (RDAP servers, reverse-IP sites): the
 * scheme check, a non-blocking lookup, the address policy on every address, the connection pinned to the exact
 * address checked (the host name kept for TLS), pacing, a capped read and redirects, each hop under the same policy.
 *
 * <p>Unless private servers are allowed, plain {@code http://} and hosts with any non-public address
 * ({@link Addresses#isNonPublic}) are refused before anything is sent. Each caller keeps its own failure type: the
 * transport asks {@link Exchange#failure} to build every error it raises.
 */
public final class GuardedHttp {

	/** What went wrong in the transport, for the caller's failure factory. */
	public enum Failure {

		/** Not https (plain http is allowed only with private servers). */
		SCHEME_REFUSED,

		/** The host has no address. */
		UNRESOLVED,

		/** The host has a non-public address. */
		ADDRESS_REFUSED,

		/** The body is larger than the cap. */
		TOO_LARGE,

		/** A redirect without a usable {@code Location}, refused by the caller, or one too many. */
		BAD_REDIRECT

	}

	/** Where a request stands, for a timeout's detail. */
	public enum Step {

		RESOLVING, PACING, CONNECTING, WAITING, READING

	}

	/** One request's context, given by the caller. */
	public interface Exchange {

		/** Builds the caller's own error for a transport failure. */
		RuntimeException failure(Failure failure, String detail, @Nullable Throwable cause);

		/** The pace for requests to {@code url}'s host, or {@code null} to count them without delay. */
		@Nullable Pace pace(URI url);

		/** Connect timeout of the next request, in milliseconds. */
		int connectTimeoutMillis();

		/** Response timeout of the next request. */
		Duration responseTimeout();

		/** Sets the caller's own request headers (after {@code Host}). */
		default void headers(HttpHeaders headers) {
		}

		/** The request has reached {@code step}. */
		default void at(Step step, URI url) {
		}

		/** Why a redirect from {@code from} to {@code to} must not be followed, or {@code null}. */
		default @Nullable String redirectRefusal(URI from, URI to) {
			return null;
		}
	}

	/** The final answer: its URL (after redirects), status, headers and body. */
	public record Response(URI url, int status, HttpHeaders headers, byte[] body) {
	}

	private final boolean allowPrivateServers;

	private final HostPacer pacer;

	private final HostResolver resolver = new HostResolver();

	private final HttpClient http;

	private final int maxRedirects;

	/**
	 * @param allowPrivateServers whether loopback and private addresses, and plain HTTP, may be used (tests, labs)
	 * @param pacer the probe's pacer
	 * @param http the client with the caller's fixed headers; redirects are followed here, not by it
	 * @param maxRedirects redirects followed per request
	 */
	public GuardedHttp(boolean allowPrivateServers, HostPacer pacer, HttpClient http, int maxRedirects) {
		this.allowPrivateServers = allowPrivateServers;
		this.pacer = pacer;
		this.http = http.followRedirect(false);
		this.maxRedirects = maxRedirects;
	}

	/**
	 * Sends {@code method} (with {@code form}, a URL-encoded body, or none) to {@code url} under the policy and the
	 * pace, following redirects (307 and 308 keep the method and body; the others become GET).
	 */
	public Mono<Response> fetch(Exchange exchange, URI url, String method, @Nullable String form, int maxBytes) {
		return fetch(exchange, url, method, form, maxBytes, this.maxRedirects);
	}

	private Mono<Response> fetch(Exchange exchange, URI url, String method, @Nullable String form, int maxBytes,
			int redirectsLeft) {
		String scheme = url.getScheme().toLowerCase(Locale.ROOT);
		if (!scheme.equals("https") && !(scheme.equals("http") && this.allowPrivateServers)) {
			return Mono.error(exchange.failure(Failure.SCHEME_REFUSED,
					"refusing a plain " + scheme + ":// URL (only https is allowed): " + url, null));
		}
		exchange.at(Step.RESOLVING, url);
		return checkedAddress(exchange, url).flatMap((address) -> {
			exchange.at(Step.PACING, url);
			return this.pacer.paced(url.getHost(), exchange.pace(url),
					request(exchange, url, address, method, form, maxBytes));
		})
			.flatMap((response) -> isRedirect(response.status())
					? redirect(exchange, response, method, form, maxBytes, redirectsLeft) : Mono.just(response));
	}

	/** Resolves the host, applies the address policy, and pins the address to connect to (named, for TLS). */
	private Mono<InetSocketAddress> checkedAddress(Exchange exchange, URI url) {
		String host = url.getHost();
		int port = port(url);
		return this.resolver.resolve(host, port)
			.onErrorMap(UnknownHostException.class,
					(ex) -> exchange.failure(Failure.UNRESOLVED, "cannot resolve " + host, ex))
			.map((addresses) -> pinned(exchange, host, port, allowedAddress(exchange, host, addresses)));
	}

	private InetAddress allowedAddress(Exchange exchange, String host, List<InetAddress> addresses) {
		if (addresses.isEmpty()) {
			throw exchange.failure(Failure.UNRESOLVED, "cannot resolve " + host + ": no address", null);
		}
		if (!this.allowPrivateServers) {
			for (InetAddress address : addresses) {
				if (Addresses.isNonPublic(address)) {
					throw exchange.failure(Failure.ADDRESS_REFUSED, "refusing to contact a private or loopback address: "
							+ host + " is " + address.getHostAddress(), null);
				}
			}
		}
		return addresses.get(0);
	}

	/** The checked address carrying the host name without a lookup: TLS checks the name, we connect here. */
	private static InetSocketAddress pinned(Exchange exchange, String host, int port, InetAddress address) {
		if (Addresses.parseLiteral(host) != null) {
			return new InetSocketAddress(address, port);
		}
		try {
			return new InetSocketAddress(InetAddress.getByAddress(host, address.getAddress()), port);
		}
		catch (UnknownHostException ex) {
			throw exchange.failure(Failure.UNRESOLVED, "unusable address for " + host, ex);
		}
	}

	private Mono<Response> request(Exchange exchange, URI url, InetSocketAddress address, String method,
			@Nullable String form, int maxBytes) {
		return Mono.defer(() -> {
			exchange.at(Step.CONNECTING, url);
			HttpClient.RequestSender sender = client(exchange, url, address, form != null)
				.request(HttpMethod.valueOf(method))
				.uri(pathAndQuery(url));
			HttpClient.ResponseReceiver<?> receiver = (form != null)
					? sender.send(ByteBufFlux.fromString(Mono.just(form), StandardCharsets.UTF_8, ByteBufAllocator.DEFAULT))
					: sender;
			return receiver.response((response, body) -> {
				exchange.at(Step.READING, url);
				int status = response.status().code();
				if (isRedirect(status)) {
					return Mono.just(new Response(url, status, response.responseHeaders(), new byte[0]));
				}
				return read(exchange, body, maxBytes, url)
					.map((bytes) -> new Response(url, status, response.responseHeaders(), bytes));
			}).single();
		});
	}

	private HttpClient client(Exchange exchange, URI url, InetSocketAddress address, boolean form) {
		HttpClient client = this.http.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, exchange.connectTimeoutMillis())
			.responseTimeout(exchange.responseTimeout())
			.remoteAddress(() -> address)
			.headers((headers) -> {
				headers.set(HttpHeaderNames.HOST, hostHeader(url));
				if (form) {
					headers.set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded; charset=UTF-8");
				}
				exchange.headers(headers);
			})
			.doOnConnected((connection) -> exchange.at(Step.WAITING, url));
		return "https".equalsIgnoreCase(url.getScheme()) ? client.secure() : client.noSSL();
	}

	private static Mono<byte[]> read(Exchange exchange, Flux<ByteBuf> body, int cap, URI url) {
		CappedBuffer buffer = new CappedBuffer(cap);
		return body.<Void>handle((chunk, sink) -> {
			if (!buffer.append(chunk)) {
				// Cancelling the body closes the connection: the rest is never read.
				sink.error(exchange.failure(Failure.TOO_LARGE,
						"answer from " + url.getHost() + " larger than " + cap + " bytes", null));
			}
		}).then(Mono.fromCallable(buffer::bytes));
	}

	private Mono<Response> redirect(Exchange exchange, Response response, String method, @Nullable String form,
			int maxBytes, int redirectsLeft) {
		String location = response.headers().get(HttpHeaderNames.LOCATION);
		String from = "HTTP " + response.status() + " from " + response.url().getHost();
		if (location == null || location.isBlank()) {
			return Mono.error(exchange.failure(Failure.BAD_REDIRECT, from + " without a Location", null));
		}
		URI next = resolve(response.url(), location.trim());
		if (next == null) {
			return Mono.error(exchange.failure(Failure.BAD_REDIRECT, from + " to an unusable Location: " + location,
					null));
		}
		String refusal = exchange.redirectRefusal(response.url(), next);
		if (refusal != null) {
			return Mono.error(exchange.failure(Failure.BAD_REDIRECT, refusal, null));
		}
		if (redirectsLeft <= 0) {
			return Mono.error(exchange.failure(Failure.BAD_REDIRECT,
					"more than " + this.maxRedirects + " redirects, the last to " + next, null));
		}
		boolean keepsMethod = response.status() == 307 || response.status() == 308;
		return fetch(exchange, next, keepsMethod ? method : "GET", keepsMethod ? form : null, maxBytes,
				redirectsLeft - 1);
	}

	// ---- small pieces -------------------------------------------------------------------------------------

	/** {@code text} as an absolute http(s) URI with a host and no user info, or {@code null}. */
	public static @Nullable URI parse(String text) {
		try {
			URI url = new URI(text);
			String scheme = (url.getScheme() == null) ? "" : url.getScheme().toLowerCase(Locale.ROOT);
			boolean web = scheme.equals("http") || scheme.equals("https");
			return (web && url.getHost() != null && url.getRawUserInfo() == null) ? url : null;
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	/** {@code reference} resolved against {@code base}, if the result is a usable http(s) URL. */
	public static @Nullable URI resolve(URI base, String reference) {
		try {
			return parse(base.resolve(new URI(reference)).normalize().toString());
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			return null;
		}
	}

	/** The port {@code url} names, or its scheme's. */
	public static int port(URI url) {
		if (url.getPort() > 0) {
			return url.getPort();
		}
		return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
	}

	/** {@code host:port}, for details. */
	public static String target(URI url) {
		return url.getHost() + ":" + port(url);
	}

	private static boolean isRedirect(int status) {
		return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
	}

	private static String hostHeader(URI url) {
		return (url.getPort() > 0) ? url.getHost() + ":" + url.getPort() : url.getHost();
	}

	private static String pathAndQuery(URI url) {
		String path = (url.getRawPath() == null || url.getRawPath().isEmpty()) ? "/" : url.getRawPath();
		return (url.getRawQuery() == null) ? path : path + "?" + url.getRawQuery();
	}
}
