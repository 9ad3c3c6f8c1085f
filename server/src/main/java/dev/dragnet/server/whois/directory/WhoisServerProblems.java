package dev.dragnet.server.whois.directory;

import java.util.Map;

import dev.dragnet.server.web.ProblemException;
import org.springframework.http.HttpStatus;

/** The client-visible errors of the directory's admin API. */
final class WhoisServerProblems {

	private WhoisServerProblems() {
	}

	/** No directory entry has this suffix. */
	static final class UnknownSuffix extends ProblemException {

		UnknownSuffix(String suffix) {
			super(HttpStatus.NOT_FOUND, "unknown-suffix", "Unknown suffix",
					"the WHOIS server directory has no entry for '" + suffix + "'; PUT one to add it");
		}
	}

	/** A suffix, host, port or query format that cannot be stored; {@code field} names which. */
	static final class InvalidEntry extends ProblemException {

		private final String field;

		InvalidEntry(String field, String detail) {
			super(HttpStatus.BAD_REQUEST, "invalid-whois-server", "Invalid WHOIS server entry", detail);
			this.field = field;
		}

		@Override
		public Map<String, Object> properties() {
			return Map.of("field", this.field);
		}
	}
}
