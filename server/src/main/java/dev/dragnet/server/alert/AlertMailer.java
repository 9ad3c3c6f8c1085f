package dev.dragnet.server.alert;

import java.util.List;

import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The one adapter from alerts to Spring's blocking {@link JavaMailSender}: each send runs on a worker of
 * {@code scheduler} (boundedElastic), never on an event loop. Its waits are capped by the
 * {@code spring.mail.properties.mail.smtp.*timeout} settings.
 */
final class AlertMailer {

	private final JavaMailSender sender;

	private final String from;

	private final List<String> recipients;

	private final Scheduler scheduler;

	AlertMailer(JavaMailSender sender, String from, List<String> recipients, Scheduler scheduler) {
		this.sender = sender;
		this.from = from;
		this.recipients = List.copyOf(recipients);
		this.scheduler = scheduler;
	}

	/** Sends the alert to every recipient in one message; errors with Spring's {@code MailException}. */
	Mono<Void> send(Alert alert) {
		return Mono.fromRunnable(() -> this.sender.send(message(alert))).subscribeOn(this.scheduler).then();
	}

	private SimpleMailMessage message(Alert alert) {
		SimpleMailMessage message = new SimpleMailMessage();
		message.setFrom(this.from);
		message.setTo(this.recipients.toArray(String[]::new));
		message.setSubject(alert.subject());
		message.setText(alert.body());
		return message;
	}
}
