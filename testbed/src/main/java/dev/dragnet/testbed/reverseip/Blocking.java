package dev.dragnet.testbed.reverseip;

import java.time.Duration;
import java.util.Objects;

/**
 * One blocking behaviour a {@link FakeSite} can be switched into with {@link FakeSite#behaviour}: the B2-B9 of
 * {@code REVERSE-IP-NOTES.md}. (B1, the daily quota, is {@link FakeSite#quota}; B10, the layout change, is
 * {@link FakeSite#layoutVersion}.) A site holds at most one behaviour of each {@link Kind}.
 *
 * <p>Thresholds ({@code afterRequests}, {@code pages}) count a client's lookups since the last
 * {@link FakeSite#resetQuotas()}, per client address. Transport faults follow a site-wide pattern: of every
 * {@code period} lookups, the first {@code burst} are hit, so {@code (1, 1)} hits every lookup and {@code (3, 10)}
 * hits lookups 1-3, 11-13, ... counted from when the behaviour was switched on.
 *
 * <p>Instances are immutable values.
 */
public final class Blocking {

	/** What a {@link Blocking} does, with the code it has in the notes. */
	public enum Kind {

		/** B5: over the daily quota, a normal page with zero rows instead of the quota text. */
		SILENT_BAN("B5"),

		/** B2: HTTP 429 once a client exceeds a number of lookups in a window, optionally with Retry-After. */
		TOO_MANY_REQUESTS("B2"),

		/**
		 * B2: every n-th lookup of a client gets HTTP 429 with a short {@code Retry-After}, the way a site with a
		 * per-address token bucket answers a steady client: brief, frequent rests.
		 */
		PERIODIC_THROTTLE("B2"),

		/** B3: a 403 "Sorry, you have been blocked" page with a Ray ID. */
		FIREWALL("B3"),

		/** B3: a 503 {@code Just a moment...} challenge page. */
		CHALLENGE("B3"),

		/** B4: a 200 "Human Verification" page with a {@code captcha_token}. */
		CAPTCHA("B4"),

		/** B4: a 200 "You have exceeded page visit limit" page, the session expired. */
		PAGE_VISIT_LIMIT("B4"),

		/** B6: the family's header requirements are enforced (Referer, Origin, XHR, User-Agent). */
		HEADER_GATE("B6"),

		/** B7: results capped. */
		TRUNCATION("B7"),

		/** B8: the answer comes only after a delay. */
		STALL("B8"),

		/** B8: 5xx answers. */
		SERVER_ERRORS("B8"),

		/** B8: the connection is reset (TCP RST) instead of answered. */
		CONNECTION_RESET("B8"),

		/** B8: a 302 to the home page. */
		REDIRECT_HOME("B8"),

		/** B8: the body stops halfway and the connection closes. */
		CUT_SHORT("B8"),

		/** B9: the family's data quirks (BOM, {@code null}, trailing dots, {@code *.}, upper case, IPs as names). */
		DATA_QUIRKS("B9");

		private final String code;

		Kind(String code) {
			this.code = code;
		}

		/** The behaviour's code in {@code REVERSE-IP-NOTES.md}, {@code "B2"} to {@code "B9"}. */
		public String code() {
			return this.code;
		}

	}

	private final Kind kind;

	private final int count;

	private final int period;

	private final Duration duration;

	private final boolean retryAfter;

	private Blocking(Kind kind, int count, int period, Duration duration, boolean retryAfter) {
		this.kind = kind;
		this.count = count;
		this.period = period;
		this.duration = duration;
		this.retryAfter = retryAfter;
	}

	private static Blocking of(Kind kind, int count) {
		return new Blocking(kind, count, 1, Duration.ZERO, false);
	}

	/** B5: lookups over the daily {@link FakeSite#quota} get a normal page with zero rows, not the quota text. */
	public static Blocking silentBan() {
		return of(Kind.SILENT_BAN, 0);
	}

	/** B2: a client's lookups beyond {@code limit} within a fixed {@code window} get a 429 without Retry-After. */
	public static Blocking tooManyRequests(int limit, Duration window) {
		return tooManyRequests(limit, window, false);
	}

	/**
	 * B2: as {@link #tooManyRequests(int, Duration)}, with {@code Retry-After} set to the whole seconds (rounded up)
	 * left in the client's window.
	 */
	public static Blocking tooManyRequestsWithRetryAfter(int limit, Duration window) {
		return tooManyRequests(limit, window, true);
	}

	private static Blocking tooManyRequests(int limit, Duration window, boolean retryAfter) {
		Objects.requireNonNull(window, "window");
		if (window.isNegative() || window.isZero()) {
			throw new IllegalArgumentException("window must be positive");
		}
		return new Blocking(Kind.TOO_MANY_REQUESTS, requireNotNegative(limit, "limit"), 1, window, retryAfter);
	}

