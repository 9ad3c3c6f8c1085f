package dev.dragnet.testbed.reverseip;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/**
 * A test's HTTP client for the fake sites, bound to one loopback source address so that the site sees it as that
 * client. Blocks only the test thread, with a deadline.
 */
final class SiteClient {

	static final Duration TIMEOUT = Duration.ofSeconds(5);

	static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
			+ "Chrome/124.0 Safari/537.36";

	private final HttpClient http;

	private SiteClient(HttpClient http) {
		this.http = http;
	}

	/** A client connecting from {@code sourceAddress} (any of 127.0.0.0/8). */
	static SiteClient from(String sourceAddress) {
		return new SiteClient(HttpClient.newConnection()
			.bindAddress(() -> new InetSocketAddress(sourceAddress, 0))
			.responseTimeout(TIMEOUT));
	}

	/** A copy with a shorter response timeout. */
	SiteClient responseTimeout(Duration timeout) {
		return new SiteClient(this.http.responseTimeout(timeout));
	}

	/** A copy that follows redirects. */
	SiteClient followingRedirects() {
		return new SiteClient(this.http.followRedirect(true));
	}

	Answer get(String url) {
		return get(url, Map.of("User-Agent", BROWSER, "Referer", "http://127.0.0.1/"));
	}

	Answer get(String url, Map<String, String> headers) {
		return getMono(url, headers).block(TIMEOUT.plusSeconds(1));
	}

	Mono<Answer> getMono(String url, Map<String, String> headers) {
		return this.http.headers((h) -> headers.forEach(h::set))
			.get()
			.uri(url)
			.responseSingle((response, body) -> body.asByteArray()
				.defaultIfEmpty(new byte[0])
				.map((bytes) -> new Answer(response.status().code(), response.responseHeaders(), bytes)));
	}

	Answer post(String url, String form, Map<String, String> headers) {
		return this.http.headers((h) -> {
			h.set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
			headers.forEach(h::set);
		})
			.post()
			.uri(url)
			.send(ByteBufFlux.fromString(Mono.just(form)))
			.responseSingle((response, body) -> body.asByteArray()
				.defaultIfEmpty(new byte[0])
				.map((bytes) -> new Answer(response.status().code(), response.responseHeaders(), bytes)))
			.block(TIMEOUT.plusSeconds(1));
	}

	/** One answer: status, headers, raw body. */
	record Answer(int status, HttpHeaders headers, byte[] bytes) {

		String body() {
			return new String(this.bytes, StandardCharsets.UTF_8);
		}

	}

}
