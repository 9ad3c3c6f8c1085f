package dev.dragnet.testbed.dns;

/**
 * One question a {@link FakeDnsServer} received.
 *
 * @param client the address the datagram came from, such as {@code "127.0.0.1"}
 * @param clientPort the port it came from: one per resolver socket
 * @param name the queried name in lower case, with its trailing dot
 * @param type the record type's name, such as {@code "PTR"} or {@code "A"}
 */
public record ReceivedDnsQuery(String client, int clientPort, String name, String type) {
}
