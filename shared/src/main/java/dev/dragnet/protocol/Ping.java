package dev.dragnet.protocol;

/** Liveness check from the server; the probe answers with a {@link Pong} carrying the same sequence number. */
public record Ping(long seq) implements ServerFrame {
}
