package dev.dragnet.server.whois.rdap;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How RDAP lookups are made and where the server learns which TLDs answer RDAP.
 *
 * @param bootstrapUrl where the IANA DNS bootstrap file (RFC 9224) is refreshed from
 * @param refreshEnabled whether the server refreshes the bootstrap file in the background; when off it uses the
 * snapshot bundled with the server (tests, machines without internet)
 * @param minRefresh least time between two downloads of the bootstrap file, whatever its cache headers say; also
 * the wait after a failed download
 * @param defaultMaxAge how long a downloaded bootstrap file is used when its response names no lifetime
 * ({@code Cache-Control: max-age} or {@code Expires})
 * @param refreshTimeout deadline of one download of the bootstrap file, connect to last byte
 * @param maxResponseSize byte cap of one RDAP answer at a probe (each of the registry's and the registrar's)
 * @param connectTimeout deadline of a TCP and TLS connection to an RDAP server (from a probe) or to the bootstrap
 * host
 */
@ConfigurationProperties("dragnet.rdap")
public record RdapProperties(@DefaultValue("https://data.iana.org/rdap/dns.json") URI bootstrapUrl,
		@DefaultValue("true") boolean refreshEnabled, @DefaultValue("1h") Duration minRefresh,
		@DefaultValue("24h") Duration defaultMaxAge, @DefaultValue("30s") Duration refreshTimeout,
		@DefaultValue("512KB") DataSize maxResponseSize, @DefaultValue("5s") Duration connectTimeout) {
}
