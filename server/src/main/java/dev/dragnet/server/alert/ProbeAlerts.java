package dev.dragnet.server.alert;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.dragnet.server.probe.ProbeStateChange;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Turns probe changes into alerts. Probes going down are collected into detection rounds: the first down
 * opens a round, which closes {@code dragnet.alerts.round} later with one message listing every probe still
 * down. A probe reported down gets no second message until it is back, and then one recovery message. With
 * the digest enabled, flapping probes go quiet after one notice and are listed at the end of the period.
 */
final class ProbeAlerts {

	/** Probes one round lists at most; a larger burst is split into several messages. */
	static final int MAX_ROUND = 1000;

	private final AlertProperties properties;

	private final ProbeWatch watch;

	private final AlertMessages messages;

	private final Scheduler timer;

	private final @Nullable AlertLedger ledger;

	ProbeAlerts(AlertProperties properties, Scheduler timer) {
		this(properties, timer, null);
	}

	/** @param ledger the shared record of reported downs, or null to decide from this instance's memory alone */
	ProbeAlerts(AlertProperties properties, Scheduler timer, @Nullable AlertLedger ledger) {
		this.ledger = ledger;
		this.properties = properties;
		this.watch = new ProbeWatch(properties.digest());
		this.messages = new AlertMessages(properties.subjectPrefix());
		this.timer = timer;
	}

	/** The alerts {@code changes} give rise to, as they arise. */
	Flux<Alert> alerts(Flux<ProbeStateChange> changes) {
		return changes.publish((shared) -> Flux.merge(
				rounds(shared.filter((change) -> change.kind() == ProbeStateChange.Kind.INEFFECTIVE)),
				recoveries(shared.filter((change) -> change.kind() != ProbeStateChange.Kind.INEFFECTIVE)),
				digests()));
	}

	private Flux<Alert> rounds(Flux<ProbeStateChange> downs) {
		return downs.mapNotNull(this.watch::wentDown)
			.bufferTimeout(MAX_ROUND, this.properties.round(), this.timer)
			.map(this.watch::closeRound)
			.concatMap((listed) -> (this.ledger != null && !listed.isEmpty()) ? this.ledger.claimDowns(listed)
					: Mono.just(listed))
			.filter((listed) -> !listed.isEmpty())
			.map((listed) -> this.messages.probesDown(listed, now()));
	}

	private Flux<Alert> recoveries(Flux<ProbeStateChange> ups) {
		return ups.concatMap((back) -> {
			Optional<ProbeStateChange> remembered = Optional.ofNullable(this.watch.cameBack(back));
			Mono<Optional<ProbeStateChange>> wentDown = (this.ledger != null)
					? this.ledger.claimRecovery(back, remembered) : Mono.just(remembered);
			return wentDown.flatMap((down) -> Mono.justOrEmpty(down.map((d) -> this.messages.probeRecovered(back, d))));
		});
	}

	private Flux<Alert> digests() {
		AlertProperties.Digest digest = this.properties.digest();
		if (!digest.enabled()) {
			return Flux.never();
		}
		return Flux.interval(digest.interval(), digest.interval(), this.timer)
			.onBackpressureDrop()
			.map((tick) -> this.watch.endPeriod())
			.filter((flapped) -> !flapped.isEmpty())
			.map((flapped) -> this.messages.digest(flapped, digest.interval(), now()));
	}

	private Instant now() {
		return Instant.ofEpochMilli(this.timer.now(TimeUnit.MILLISECONDS));
	}
}
