package dev.dragnet.server.db;

import java.time.Duration;

import dev.dragnet.server.web.ProblemException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * The database does not answer, so what was asked cannot be done now: {@code 503} with the problem type
 * {@code /problems/database-unavailable} and a {@code Retry-After}.
 */
public final class DatabaseUnavailableException extends ProblemException {

	private final Duration retryAfter;

	public DatabaseUnavailableException(String detail, Duration retryAfter) {
		this(detail, retryAfter, null);
	}

	public DatabaseUnavailableException(String detail, Duration retryAfter, Throwable cause) {
		super(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", "Database unavailable", detail, cause);
		this.retryAfter = retryAfter;
	}

	@Override
	public HttpHeaders headers() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, this.retryAfter.toSeconds())));
		return headers;
	}
}
