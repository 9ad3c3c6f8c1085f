package dev.dragnet.server.dispatch;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.dragnet.server.web.ProblemException;
import org.springframework.http.HttpStatus;

/** Every attempt failed; the detail names each probe and why. Answers 504. */
public final class AttemptsExhaustedException extends ProblemException {

	private final List<Attempt> attempts;

	AttemptsExhaustedException(List<Attempt> attempts) {
		super(HttpStatus.GATEWAY_TIMEOUT, "lookup-failed", "Lookup failed on every probe tried", describe(attempts));
		this.attempts = List.copyOf(attempts);
	}

	public List<Attempt> attempts() {
		return this.attempts;
	}

	@Override
	public Map<String, Object> properties() {
		return Map.of("attempts", this.attempts);
	}

	private static String describe(List<Attempt> attempts) {
		return attempts.size() + " attempt(s) failed: " + attempts.stream()
			.map((a) -> "probe " + a.probe() + ": " + a.detail())
			.collect(Collectors.joining("; "));
	}
}
