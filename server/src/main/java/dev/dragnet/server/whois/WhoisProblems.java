package dev.dragnet.server.whois;

import dev.dragnet.server.web.ProblemException;
import org.springframework.http.HttpStatus;

/** The client-visible errors of WHOIS lookups. */
final class WhoisProblems {

	private WhoisProblems() {
	}

	/** The domain's suffix is in no table, or its registry runs no WHOIS service. */
	static final class NoWhoisService extends ProblemException {

		NoWhoisService(String slug, String detail) {
			super(HttpStatus.NOT_FOUND, slug, "No WHOIS service for this domain", detail);
		}
	}

	/** The caller named a server that is malformed, unknown or not public. */
	static final class ServerRefused extends ProblemException {

		ServerRefused(String slug, String title, String detail) {
			super(HttpStatus.BAD_REQUEST, slug, title, detail);
		}
	}

	/** RDAP was asked for a domain whose TLD has no RDAP service in the bootstrap. */
	static final class NoRdapService extends ProblemException {

		NoRdapService(String domain) {
			super(HttpStatus.NOT_FOUND, "no-rdap-service", "No RDAP service for this domain",
					"the IANA RDAP bootstrap names no RDAP server for '" + domain + "'; try policy=whois");
		}
	}

	/** The probe refused the task by its own policy. */
	static final class ProbeRefused extends ProblemException {

		ProbeRefused(String detail) {
			super(HttpStatus.BAD_GATEWAY, "probe-refused", "The probe refused the lookup", detail);
		}
	}

	/** The caller's {@code maxWait} is not a duration the server accepts. */
	static final class InvalidMaxWait extends ProblemException {

		InvalidMaxWait(String detail) {
			super(HttpStatus.BAD_REQUEST, "invalid-max-wait", "Invalid maxWait", detail);
		}
	}
}
