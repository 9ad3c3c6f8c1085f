package dev.dragnet.server.alert;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Sends alerts one at a time, in order, from a bounded outbox. A failed send is retried with exponential
 * backoff ({@code dragnet.alerts.retry.*}) while later alerts wait in the outbox, so nothing is lost while the
 * mail server is down as long as the outbox holds; when it overflows, the oldest waiting alert is dropped.
 * A message that cannot be built is not retried. Each drop, failure and send is logged once and counted
 * ({@code dragnet.alerts.sent}, {@code .failed}, {@code .dropped}).
 */
final class AlertOutbox {

	private static final Logger logger = LoggerFactory.getLogger(AlertOutbox.class);

	private final Function<Alert, Mono<Void>> send;

	private final AlertProperties properties;

	private final MeterRegistry meters;

	private final Scheduler timer;

	/**
	 * @param send sends one alert; errors when it could not
	 * @param timer the backoff waits run on it
	 */
	AlertOutbox(Function<Alert, Mono<Void>> send, AlertProperties properties, MeterRegistry meters, Scheduler timer) {
		this.send = send;
		this.properties = properties;
		this.meters = meters;
		this.timer = timer;
	}

	/** Sends {@code alerts} in order; emits each alert once it was sent. Alerts given up on are skipped. */
	Flux<Alert> deliver(Flux<Alert> alerts) {
		return alerts.onBackpressureBuffer(this.properties.outboxCapacity(), this::overflowed,
				BufferOverflowStrategy.DROP_OLDEST)
			.concatMap(this::deliver, 0);
	}

	private Mono<Alert> deliver(Alert alert) {
		AlertProperties.Retry retry = this.properties.retry();
		return Mono.defer(() -> {
			long first = this.timer.now(TimeUnit.MILLISECONDS);
			return this.send.apply(alert)
				.doOnError((ex) -> failed(alert, ex))
				.retryWhen(Retry.backoff(Long.MAX_VALUE, retry.initialBackoff())
					.maxBackoff(retry.maxBackoff())
					.jitter(0)
					.scheduler(this.timer)
					.filter((ex) -> retryable(ex) && !expired(first, retry.giveUpAfter())))
				.thenReturn(alert)
				.doOnNext(this::sent)
				.onErrorResume((ex) -> gaveUp(alert, ex));
		});
	}

	private boolean expired(long first, Duration giveUpAfter) {
		return this.timer.now(TimeUnit.MILLISECONDS) - first >= giveUpAfter.toMillis();
	}

	/** A message that cannot be built fails the same way every time. */
	private static boolean retryable(Throwable ex) {
		return !(ex instanceof MailParseException || ex instanceof MailPreparationException);
	}

	private void sent(Alert alert) {
		this.meters.counter("dragnet.alerts.sent", "kind", alert.kind().name()).increment();
		logger.info("alert sent to {}: {}", String.join(", ", this.properties.recipients()), alert.subject());
	}

	private void failed(Alert alert, Throwable ex) {
		this.meters.counter("dragnet.alerts.failed", "kind", alert.kind().name()).increment();
		logger.warn("could not send the alert '{}' (trying again with backoff, at most for {}): {}", alert.subject(),
				this.properties.retry().giveUpAfter(), rootMessage(ex));
	}

	private Mono<Alert> gaveUp(Alert alert, Throwable ex) {
		this.meters.counter("dragnet.alerts.dropped", "reason", "gave-up").increment();
		logger.error("gave up sending the alert '{}': {}", alert.subject(), rootMessage(ex));
		return Mono.empty();
	}

	private void overflowed(Alert alert) {
		this.meters.counter("dragnet.alerts.dropped", "reason", "outbox-full").increment();
		logger.error("the alert outbox is full ({} waiting): dropped the oldest alert '{}'",
				this.properties.outboxCapacity(), alert.subject());
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root == ex) ? ex.toString() : ex.getMessage() + " (" + root + ")";
	}
}
