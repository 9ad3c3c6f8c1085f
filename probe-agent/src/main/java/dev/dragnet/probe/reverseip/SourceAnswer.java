package dev.dragnet.probe.reverseip;

import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import dev.dragnet.protocol.source.Verdict;
import org.jspecify.annotations.Nullable;

/**
 * What one source said about one address: the names it hosts, or precisely why there are none.
 *
 * <p>{@link Status#FOUND} always has names and {@link Status#NONE} never has; a failure after some pages were read
 * ({@link Status#BLOCKED} on page 3, a timeout) keeps the names of the pages before it and is marked truncated.
 *
 * @param status how the lookup ended
 * @param domains the names, normalised (lower case, A-labels, no trailing dot, no {@code *.}, no addresses, a
 * {@code www.} name dropped when its bare name is there too), sorted
 * @param blockedAs for {@link Status#BLOCKED}: how the source refused; otherwise {@code null}
 * @param retryAfter the wait the source named ({@code Retry-After}), or {@code null}
 * @param truncated whether the source has (or may have) more names than these (B7: its total is larger, a page or
 * result cap was reached with more to come, or a later page failed)
 * @param requests HTTP requests (or DNS queries) made, redirects included: what the lookup cost of the source's budget
 * @param detail a person-readable account of anything but a clean {@link Status#FOUND} or {@link Status#NONE}
 */
public record SourceAnswer(Status status, Set<String> domains, @Nullable Verdict blockedAs,
		@Nullable Duration retryAfter, boolean truncated, int requests, @Nullable String detail) {

	/** Copies the names into a sorted set and holds the invariants above. */
	public SourceAnswer {
		Objects.requireNonNull(status, "status");
		domains = Collections.unmodifiableSortedSet(new TreeSet<>(domains));
		if (status == Status.FOUND && domains.isEmpty()) {
			throw new IllegalArgumentException("FOUND needs at least one name");
		}
		if (status == Status.NONE && !domains.isEmpty()) {
			throw new IllegalArgumentException("NONE has no names");
		}
		if ((status == Status.BLOCKED) != (blockedAs != null)) {
			throw new IllegalArgumentException("a verdict goes with BLOCKED and only with it");
		}
	}

	/** This answer, having cost {@code more} requests besides. */
	SourceAnswer plusRequests(int more) {
		return new SourceAnswer(this.status, this.domains, this.blockedAs, this.retryAfter, this.truncated,
				this.requests + more, this.detail);
	}

	/** How a lookup ended. */
	public enum Status {

		/** The source named at least one domain. */
		FOUND,

		/** The source said, in its own words or with a well-formed empty page, that it knows no names. */
		NONE,

		/** The source refused (quota, throttling, firewall, captcha, header gate, silent ban); see the verdict. */
		BLOCKED,

		/** The answer no longer has the expected layout (B10): the definition needs updating. Never a silent zero. */
		PAGE_CHANGED,

		/** A transport or server fault (B8: 5xx, reset, cut-short body, redirect home, refused by policy); retryable. */
		ERROR,

		/** The deadline passed (B8 stalls). */
		TIMEOUT

	}

}
