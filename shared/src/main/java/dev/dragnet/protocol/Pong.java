package dev.dragnet.protocol;

/** A probe's answer to {@link Ping}. */
public record Pong(long seq) implements ProbeFrame {
}
