package dev.dragnet.protocol;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/** Constants both ends of a probe session agree on. */
public final class Protocol {

	/** Version of the frame format; a probe with another major version is refused. */
	public static final int VERSION = 1;

	/** Path of the probe WebSocket endpoint on the server. */
	public static final String PATH = "/ws/probe";

	/** Largest text frame either side accepts, in bytes (a WHOIS answer plus JSON escaping fits easily). */
	public static final int MAX_FRAME_BYTES = 1024 * 1024;

	/** Largest number of concurrent tasks a probe may announce. */
	public static final int MAX_CONCURRENCY = 1024;

	/** Capability name of a probe that runs {@link WhoisQuery} tasks. */
	public static final String CAPABILITY_WHOIS = "whois";

	/** Capability name of a probe that pulls reverse-IP campaign blocks ({@link WantBlocks}). */
	public static final String CAPABILITY_REVERSE_IP = "reverse-ip";

	/** Capability name of a probe that runs {@link RdapQuery} tasks. */
	public static final String CAPABILITY_RDAP = "rdap";

	/** WebSocket close code: the hello's token was not accepted. The probe must not retry with it. */
	public static final int CLOSE_UNAUTHORIZED = 4001;

	/** WebSocket close code: the probe broke the protocol (no hello first, bad hello, too much credit). */
	public static final int CLOSE_PROTOCOL_VIOLATION = 4002;

	/**
	 * WebSocket close code: the probe speaks a protocol version the server does not, or its software is older than
	 * the server's {@code dragnet.probes.min-version}. The probe must be updated.
	 */
	public static final int CLOSE_UNSUPPORTED_VERSION = 4003;

	/** WebSocket close code: a newer session with the same probe name replaced this one. */
	public static final int CLOSE_REPLACED = 4004;

	/**
	 * WebSocket close code: an admin revoked this probe. Its credential is refused from now on; the probe must not
	 * retry with it.
	 */
	public static final int CLOSE_REVOKED = 4005;

	/**
	 * WebSocket close code: too many probes are connected from this probe's address
	 * ({@code dragnet.probes.max-per-address}). The probe may try again later.
	 */
	public static final int CLOSE_ADDRESS_LIMIT = 4006;

	/** WebSocket close code: the probe missed too many pings in a row. */
	public static final int CLOSE_MISSED_PINGS = 4008;

	/** WebSocket close code: the server is shutting down; reconnect later. */
	public static final int CLOSE_GOING_AWAY = 1001;

	/** Longest WebSocket close reason in UTF-8 bytes: a control frame holds 125, two of them the code (RFC 6455). */
	public static final int MAX_CLOSE_REASON_BYTES = 123;

	/**
	 * Start of a close reason that advises the probe how long to wait before it connects again, to this server or
	 * another: {@code retry-after=4200; the server is shutting down}, the wait in milliseconds. Older probes only
	 * log the reason.
	 */
	public static final String RETRY_AFTER = "retry-after=";

	private static final Pattern RETRY_AFTER_ADVICE = Pattern.compile("^" + RETRY_AFTER + "(\\d{1,12})(?:;\\s*|$)");

	private Protocol() {
	}

	/**
	 * A close reason advising the probe to wait {@code wait} before it connects again, followed by {@code reason}; cut
	 * to fit a close frame, the advice kept whole.
	 */
	public static String closeReason(String reason, Duration wait) {
		long millis = Math.max(0, wait.toMillis());
		return closeReason(RETRY_AFTER + millis + "; " + reason);
	}

	/** The wait advised at the start of a close reason ({@link #RETRY_AFTER}), or {@code null} when it advises none. */
	public static @Nullable Duration retryAfter(@Nullable String reason) {
		Matcher matcher = (reason != null) ? RETRY_AFTER_ADVICE.matcher(reason) : null;
		return (matcher != null && matcher.find()) ? Duration.ofMillis(Long.parseLong(matcher.group(1))) : null;
	}

	/** {@code reason} without the advice {@link #retryAfter} reads: what happened, in a person's words. */
	public static String withoutRetryAfter(String reason) {
		Matcher matcher = RETRY_AFTER_ADVICE.matcher(reason);
		return matcher.find() ? reason.substring(matcher.end()) : reason;
	}

	/**
	 * {@code reason} as a close frame can carry it: at most {@value #MAX_CLOSE_REASON_BYTES} UTF-8 bytes, cut on a
	 * code point boundary (never inside a character or a surrogate pair), with "..." when something was cut.
	 */
	public static String closeReason(String reason) {
		if (utf8Length(reason) <= MAX_CLOSE_REASON_BYTES) {
			return reason;
		}
		int budget = MAX_CLOSE_REASON_BYTES - 3;
		int end = 0;
		int bytes = 0;
		while (end < reason.length()) {
			int cp = reason.codePointAt(end);
			int size = utf8Size(cp);
			if (bytes + size > budget) {
				break;
			}
			bytes += size;
			end += Character.charCount(cp);
		}
		return reason.substring(0, end) + "...";
	}

	/** What {@code text.getBytes(UTF_8).length} gives (a lone surrogate is one replacement byte '?'), without the copy. */
	public static long utf8Length(String text) {
		long bytes = 0;
		for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
			bytes += utf8Size(text.codePointAt(i));
		}
		return bytes;
	}

	/** A lone surrogate is encoded as '?' (one byte) by Java's UTF-8 encoder. */
	private static int utf8Size(int cp) {
		if (cp < 0x80 || (cp <= 0xFFFF && Character.isSurrogate((char) cp))) {
			return 1;
		}
		return (cp < 0x800) ? 2 : (cp < 0x10000) ? 3 : 4;
	}

	/** Whether {@code text} fits in one frame: at most {@link #MAX_FRAME_BYTES} in UTF-8, counted without encoding it. */
	public static boolean fitsInFrame(String text) {
		// no character takes more than 3 bytes (a surrogate pair's 4 are 2 per char): most frames need no count
		return (long) text.length() * 3 <= MAX_FRAME_BYTES || utf8Length(text) <= MAX_FRAME_BYTES;
	}
}
