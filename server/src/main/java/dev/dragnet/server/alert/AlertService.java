package dev.dragnet.server.alert;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import dev.dragnet.server.campaign.CampaignEvents;
import dev.dragnet.server.campaign.CampaignStateChange;
import dev.dragnet.server.cluster.ClusterMembership;
import dev.dragnet.server.db.DatabaseStatus;
import dev.dragnet.server.probe.ProbeEvents;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Service;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Raises alerts from probe and campaign changes, logs each once, keeps the latest for the live page, and
 * mails them to {@code dragnet.alerts.recipients} through {@code spring.mail.*}. Without a mail server or
 * without recipients alerts are only logged, which the log says at start. Mail problems never reach
 * monitoring: the outbox retries on its own and the changes keep flowing.
 */
@Service
public class AlertService implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(AlertService.class);

	private final ProbeEvents probes;

	private final CampaignEvents campaigns;

	private final DatabaseStatus database;

	private final AlertProperties properties;

	private final MeterRegistry meters;

	private final @Nullable JavaMailSender mail;

	private final Deque<Alert> recent = new ArrayDeque<>();

	private final Sinks.Many<Alert> live = Sinks.many().multicast().directBestEffort();

	private volatile @Nullable Disposable running;

	private final AlertLedger ledger;

	private final ClusterMembership cluster;

	AlertService(ProbeEvents probes, CampaignEvents campaigns, DatabaseStatus database, AlertProperties properties,
			MeterRegistry meters, ObjectProvider<JavaMailSender> mail, AlertLedger ledger, ClusterMembership cluster) {
		this.ledger = ledger;
		this.cluster = cluster;
		this.probes = probes;
		this.campaigns = campaigns;
		this.database = database;
		this.properties = properties;
		this.meters = meters;
		this.mail = mail.getIfAvailable();
	}

	/** The latest alerts raised, newest first; at most {@code dragnet.alerts.recent}. */
	public List<Alert> recent() {
		synchronized (this.recent) {
			return new ArrayList<>(this.recent);
		}
	}

	/**
	 * Every alert raised from now on, whether mailed or only logged. Each subscriber has its own buffer of
	 * {@code dragnet.alerts.recent} alerts and loses its oldest beyond. Never completes; cancel to stop.
	 */
	public Flux<Alert> alerts() {
		return this.live.asFlux().onBackpressureBuffer(this.properties.recent(), BufferOverflowStrategy.DROP_OLDEST);
	}

	@Override
	public void start() {
		AlertMailer mailer = mailer();
		Flux<Alert> raised = Flux.merge(
				new ProbeAlerts(this.properties, Schedulers.parallel(), this.ledger).alerts(this.probes.changes()),
				this.campaigns.changes()
					.filter(CampaignStateChange::finished)
					.map(new AlertMessages(this.properties.subjectPrefix())::campaignEnded),
				// Every instance sees the database go; the longest-running one says so.
				new DatabaseAlerts(this.properties, Schedulers.parallel()).alerts(this.database.changes())
					.filter((alert) -> this.cluster.leads()))
			.doOnNext((alert) -> raised(alert, mailer != null));
		Flux<Alert> handled = (mailer != null)
				? new AlertOutbox(mailer::send, this.properties, this.meters, Schedulers.parallel()).deliver(raised)
				: raised;
		this.running = handled.subscribe(null, (ex) -> logger.error("alerts stopped: {}", ex.toString()));
	}

	/** The mailer; null, with a log line that says why, when alerts are only logged. */
	private @Nullable AlertMailer mailer() {
		if (this.mail == null || this.properties.recipients().isEmpty()) {
			logger.info("alerts are only logged, not mailed: {}", (this.mail == null) ? "spring.mail.host is not set"
					: "dragnet.alerts.recipients is empty");
			return null;
		}
		logger.info("alerts are mailed to {}{}", String.join(", ", this.properties.recipients()),
				(this.mail instanceof JavaMailSenderImpl smtp) ? " through " + smtp.getHost() + ":" + smtp.getPort() : "");
		return new AlertMailer(this.mail, this.properties.from(), this.properties.recipients(),
				Schedulers.boundedElastic());
	}

	private void raised(Alert alert, boolean mailed) {
		this.meters.counter("dragnet.alerts.raised", "kind", alert.kind().name()).increment();
		if (mailed) {
			logger.info("alert: {}", alert.subject());
		}
		else {
			// Nobody gets the message: the log is where its details are read.
			logger.info("alert: {}\n{}", alert.subject(), alert.body());
		}
		synchronized (this.recent) {
			this.recent.addFirst(alert);
			while (this.recent.size() > this.properties.recent()) {
				this.recent.removeLast();
			}
		}
		synchronized (this.live) {
			this.live.tryEmitNext(alert);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running != null;
	}

	@Override
	public void stop() {
		Disposable alerting = this.running;
		if (alerting != null) {
			alerting.dispose();
		}
		this.running = null;
	}
}
