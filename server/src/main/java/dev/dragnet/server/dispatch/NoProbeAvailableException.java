package dev.dragnet.server.dispatch;

import java.time.Duration;

import dev.dragnet.server.web.ProblemException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** No effective probe could take the task (none connected, or all busy past the wait). Answers 503. */
public final class NoProbeAvailableException extends ProblemException {

	private final Duration retryAfter;

	NoProbeAvailableException(String detail, Duration retryAfter) {
		super(HttpStatus.SERVICE_UNAVAILABLE, "no-probe-available", "No probe available", detail);
		this.retryAfter = retryAfter;
	}

	/** When the caller may try again. */
	public Duration retryAfter() {
		return this.retryAfter;
	}

	@Override
	public HttpHeaders headers() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, this.retryAfter.toSeconds())));
		return headers;
	}
}
