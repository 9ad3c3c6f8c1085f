package dev.dragnet.server.whois.parse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import dev.dragnet.net.DomainNames;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/whois/parse?domain=<d>[&server=<host>]}: parses WHOIS text the caller already has (body,
 * {@code text/plain}, at most 1 MiB) and answers its classification, referral and fields as JSON. Read-only,
 * so it needs no admin token (see {@code AdminAuthenticationFilter}); nothing leaves the server.
 */
@RestController
class WhoisParseController {

	/** The largest body accepted; WHOIS answers are capped well below this by the probes. */
	static final int MAX_BODY_BYTES = 1024 * 1024;

	private final WhoisParser parser = new WhoisParser();

	private final WhoisResponseClassifier classifier = new WhoisResponseClassifier();

	private final ReferralFinder referrals = new ReferralFinder();

	@PostMapping(path = "/api/whois/parse", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<WhoisParseResult> parse(@RequestParam String domain, @RequestParam(required = false) @Nullable String server,
			ServerHttpRequest request) {
		String normalised = DomainNames.normalise(domain);
		String host = (server == null || server.isBlank()) ? null : server.strip().toLowerCase(java.util.Locale.ROOT);
		return readBody(request).map((text) -> {
			if (text.isBlank()) {
				throw new ParseProblems.EmptyText();
			}
			return WhoisParseResult.of(normalised, DomainNames.toUnicode(normalised),
					this.classifier.classify(host, text), this.referrals.find(text).orElse(null),
					this.parser.parse(normalised, host, text));
		}).switchIfEmpty(Mono.error(ParseProblems.EmptyText::new));
	}

	private static Mono<String> readBody(ServerHttpRequest request) {
		Charset charset = charset(request);
		if (request.getHeaders().getContentLength() > MAX_BODY_BYTES) {
			return Mono.error(new ParseProblems.TextTooLarge(MAX_BODY_BYTES)); // refused before a byte is read
		}
		// Each buffer is copied out and released as it comes, the one that crosses the limit too, and the read ends
		// there. Spring's DataBufferUtils.join with a limit released that buffer twice (its list and the discard
		// hook), which Netty logged as an IllegalReferenceCountException and answered by closing the connection.
		return request.getBody().reduce(new ByteArrayOutputStream(), (text, buffer) -> {
			try {
				int size = buffer.readableByteCount();
				if (text.size() + (long) size > MAX_BODY_BYTES) {
					throw new ParseProblems.TextTooLarge(MAX_BODY_BYTES);
				}
				byte[] bytes = new byte[size];
				buffer.read(bytes);
				text.write(bytes, 0, size);
				return text;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}).map((text) -> new String(text.toByteArray(), charset));
	}

	private static Charset charset(ServerHttpRequest request) {
		MediaType type = request.getHeaders().getContentType();
		Charset charset = (type != null) ? type.getCharset() : null;
		return (charset != null) ? charset : StandardCharsets.UTF_8;
	}
}
