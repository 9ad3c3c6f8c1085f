package dev.dragnet.server.whois;

import dev.dragnet.server.web.Printable;
import dev.dragnet.server.web.ProblemException;
import org.springframework.http.HttpStatus;

/** A lookup policy other than {@code auto}, {@code rdap} and {@code whois}. Answers 400. */
public final class InvalidPolicyException extends ProblemException {

	InvalidPolicyException(String given) {
		super(HttpStatus.BAD_REQUEST, "invalid-policy", "Invalid lookup policy", "policy '" + Printable.cut(given, 100)
				+ "' is not one of auto, rdap, whois");
	}
}