	/**
	 * B2: every {@code every}-th lookup of each client (the {@code every}-th, the {@code 2 * every}-th, ...) gets a 429
	 * with {@code Retry-After} set to {@code retryAfter} in whole seconds (at least 1).
	 */
	public static Blocking throttleEvery(int every, Duration retryAfter) {
		Objects.requireNonNull(retryAfter, "retryAfter");
		if (every < 1) {
			throw new IllegalArgumentException("every must be at least 1");
		}
		return new Blocking(Kind.PERIODIC_THROTTLE, every, every, retryAfter, true);
	}

	/** B3: a client's lookups after its first {@code afterRequests} get the 403 firewall page. */
	public static Blocking firewall(int afterRequests) {
		return of(Kind.FIREWALL, requireNotNegative(afterRequests, "afterRequests"));
	}

	/** B3: a client's lookups after its first {@code afterRequests} get the 503 challenge page. */
	public static Blocking challenge(int afterRequests) {
		return of(Kind.CHALLENGE, requireNotNegative(afterRequests, "afterRequests"));
	}

	/** B4: a client's lookups after its first {@code afterRequests} get the 200 captcha page. */
	public static Blocking captcha(int afterRequests) {
		return of(Kind.CAPTCHA, requireNotNegative(afterRequests, "afterRequests"));
	}

	/** B4: a client's session expires after {@code pages} lookups: later ones get the page-visit-limit page. */
	public static Blocking pageVisitLimit(int pages) {
		return of(Kind.PAGE_VISIT_LIMIT, requireNotNegative(pages, "pages"));
	}

	/** B6: enforce the family's header requirements (on by default for the sites whose families need them). */
	public static Blocking headerGate() {
		return of(Kind.HEADER_GATE, 0);
	}

	/** B7: at most {@code maxResults} names per address are shown (how depends on the family). */
	public static Blocking truncate(int maxResults) {
		return of(Kind.TRUNCATION, requireNotNegative(maxResults, "maxResults"));
	}

	/** B8: hit lookups are answered normally, but only after {@code delay}. */
	public static Blocking stall(Duration delay, int burst, int period) {
		Objects.requireNonNull(delay, "delay");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative");
		}
		return fault(Kind.STALL, burst, period, delay);
	}

	/** B8: hit lookups get a 5xx page (500, 502, 504 in turn). */
	public static Blocking serverErrors(int burst, int period) {
		return fault(Kind.SERVER_ERRORS, burst, period, Duration.ZERO);
	}

	/** B8: hit lookups get their connection reset. */
	public static Blocking connectionReset(int burst, int period) {
		return fault(Kind.CONNECTION_RESET, burst, period, Duration.ZERO);
	}

	/** B8: hit lookups get a 302 to the home page. */
	public static Blocking redirectHome(int burst, int period) {
		return fault(Kind.REDIRECT_HOME, burst, period, Duration.ZERO);
	}

	/** B8: hit lookups get half their body, under a Content-Length for all of it, then the connection closes. */
	public static Blocking cutShort(int burst, int period) {
		return fault(Kind.CUT_SHORT, burst, period, Duration.ZERO);
	}

	/** B9: the family's data quirks. */
	public static Blocking dataQuirks() {
		return of(Kind.DATA_QUIRKS, 0);
	}

	private static Blocking fault(Kind kind, int burst, int period, Duration delay) {
		if (burst < 1 || period < burst) {
			throw new IllegalArgumentException("need 1 <= burst <= period, not " + burst + " of " + period);
		}
		return new Blocking(kind, burst, period, delay, false);
	}

	private static int requireNotNegative(int value, String name) {
		if (value < 0) {
			throw new IllegalArgumentException(name + " must not be negative");
		}
		return value;
	}

	/** What this behaviour does. */
	public Kind kind() {
		return this.kind;
	}

	/** The threshold, limit, cap or burst length, depending on the kind. */
	int count() {
		return this.count;
	}

	/** Whether the {@code n}-th (1-based) lookup since the fault was switched on is hit. */
	boolean hits(long n) {
		return (n - 1) % this.period < this.count;
	}

	/** The window of {@link Kind#TOO_MANY_REQUESTS} or the delay of {@link Kind#STALL}. */
	Duration duration() {
		return this.duration;
	}

	/** Whether a 429 carries Retry-After. */
	boolean retryAfter() {
		return this.retryAfter;
	}

	@Override
	public String toString() {
		return this.kind.code() + " " + this.kind + "(" + this.count + "/" + this.period
				+ (this.duration.isZero() ? "" : ", " + this.duration) + (this.retryAfter ? ", Retry-After" : "") + ")";
	}

}
