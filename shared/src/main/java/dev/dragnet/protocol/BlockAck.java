package dev.dragnet.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * The server's answer to a {@link BlockResult}: stored, refused with the reason (not the current lease, addresses
 * missing or outside the block), or deferred. A refused result stores nothing and is final. A deferred one (not
 * accepted, with {@code retryAfterMillis}) could not be stored yet because the server's database is away: the probe
 * keeps the result and sends it again after that long, after its next welcome, or on a {@code campaign} notice.
 *
 * @param leaseId the lease the result (or progress) was for
 * @param accepted whether the result was stored
 * @param reason why not, for people
 * @param retryAfterMillis set only on a deferral: how long the probe waits before sending the result again
 */
public record BlockAck(String leaseId, boolean accepted, @Nullable String reason,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long retryAfterMillis) implements ServerFrame {

	/** Stored, or refused for good. */
	public BlockAck(String leaseId, boolean accepted, @Nullable String reason) {
		this(leaseId, accepted, reason, null);
	}

	/** A deferral: the result could not be stored now; send it again after {@code retryAfterMillis}. */
	public static BlockAck deferred(String leaseId, String reason, long retryAfterMillis) {
		return new BlockAck(leaseId, false, reason, Math.max(1, retryAfterMillis));
	}

	/** Whether the probe should keep the result and send it again later. */
	public boolean deferral() {
		return !this.accepted && this.retryAfterMillis != null;
	}
}
