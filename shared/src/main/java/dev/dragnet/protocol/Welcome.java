package dev.dragnet.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * The server's answer to an accepted {@link Hello}.
 *
 * @param name the probe name as the server registered it
 * @param serverVersion server software version
 * @param protocol protocol version the server speaks
 * @param pingIntervalMillis how often the server pings; a probe that hears nothing for several intervals reconnects
 * @param creditInResult {@code true} when the server takes a task's slot back from the {@code credits} of its
 * {@link TaskResult}, so the probe sends no {@link CreditGrant} after each result (one frame per task fewer);
 * {@code null} or {@code false} (a server before this field): a grant follows each result
 */
public record Welcome(String name, String serverVersion, int protocol, long pingIntervalMillis,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Boolean creditInResult) implements ServerFrame {

	/** A welcome from a server that takes credit only in {@link CreditGrant} frames. */
	public Welcome(String name, String serverVersion, int protocol, long pingIntervalMillis) {
		this(name, serverVersion, protocol, pingIntervalMillis, null);
	}

	/** Whether the probe gives a task's slot back in its result rather than in a separate grant. */
	public boolean takesCreditInResult() {
		return Boolean.TRUE.equals(this.creditInResult);
	}
}
