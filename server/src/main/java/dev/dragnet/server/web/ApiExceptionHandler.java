package dev.dragnet.server.web;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.dragnet.net.InvalidDomainException;
import dev.dragnet.server.db.DatabaseFailures;
import dev.dragnet.server.db.DatabaseStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsatisfiedRequestParameterException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;

/**
 * Renders every error a controller (or the dispatcher, for unknown paths) raises as an RFC 9457 problem:
 * {@link ProblemException}s as they describe themselves, invalid domains and unreadable input as 400, Spring's
 * own errors (404, 405, 406, 415, ...) with their status, a database that cannot be reached as 503
 * {@code database-unavailable} with {@code Retry-After} (see {@link DatabaseFailures}), and anything unexpected as a
 * 500 whose stack is logged once, here.
 *
 * <p>Problems are always {@code application/problem+json}, whatever the request's {@code Accept} says: a
 * client of the {@code text/plain} WHOIS endpoint that sends {@code Accept: text/plain} still gets the status
 * and a body that explains it, rather than an empty 406.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

	private static final int MAX_DETAIL = 300;

	private final DatabaseStatus database;

	ApiExceptionHandler(DatabaseStatus database) {
		this.database = database;
	}

	@ExceptionHandler(ProblemException.class)
	Mono<ResponseEntity<Object>> handleProblem(ProblemException ex, ServerWebExchange exchange) {
		if (ex.status().is5xxServerError()) {
			log.warn("{} {} answered {}: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
					ex.status().value(), ex.getMessage());
		}
		HttpHeaders headers = new HttpHeaders();
		ex.headers().forEach((name, values) -> headers.put(name, values));
		if (ex.status().is5xxServerError()) {
			// The connection is closed after a server-side failure: a client must not queue its next request on a
			// connection whose exchange may still be winding down (a full test run saw a request sent right after
			// a 503 on a kept-alive connection wait past its timeout).
			headers.setConnection("close");
		}
		return createResponseEntity(ProblemDetails.of(ex), headers, ex.status(), exchange);
	}

	@ExceptionHandler(InvalidDomainException.class)
	Mono<ResponseEntity<Object>> handleInvalidDomain(InvalidDomainException ex, ServerWebExchange exchange) {
		ProblemDetail body = ProblemDetails.of(HttpStatus.BAD_REQUEST, "invalid-domain", "Invalid domain name",
				ex.getMessage());
		return createResponseEntity(body, new HttpHeaders(), HttpStatus.BAD_REQUEST, exchange);
	}

	/** The last resort: anything no other handler took. */
	@ExceptionHandler(Exception.class)
	Mono<ResponseEntity<Object>> handleUnexpected(Exception ex, ServerWebExchange exchange) {
		if (ex instanceof ErrorResponse error) {
			return createResponseEntity(error.getBody(), error.getHeaders(), error.getStatusCode(), exchange);
		}
		if (DatabaseFailures.isUnavailable(ex)) {
			// Whatever truly needs the database says so honestly, whichever controller it came through.
			this.database.failed(ex);
			return handleProblem(this.database.unavailable("this request needs the database", ex), exchange);
		}
		String requestId = exchange.getRequest().getId();
		log.error("unexpected error on {} {} (request {})", exchange.getRequest().getMethod(),
				exchange.getRequest().getPath(), requestId, ex);
		ProblemDetail body = ProblemDetails.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
				"the server failed unexpectedly; the error is logged under request id " + requestId);
		return createResponseEntity(body, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, exchange);
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		return badRequest(ex, headers, exchange, inputDetail(ex));
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleMissingRequestValueException(MissingRequestValueException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		return badRequest(ex, headers, exchange, "the request lacks the " + ex.getLabel() + " '" + ex.getName() + "'");
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleUnsatisfiedRequestParameterException(
			UnsatisfiedRequestParameterException ex, HttpHeaders headers, HttpStatusCode status,
			ServerWebExchange exchange) {
		return badRequest(ex, headers, exchange, inputDetail(ex));
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		String detail = ex.getFieldErrors()
			.stream()
			.map(error -> error.getField() + ": " + error.getDefaultMessage())
			.collect(Collectors.joining("; "));
		return badRequest(ex, headers, exchange, detail.isEmpty() ? "the request is invalid" : detail);
	}

	/** Every problem goes out as problem+json, regardless of {@code Accept} (see the class comment). */
	@Override
	protected Mono<ResponseEntity<Object>> createResponseEntity(@Nullable Object body, HttpHeaders headers,
			HttpStatusCode status, ServerWebExchange exchange) {
		if (body instanceof ProblemDetail) {
			HttpHeaders problemHeaders = new HttpHeaders();
			headers.forEach((name, values) -> problemHeaders.put(name, values));
			problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
			return super.createResponseEntity(body, problemHeaders, status, exchange);
		}
		return super.createResponseEntity(body, headers, status, exchange);
	}

	private Mono<ResponseEntity<Object>> badRequest(Exception ex, HttpHeaders headers, ServerWebExchange exchange,
			String detail) {
		ProblemDetail body = ProblemDetails.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", detail);
		return handleExceptionInternal(ex, body, headers, HttpStatus.BAD_REQUEST, exchange);
	}

	/** Says what is wrong with the input in a person's words, naming the JSON field where there is one. */
	static String inputDetail(ServerWebInputException ex) {
		JacksonException json = findCause(ex, JacksonException.class);
		if (json != null) {
			String path = json.getPath()
				.stream()
				.map(reference -> (reference.getPropertyName() != null) ? reference.getPropertyName()
						: "[" + reference.getIndex() + "]")
				.collect(Collectors.joining("."));
			return "the request body could not be read" + (path.isEmpty() ? "" : " at '" + path + "'") + ": "
					+ firstLine(json.getOriginalMessage());
		}
		DecodingException decoding = findCause(ex, DecodingException.class);
		if (decoding != null) {
			return "the request body could not be read: " + firstLine(decoding.getMessage());
		}
		String reason = ex.getReason();
		if (reason != null && reason.contains("No request body")) {
			return "the request body is missing; send a JSON object";
		}
		if (ex.getMethodParameter() != null && ex.getCause() != null) {
			return "invalid value for '" + ex.getMethodParameter().getParameterName() + "': "
					+ firstLine(ex.getCause().getMessage());
		}
		return (reason != null) ? reason : "the request is invalid";
	}

	private static <T extends Throwable> @Nullable T findCause(Throwable ex, Class<T> type) {
		List<Throwable> seen = new ArrayList<>();
		for (Throwable t = ex; t != null && !seen.contains(t); t = t.getCause()) {
			seen.add(t);
			if (type.isInstance(t)) {
				return type.cast(t);
			}
		}
		return null;
	}

	private static String firstLine(@Nullable String message) {
		if (message == null) {
			return "no details";
		}
		String line = message.lines().findFirst().orElse("").strip();
		return (line.length() > MAX_DETAIL) ? line.substring(0, MAX_DETAIL) + "..." : line;
	}
}
