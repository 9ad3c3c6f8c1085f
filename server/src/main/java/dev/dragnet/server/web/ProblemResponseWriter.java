package dev.dragnet.server.web;

import java.net.URI;
import java.util.Map;

import org.springframework.core.ResolvableType;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Writes a problem straight to the response, for web filters that answer before any controller runs. It
 * uses the application's codecs, so the body looks exactly like the ones {@link ApiExceptionHandler} renders.
 */
@Component
public class ProblemResponseWriter {

	private static final ResolvableType PROBLEM_TYPE = ResolvableType.forClass(ProblemDetail.class);

	private final HttpMessageWriter<Object> writer;

	public ProblemResponseWriter(ServerCodecConfigurer codecs) {
		this.writer = codecs.getWriters()
			.stream()
			.filter(candidate -> candidate.canWrite(PROBLEM_TYPE, MediaType.APPLICATION_PROBLEM_JSON))
			.findFirst()
			.map(ProblemResponseWriter::<Object>cast)
			.orElseThrow(() -> new IllegalStateException("no codec writes application/problem+json"));
	}

	/** Answers the exchange with {@code problem}, its status and headers. */
	public Mono<Void> write(ServerWebExchange exchange, ProblemException problem) {
		ProblemDetail body = ProblemDetails.of(problem);
		body.setInstance(URI.create(exchange.getRequest().getPath().value()));
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(problem.status());
		problem.headers().forEach((name, values) -> response.getHeaders().put(name, values));
		return this.writer.write(Mono.just(body), PROBLEM_TYPE, MediaType.APPLICATION_PROBLEM_JSON, response, Map.of());
	}

	@SuppressWarnings("unchecked")
	private static <T> HttpMessageWriter<T> cast(HttpMessageWriter<?> writer) {
		return (HttpMessageWriter<T>) writer;
	}
}
