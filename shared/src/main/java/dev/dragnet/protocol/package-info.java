/**
 * The probe wire protocol: JSON text frames over one WebSocket session per probe.
 *
 * <p>{@link dev.dragnet.protocol.ProbeFrame} is what a probe sends, {@link dev.dragnet.protocol.ServerFrame}
 * what the server sends; {@link dev.dragnet.protocol.FrameCodec} turns both into text and back. The
 * human description lives in {@code docs/PROTOCOL.md}.
 */
@NullMarked
package dev.dragnet.protocol;

import org.jspecify.annotations.NullMarked;
