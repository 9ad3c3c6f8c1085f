package dev.dragnet.probe;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.dragnet.probe.net.ProbeLoops;
import dev.dragnet.protocol.Protocol;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;

/**
 * Exchanges a one-time enrollment code for the probe's own credential: {@code POST /api/probes/enroll} on the
 * server the probe's WebSocket URL names, over the same TLS settings. Given several servers, it asks them in the
 * order given until one answers.
 */
public final class Enrollment {

	private static final Logger log = LoggerFactory.getLogger(Enrollment.class);

	private static final int MAX_ANSWER_BYTES = 64 * 1024;

	private static final Duration DEADLINE = Duration.ofSeconds(30);

	/** Tries after the first when the answer does not arrive (a lost reply, a restarting server). */
	static final int RETRIES = 3;

	private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

	private static final SecureRandom RANDOM = new SecureRandom();

	private Enrollment() {
	}

	/**
	 * Asks the servers of {@code config}, in order, for a credential for probe {@code config.name()} in exchange for
	 * {@code code}, until one answers with a credential or a refusal. Errors with {@link ProbeRefusedException} when
	 * a server refuses the code (used, expired, unknown): trying again cannot help. A request that gets no answer (or
	 * a server error) is sent again, up to {@value #RETRIES} times, with the same random request id: the server then
	 * replaces the credential whose answer was lost, instead of refusing the code as used. After that the next server
	 * is asked, with the same request id; after the last, its failure is the error.
	 */
	public static Mono<CredentialFile.Credential> exchange(ProbeConfig config, String code) {
		return exchange(config, code, FIRST_RETRY);
	}

	static Mono<CredentialFile.Credential> exchange(ProbeConfig config, String code, Duration firstRetry) {
		return exchange(config, code, requestId(), firstRetry, 0);
	}

	private static Mono<CredentialFile.Credential> exchange(ProbeConfig config, String code, String requestId,
			Duration firstRetry, int index) {
		URI server = config.servers().get(index);
		Mono<CredentialFile.Credential> exchange = exchange(config, server, code, requestId, firstRetry);
		if (index + 1 >= config.servers().size()) {
			return exchange;
		}
		return exchange.onErrorResume((error) -> !(error instanceof ProbeRefusedException), (error) -> {
			URI next = config.servers().get(index + 1);
			log.warn("could not enroll with {}: {}; trying {}", server,
					(error.getMessage() != null) ? error.getMessage() : error.toString(), next);
			return exchange(config, code, requestId, firstRetry, index + 1);
		});
	}

	private static Mono<CredentialFile.Credential> exchange(ProbeConfig config, URI server, String code,
			String requestId, Duration firstRetry) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("code", code);
		body.put("name", config.name());
		body.put("requestId", requestId);
		HttpClient http = ProbeAgent.secured(HttpClient.create().runOn(ProbeLoops.get()), config, server)
			.headers((h) -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json")
				.set(HttpHeaderNames.USER_AGENT, "dragnet-probe/" + ProbeAgent.VERSION))
			.responseTimeout(DEADLINE);
		return http.post()
			.uri(enrollUri(server))
			.send(ByteBufFlux.fromString(Mono.just(JsonValues.write(body))))
			.response((response, content) -> content.asByteArray()
				.reduce(new byte[0], Enrollment::append)
				.defaultIfEmpty(new byte[0])
				.map((bytes) -> answer(response.status().code(), new String(bytes, StandardCharsets.UTF_8))))
			.next()
			.timeout(DEADLINE)
			.retryWhen(Retry.backoff(RETRIES, firstRetry)
				.filter((ex) -> !(ex instanceof ProbeRefusedException))
				.onRetryExhaustedThrow((spec, signal) -> signal.failure()));
	}

	/** 128 random bits, chosen once per enrollment: what tells the server a retry from a second use of the code. */
	private static String requestId() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	/** {@code wss://host/ws/probe} becomes {@code https://host/api/probes/enroll}, keeping a path prefix. */
	static URI enrollUri(URI server) {
		String scheme = server.getScheme().toLowerCase(Locale.ROOT).equals("wss") ? "https" : "http";
		String path = server.getPath() == null ? "" : server.getPath();
		String prefix = path.endsWith(Protocol.PATH) ? path.substring(0, path.length() - Protocol.PATH.length()) : "";
		return URI.create(scheme + "://" + server.getRawAuthority() + prefix + "/api/probes/enroll");
	}

	private static byte[] append(byte[] sofar, byte[] chunk) {
		if (sofar.length + chunk.length > MAX_ANSWER_BYTES) {
			throw new IllegalStateException("the server's answer to the enrollment is over 64 KiB");
		}
		byte[] all = Arrays.copyOf(sofar, sofar.length + chunk.length);
		System.arraycopy(chunk, 0, all, sofar.length, chunk.length);
		return all;
	}

	private static CredentialFile.Credential answer(int status, String text) {
		Object json;
		try {
			json = JsonValues.read(text);
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("the server answered the enrollment with status " + status
					+ " and no JSON: is --server the probe endpoint of a Dragnet server?");
		}
		if (status == 200 && JsonValues.at(json, "/credential") instanceof String credential
				&& JsonValues.at(json, "/name") instanceof String name) {
			return new CredentialFile.Credential(name, credential);
		}
		String detail = JsonValues.text(JsonValues.at(json, "/detail"), "status " + status);
		if (status == 400 || status == 403 || status == 404 || status == 409 || status == 410) {
			throw new ProbeRefusedException(-1, "enrollment refused: " + detail);
		}
		throw new IllegalStateException("the server could not enroll this probe (status " + status + "): " + detail);
	}
}
