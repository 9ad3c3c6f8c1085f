package dev.dragnet.server.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** The answers to requests that need the admin token and do not carry the right one. */
final class AdminProblems {

	private AdminProblems() {
	}

	/** No {@code Authorization: Bearer} header at all. */
	static final class TokenMissing extends ProblemException {

		TokenMissing(String what) {
			super(HttpStatus.UNAUTHORIZED, "unauthorized", "Admin token required", what
					+ " needs the admin token: send 'Authorization: Bearer <token>' with the value of"
					+ " dragnet.admin.token (or the token the server logged at start when none is configured)");
		}

		@Override
		public HttpHeaders headers() {
			HttpHeaders headers = new HttpHeaders();
			headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"dragnet\"");
			return headers;
		}
	}

	/** A bearer token that is not the admin token. */
	static final class TokenInvalid extends ProblemException {

		TokenInvalid() {
			super(HttpStatus.UNAUTHORIZED, "invalid-token", "Invalid admin token",
					"the bearer token is not the admin token; check dragnet.admin.token (a generated token"
							+ " changes at every start)");
		}

		@Override
		public HttpHeaders headers() {
			HttpHeaders headers = new HttpHeaders();
			headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"dragnet\", error=\"invalid_token\"");
			return headers;
		}
	}
}
