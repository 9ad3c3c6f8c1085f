package dev.dragnet.testbed.whois;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Realistic WHOIS answers for scripted fakes: a thin registry that refers to a registrar, the registrar's
 * record, an RIR that refers to another RIR, and the throttle notices real servers send (from
 * {@code docs/WHOIS-NOTES.md}), each with the wait it names.
 */
public final class WhoisScenarios {

	private WhoisScenarios() {
	}

	/** A Verisign-style thin registry answer naming the registrar's WHOIS server. */
	public static String thinRegistry(String domain, String registrarServer) {
		String upper = domain.toUpperCase(Locale.ROOT);
		return "   Domain Name: " + upper + "\r\n"
				+ "   Registry Domain ID: 2336799_DOMAIN_COM-VRSN\r\n"
				+ "   Registrar WHOIS Server: " + registrarServer + "\r\n"
				+ "   Registrar URL: http://www.registrar.test\r\n"
				+ "   Updated Date: 2024-08-14T07:01:34Z\r\n"
				+ "   Creation Date: 1995-08-14T04:00:00Z\r\n"
				+ "   Registry Expiry Date: 2025-08-13T04:00:00Z\r\n"
				+ "   Registrar: Example Registrar, Inc.\r\n"
				+ "   Registrar IANA ID: 376\r\n"
				+ "   Domain Status: clientDeleteProhibited https://icann.org/epp#clientDeleteProhibited\r\n"
				+ "   Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited\r\n"
				+ "   Name Server: NS1.EXAMPLE.NET\r\n"
				+ "   Name Server: NS2.EXAMPLE.NET\r\n"
				+ "   DNSSEC: signedDelegation\r\n"
				+ ">>> Last update of whois database: 2024-11-21T10:00:00Z <<<\r\n";
	}

	/**
	 * The registrar's own record, with registrant details the registry does not publish. Like real ones, it
	 * names its own WHOIS server ({@code self}).
	 */
	public static String registrarRecord(String domain, String self) {
		return "Domain Name: " + domain + "\r\n"
				+ "Registrar WHOIS Server: " + self + "\r\n"
				+ "Updated Date: 2024-08-15T00:00:00Z\r\n"
				+ "Creation Date: 1995-08-14T04:00:00Z\r\n"
				+ "Registrar Registration Expiration Date: 2025-08-13T04:00:00Z\r\n"
				+ "Registrar: Example Registrar, Inc.\r\n"
				+ "Registrar IANA ID: 376\r\n"
				+ "Registrant Organization: Example Holdings Ltd\r\n"
				+ "Registrant Country: GB\r\n"
				+ "Name Server: ns1.example.net\r\n"
				+ "Name Server: ns2.example.net\r\n"
				+ "DNSSEC: signedDelegation\r\n";
	}

	/** An ARIN-style network answer that refers the query to another RIR. */
	public static String rirReferral(String address, String referralServer) {
		return "NetRange:       " + address + " - " + address + "\r\n"
				+ "NetName:        RIPE-TRANSFER\r\n"
				+ "OrgName:        RIPE Network Coordination Centre\r\n"
				+ "ReferralServer:  whois://" + referralServer + "\r\n";
	}

	/** A RIPE-style answer for an address. */
	public static String rirRecord(String address) {
		return "% This is the RIPE Database query service.\r\n\r\n"
				+ "inetnum:        " + address + " - " + address + "\r\n"
				+ "netname:        EXAMPLE-NET\r\n"
				+ "country:        NL\r\n"
				+ "source:         RIPE\r\n";
	}

	/**
	 * A throttle notice and the wait it names.
	 *
	 * @param registry who sends it
	 * @param text the answer's text
	 * @param namedWait the wait named in it, or null
	 */
	public record Throttle(String registry, String text, Duration namedWait) {
	}

	/** Every throttle notice from the field notes. */
	public static List<Throttle> throttles() {
		return List.of(new Throttle("PIR .org", "WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS\r\n", null),
				new Throttle("DENIC", "% Error: 55000000002 Connection refused; access control limit reached.\r\n", null),
				new Throttle("CZ.NIC", "Your connection limit exceeded. Please slow down and try again later.\r\n", null),
				new Throttle("MarkMonitor", "You have exceeded your quota of queries.\r\n", null),
				new Throttle("AFNIC", "%% Too many requests...\r\n", null),
				new Throttle(".dk", "# Too many connections.\r\n", null),
				new Throttle(".be grace", "% Excessive querying, grace period of 2 seconds\r\n", Duration.ofSeconds(2)),
				new Throttle(".be hourly", "% Maximum queries per hour reached (100)\r\n", null),
				new Throttle(".be blocked", "-3: IP address blocked\r\n", null),
				new Throttle(".pl", "request limit exceeded for 192.0.2.1\r\n", null),
				new Throttle(".nl second", "only 1 request per second allowed, try again later\r\n", null),
				new Throttle(".nl daily", "daily whois-limit exceeded for client 192.0.2.1\r\n", null),
				new Throttle(".nl minute", "maximum number of requests per minute exceeded\r\n", null),
				new Throttle(".eu", "-1: Still in grace period, wait 7 seconds\r\n", Duration.ofSeconds(7)),
				new Throttle(".uk", "The WHOIS query quota for 192.0.2.1 has been exceeded and will be replenished in 42 seconds.\r\n",
						Duration.ofSeconds(42)),
				new Throttle(".nz", "query_status: 440 Request Denied\r\n", null),
				new Throttle(".za", "Please go away for 30 Seconds\r\n", Duration.ofSeconds(30)),
				new Throttle(".br", "% Query rate limit exceeded. Reduced information.\r\ndomain: example.com.br\r\n", null),
				new Throttle(".xxx", "WHOIS QUERY RATE LIMIT EXCEEDED. PLEASE WAIT AND TRY AGAIN.\r\n", null),
				new Throttle("shared platform", "Your request could not be performed.\r\nLookup quota exceeded.\r\n", null),
				new Throttle("GoDaddy", "Rate limit exceeded. Try again after: 24h0m0s\r\n", Duration.ofHours(24)),
				new Throttle("BLACKLISTED",
						"BLACKLISTED: You have exceeded the query limit for your network or IP address\r\n", null),
				new Throttle("RIPE denied", "%ERROR:201: access denied for 192.0.2.1\r\n", null),
				new Throttle("RIPE connections", "%ERROR:306: connections exceeded\r\n", null),
				new Throttle("CN interval", "Queried interval is too short\r\n", null),
				new Throttle("CN frequency", "The query frequency too fast\r\n", null));
	}
}
