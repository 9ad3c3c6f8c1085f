package dev.dragnet.protocol;

/**
 * The server's answer to an accepted {@link Hello}.
 *
 * @param name the probe name as the server registered it
 * @param serverVersion server software version
 * @param protocol protocol version the server speaks
 * @param pingIntervalMillis how often the server pings; a probe that hears nothing for several intervals reconnects
 */
public record Welcome(String name, String serverVersion, int protocol, long pingIntervalMillis) implements ServerFrame {
}
