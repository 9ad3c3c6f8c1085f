package dev.dragnet.server.whois;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How WHOIS lookups are made.
 *
 * @param allowPrivateServers allow WHOIS servers on loopback, private and link-local addresses (for tests and
 * local testbeds only)
 * @param allowedServers extra servers a caller may name in {@code /WHOIS/{domain}:{server}}, as {@code host}
 * (any port) or {@code host:port}, besides the hosts in the WHOIS server table
 * @param maxResponseSize byte cap of one WHOIS answer; longer answers are cut there and marked TRUNCATED
 * @param connectTimeout deadline for a probe's TCP connection to a WHOIS server
 * @param resolveTimeout deadline for the server's own DNS check of a caller-chosen server
 */
@ConfigurationProperties("dragnet.whois")
public record WhoisProperties(@DefaultValue("false") boolean allowPrivateServers,
		@DefaultValue List<String> allowedServers, @DefaultValue("256KB") DataSize maxResponseSize,
		@DefaultValue("5s") Duration connectTimeout, @DefaultValue("3s") Duration resolveTimeout) {
}
