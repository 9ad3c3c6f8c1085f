package dev.dragnet.server.alert;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who gets alerts and how they are grouped and sent. The mail server itself is Spring Boot's
 * {@code spring.mail.*}.
 *
 * @param recipients addresses the alerts go to; with none, or without {@code spring.mail.host}, alerts are
 * only logged
 * @param from sender address of the alert emails
 * @param subjectPrefix put before every subject, to filter alerts in a mailbox
 * @param round how long probes going down are collected into one message, counted from the first; a probe
 * back within it is not reported at all
 * @param outboxCapacity alerts waiting to be sent at most; beyond, the oldest is dropped (logged and counted)
 * @param recent alerts kept in memory for {@code recent()} (the live page)
 * @param retry how failed sends are retried
 * @param digest the daily digest of flapping probes
 * @param databaseOutageAfter how long the database must be unreachable without a break before an alert says so; a
 * second one follows when it is back
 */
@ConfigurationProperties("dragnet.alerts")
public record AlertProperties(@DefaultValue List<String> recipients, @DefaultValue("dragnet@localhost") String from,
		@DefaultValue("[dragnet]") String subjectPrefix, @DefaultValue("30s") Duration round,
		@DefaultValue("500") int outboxCapacity, @DefaultValue("100") int recent, @DefaultValue Retry retry,
		@DefaultValue Digest digest, @DefaultValue("60s") Duration databaseOutageAfter) {

	public AlertProperties {
		recipients = recipients.stream().map(String::trim).filter((r) -> !r.isEmpty()).toList();
		if (round.isNegative() || round.isZero()) {
			throw new IllegalArgumentException("dragnet.alerts.round must be positive");
		}
		if (databaseOutageAfter.isNegative() || databaseOutageAfter.isZero()) {
			throw new IllegalArgumentException("dragnet.alerts.database-outage-after must be positive");
		}
		if (outboxCapacity < 1 || recent < 1) {
			throw new IllegalArgumentException("dragnet.alerts.outbox-capacity and .recent must be at least 1");
		}
	}

	/**
	 * Retries of a send that failed (SMTP server down, refused, timed out), with exponential backoff.
	 *
	 * @param initialBackoff wait before the first retry; each next wait doubles
	 * @param maxBackoff the longest wait between two tries
	 * @param giveUpAfter how long one alert is retried before it is dropped (logged and counted); later alerts
	 * wait behind it in the outbox meanwhile
	 */
	public record Retry(@DefaultValue("5s") Duration initialBackoff, @DefaultValue("5m") Duration maxBackoff,
			@DefaultValue("24h") Duration giveUpAfter) {
	}

	/**
	 * The digest of flapping probes. When enabled, a probe that goes down more than {@code flapThreshold} times
	 * in one digest period gets one last message saying so; from then until the period ends its downs and
	 * recoveries are left out of the individual messages and listed in the digest sent at the period's end.
	 *
	 * @param enabled whether flapping probes go into a digest; when off, every down and recovery is mailed
	 * @param flapThreshold downs in one period a probe may have before it counts as flapping
	 * @param interval length of a digest period; the digest goes out at its end, when any probe flapped
	 */
	public record Digest(@DefaultValue("false") boolean enabled, @DefaultValue("3") int flapThreshold,
			@DefaultValue("24h") Duration interval) {
	}
}
