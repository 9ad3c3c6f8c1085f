package dev.dragnet.server.alert;

import java.time.Instant;
import java.util.List;

/**
 * One alert as raised: mailed to the recipients, or only logged.
 *
 * @param kind what it is about
 * @param at when it was raised
 * @param subject the email subject, prefix included
 * @param body the plain-text email body
 * @param subjects the probe names or campaign ids it is about
 */
public record Alert(Kind kind, Instant at, String subject, String body, List<String> subjects) {

	public Alert {
		subjects = List.copyOf(subjects);
	}

	/** What an alert is about. */
	public enum Kind {

		/** One detection round: probes that became ineffective. */
		PROBES_DOWN,

		/** A probe that was reported down is effective again. */
		PROBE_RECOVERED,

		/** The probes that flapped during a digest period. */
		FLAPPING_DIGEST,

		/** A campaign finished: every block done. */
		CAMPAIGN_DONE,

		/** A campaign ended with every block failed. */
		CAMPAIGN_FAILED,

		/** The database has been unreachable for {@code dragnet.alerts.database-outage-after}. */
		DATABASE_DOWN,

		/** The database reported unreachable answers again. */
		DATABASE_BACK
	}
}
