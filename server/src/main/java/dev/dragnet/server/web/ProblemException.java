package dev.dragnet.server.web;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
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

	/**
	 * This problem, after which a fallback was tried and failed too: the same type, status, title and headers, its
	 * detail followed by the fallback's, and a {@code fallback} member with the fallback's problem ({@code type},
	 * {@code status}, {@code title}, {@code detail} and its own members), or only its {@code detail} when it failed
	 * with another error. A caller who sees only the first failure would not know the second was tried.
	 * @param fallback what was tried after this problem, for the detail ("port 43")
	 * @param failure how it failed
	 */
	public ProblemException followedBy(String fallback, Throwable failure) {
		return new FollowedBy(this, fallback, failure);
	}

	private static final class FollowedBy extends ProblemException {

		private final ProblemException first;

		private final Map<String, Object> fallback;

		FollowedBy(ProblemException first, String tried, Throwable failure) {
			super(first.status, first.slug, first.title,
					first.getMessage() + "; " + tried + " was tried next and failed too: " + detailOf(failure), first);
			this.first = first;
			Map<String, Object> member = new LinkedHashMap<>();
			if (failure instanceof ProblemException problem) {
				member.put("type", problem.type().toString());
				member.put("status", problem.status().value());
				member.put("title", problem.title());
				member.put("detail", detailOf(problem));
				member.putAll(problem.properties());
			}
			else {
				member.put("detail", detailOf(failure));
			}
			this.fallback = Collections.unmodifiableMap(member);
		}

		private static String detailOf(Throwable failure) {
			return (failure.getMessage() != null) ? failure.getMessage() : failure.getClass().getSimpleName();
		}

		@Override
		public HttpHeaders headers() {
			return this.first.headers();
		}

		@Override
		public Map<String, Object> properties() {
			Map<String, Object> properties = new LinkedHashMap<>(this.first.properties());
			properties.put("fallback", this.fallback);
			return properties;
		}
	}
}
