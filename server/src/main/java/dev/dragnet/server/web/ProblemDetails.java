package dev.dragnet.server.web;

import java.net.URI;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the RFC 9457 body of a {@link ProblemException}. */
final class ProblemDetails {

	private ProblemDetails() {
	}

	static ProblemDetail of(ProblemException problem) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(problem.status(), problem.getMessage());
		body.setType(problem.type());
		body.setTitle(problem.title());
		problem.properties().forEach(body::setProperty);
		return body;
	}

	static ProblemDetail of(HttpStatusCode status, String slug, String title, String detail) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
		body.setType(URI.create("/problems/" + slug));
		body.setTitle(title);
		return body;
	}
}
