package dev.dragnet.server.web;

import java.net.URI;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * An error a client should see as an RFC 9457 problem: a stable {@code type} per kind of error, a short
 * title, and a detail a person can act on. Features throw subclasses; {@link ApiExceptionHandler} renders
 * them.
 */
public abstract class ProblemException extends RuntimeException {

	private final HttpStatus status;

	private final String slug;

	private final String title;

	protected ProblemException(HttpStatus status, String slug, String title, String detail) {
		this(status, slug, title, detail, null);
	}

	protected ProblemException(HttpStatus status, String slug, String title, String detail, Throwable cause) {
		super(detail, cause);
		this.status = status;
		this.slug = slug;
		this.title = title;
	}

	public HttpStatus status() {
		return this.status;
	}

	/** The problem type, {@code /problems/<slug>}, stable across releases and listed in the README. */
	public URI type() {
		return URI.create("/problems/" + this.slug);
	}

	public String title() {
		return this.title;
	}

	/** Extra response headers, such as {@code Retry-After}. */
	public HttpHeaders headers() {
		return HttpHeaders.EMPTY;
	}

	/** Extra members of the problem object. */
	public Map<String, Object> properties() {
		return Map.of();
	}
}
