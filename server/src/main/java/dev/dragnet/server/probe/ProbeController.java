package dev.dragnet.server.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

import dev.dragnet.server.web.ProblemException;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /api/probes}: every probe ever seen, with its state and counters; enrollment codes, the exchange of a code
 * for a probe's credential, revocation and release from quarantine.
 */
@RestController
class ProbeController {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{16,128}");

	/** The longest an enrollment code may stay usable. */
	private static final Duration MAX_ENROLLMENT_TTL = Duration.ofDays(30);

	private final ProbeService probes;

	private final ProbeCredentials credentials;

	private final ProbeTrust trust;

	private final ProbeProperties properties;

	private final Clock clock;

	ProbeController(ProbeService probes, ProbeCredentials credentials, ProbeTrust trust, ProbeProperties properties,
			ObjectProvider<Clock> clock) {
		this.probes = probes;
		this.credentials = credentials;
		this.trust = trust;
		this.properties = properties;
		this.clock = clock.getIfAvailable(Clock::systemUTC);
	}

	/**
	 * Every probe, as a JSON array; or, when any of the paging parameters is given, one page of them as a
	 * {@link ProbeQuery.ProbePage} (what the status page fetches). Bad parameters get a 400
	 * {@code invalid-probe-query} problem.
	 */
	@GetMapping("/api/probes")
	Object probes(@RequestParam(required = false) @Nullable String page,
			@RequestParam(required = false) @Nullable String size, @RequestParam(required = false) @Nullable String sort,
			@RequestParam(required = false) @Nullable String q, @RequestParam(required = false) @Nullable String state) {
		if (!ProbeQuery.asked(page, size, sort, q, state)) {
			return this.probes.probes();
		}
		return Mono.fromCallable(() -> ProbeQuery.parse(page, size, sort, q, state))
			.flatMap((query) -> this.probes.probes().collectList().map(query::apply));
	}

	/** Admin: a one-time enrollment code, optionally bound to a probe name and with its own lifetime. */
	@PostMapping("/api/probes/enrollments")
	@ResponseStatus(HttpStatus.CREATED)
	Mono<EnrollmentCode> createEnrollment(@RequestBody(required = false) @Nullable EnrollmentRequest request) {
		String name = (request != null) ? request.name() : null;
		if (name != null && !NAME.matcher(name).matches()) {
			return Mono.error(new InvalidEnrollment("name must be 1-64 letters, digits, '.', '_' or '-', not '" + name + "'"));
		}
		Duration ttl = (request != null && request.expiresIn() != null) ? request.expiresIn() : this.properties.enrollmentTtl();
		if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_ENROLLMENT_TTL) > 0) {
			return Mono.error(new InvalidEnrollment("expiresIn must be a positive duration of at most 30 days, such as"
					+ " \"PT2H\" or \"P7D\""));
		}
		Instant expiresAt = this.clock.instant().plus(ttl);
		return this.credentials.createEnrollment(name, expiresAt)
			.map((code) -> new EnrollmentCode(code, name, expiresAt));
	}

	/**
	 * A probe exchanges its code for its own credential. Open (the code is the authorisation), and answered once
	 * per code, except that the same request again (same {@code requestId}, before the code expires) gets a fresh
	 * credential that replaces the first: its answer may have been lost on the way.
	 */
	@PostMapping("/api/probes/enroll")
	Mono<ProbeCredentials.Enrolled> enroll(@RequestBody EnrollRequest request) {
		if (request.code() == null || request.code().isBlank()) {
			return Mono.error(new InvalidEnrollment("the body needs the enrollment 'code'"));
		}
		if (request.name() == null || !NAME.matcher(request.name()).matches()) {
			return Mono.error(new InvalidEnrollment("name must be 1-64 letters, digits, '.', '_' or '-'"));
		}
		if (request.requestId() != null && !REQUEST_ID.matcher(request.requestId()).matches()) {
			return Mono.error(new InvalidEnrollment("requestId must be 16-128 letters, digits, '_' or '-'"));
		}
		return this.credentials.enroll(request.code(), request.name(), request.requestId(), this.clock.instant())
			.onErrorMap(ProbeCredentials.EnrollmentRefusedException.class, (ex) -> new EnrollmentRefused(ex.getMessage()));
	}

	/** Admin: revokes a probe; its session closes at once and its credential is refused from then on. */
	@DeleteMapping("/api/probes/{name}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> revoke(@PathVariable String name) {
		return this.trust.revoke(name).flatMap((known) -> known ? Mono.empty() : Mono.error(new UnknownProbe(name)));
	}

	/** Admin: lets a quarantined probe have work again. */
	@PostMapping("/api/probes/{name}/release")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> release(@PathVariable String name) {
		return this.trust.release(name).flatMap((known) -> known ? Mono.empty() : Mono.error(new UnknownProbe(name)));
	}

	/**
	 * What an admin may say about a new code.
	 *
	 * @param name the name the probe gets (null: the probe's own, its host name by default)
	 * @param expiresIn how long the code stays usable (null: {@code dragnet.probes.enrollment-ttl})
	 */
	record EnrollmentRequest(@Nullable String name, @Nullable Duration expiresIn) {
	}

	/** A new code, shown once: the server keeps only its hash. */
	record EnrollmentCode(String code, @Nullable String name, Instant expiresAt) {
	}

	/**
	 * A probe's request to exchange its code.
	 *
	 * @param code the one-time code
	 * @param name the probe's own name (the code's name wins)
	 * @param requestId random, chosen by the probe once per enrollment and sent again on a retry (null from older
	 * probes, which then cannot retry)
	 */
	record EnrollRequest(@Nullable String code, @Nullable String name, @Nullable String requestId) {
	}

	static final class InvalidEnrollment extends ProblemException {

		InvalidEnrollment(String detail) {
			super(HttpStatus.BAD_REQUEST, "invalid-enrollment", "Invalid enrollment request", detail);
		}
	}

	static final class EnrollmentRefused extends ProblemException {

		EnrollmentRefused(String detail) {
			super(HttpStatus.FORBIDDEN, "enrollment-refused", "Enrollment code refused",
					detail + "; ask the server's operator for a new code");
		}
	}

	static final class UnknownProbe extends ProblemException {

		UnknownProbe(String name) {
			super(HttpStatus.NOT_FOUND, "unknown-probe", "No such probe", "no probe named '" + name + "' is known");
		}
	}
}
