package dev.dragnet.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The server's answer to a {@link BlockResult}: stored, or refused with the reason (not the current lease,
 * addresses missing or outside the block). A refused result stores nothing.
 */
public record BlockAck(String leaseId, boolean accepted, @Nullable String reason) implements ServerFrame {
}
