package dev.dragnet.server.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

import dev.dragnet.server.cluster.ClusterMembership;
import dev.dragnet.server.db.DatabaseFailures;
import dev.dragnet.server.db.DatabaseStatus;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The fleet as users see it: stored rows, overlaid with the live numbers of connected probes. */
@Service
public class ProbeService implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ProbeService.class);

	/** How often waiting probe states are tried again besides when the database comes back. */
	private static final Duration WRITE_BACK_INTERVAL = Duration.ofSeconds(5);

	private final ProbeRepository repository;

	private final ProbeRegistry registry;

	private final Instant started;

	private final DatabaseStatus status;

	private final ProbeMirror mirror = new ProbeMirror(this::read, System::nanoTime);

	private volatile @Nullable Disposable writingBack;

	private volatile @Nullable Disposable clusterWatch;

	private final ClusterMembership cluster;

	private final ProbeEvents events;

	private final ObjectProvider<CampaignFrames> campaigns;

	ProbeService(ProbeRepository repository, ProbeRegistry registry, DatabaseStatus status, ClusterMembership cluster,
			ProbeEvents events, ObjectProvider<CampaignFrames> campaigns, ObjectProvider<Clock> clock) {
		this.campaigns = campaigns;
		this.cluster = cluster;
		this.events = events;
		this.repository = repository;
		this.registry = registry;
		this.status = status;
		this.started = clock.getIfAvailable(Clock::systemUTC).instant();
	}

	/** Probes stored as effective by an earlier run have no live session here: mark them ineffective. */
	@EventListener(ApplicationReadyEvent.class)
	void forgetSessionsOfEarlierRuns() {
		this.repository.allIneffective("server restarted", this.started)
			.subscribe((count) -> {
				if (count > 0) {
					logger.info("{} probe(s) from the previous run marked INEFFECTIVE until they reconnect", count);
				}
			}, (ex) -> logger.error("could not reset probe states at start: {}", ex.toString()));
	}

	/**
	 * Every probe: the stored rows overlaid with live sessions. The rows are the {@link ProbeMirror}'s, brought up to
	 * date first by reading the rows changed since the last read (shared with the callers that arrive meanwhile), so
	 * a change committed before the call shows. While the database is away, the rows last read (and the states
	 * waiting to be written) stand in for the table, so the fleet is still shown.
	 */
	public Flux<ProbeView> probes() {
		if (!this.status.isAvailable()) {
			return Flux.fromIterable(fromMemory()).map(this::view);
		}
		return this.mirror.refresh()
			.then(Mono.fromSupplier(() -> (Iterable<ProbeRepository.ProbeRow>) this.mirror.rows().values()))
			.onErrorResume((ex) -> {
				if (!(ex instanceof TimeoutException) && !DatabaseFailures.isUnavailable(ex)) {
					return Mono.error(ex);
				}
				return Mono.fromSupplier(this::fromMemory);
			})
			.flatMapIterable((rows) -> rows)
			.map(this::view);
	}

	/** One read of the probe table for the mirror, under the database's deadline; a failure is reported once. */
	private Mono<ProbeMirror.Delta> read(ProbeMirror.@Nullable Cursor since) {
		return this.repository.changes(since).timeout(this.status.optionalTimeout()).doOnError(this.status::failed);
	}

	/**
	 * Writes back the probe states that waited for the database, when it answers again; takes over the probes of
	 * instances this one declared dead; and writes its own sessions again when it joins after being declared dead.
	 */
	@Override
	public void start() {
		this.clusterWatch = Flux.merge(this.cluster.deaths().concatMap((dead) -> this.repository
			.instanceGone(dead, "its server instance " + dead + " stopped")
			.collectList()
			.doOnNext((rows) -> {
				if (!rows.isEmpty()) {
					logger.info("{} probe(s) of the dead instance {} marked INEFFECTIVE: {}", rows.size(), dead,
							rows.stream().map(ProbeRepository.ProbeRow::name).toList());
				}
				rows.forEach((row) -> this.events.ineffectiveElsewhere(row.name(), row.remoteAddress(), row.lastSeen(),
						"its server instance " + dead + " stopped"));
			})
			.flatMap((rows) -> {
				CampaignFrames frames = this.campaigns.getIfAvailable();
				return (frames == null || rows.isEmpty()) ? Mono.<Void>empty()
						: frames.instanceGone(dead, rows.stream().map(ProbeRepository.ProbeRow::name).toList());
			})
			.onErrorResume((ex) -> {
				logger.warn("could not mark the probes of the dead instance {} INEFFECTIVE: {}", dead, ex.toString());
				return Mono.empty();
			})
			.then()),
				this.cluster.rejoined().concatMap((again) -> Flux.fromIterable(this.registry.sessions())
					.concatMap((session) -> this.repository.connected(session).onErrorResume((ex) -> Mono.empty()))
					.then()))
			.subscribe(null, (ex) -> logger.error("the cluster watch stopped: {}", ex.toString()));
		Flux<Boolean> chances = Flux.merge(this.status.changes().map(DatabaseStatus.Availability::up),
				Flux.interval(WRITE_BACK_INTERVAL, Schedulers.parallel()).map((tick) -> this.status.isAvailable()));
		this.writingBack = chances.filter((up) -> up && !this.repository.waiting().isEmpty())
			.onBackpressureDrop()
			.concatMap((up) -> writeBack(), 1)
			.subscribe(null, (ex) -> logger.error("probe states are no longer written back: {}", ex.toString()));
	}

	private Mono<Void> writeBack() {
		int waiting = this.repository.waiting().size();
		if (waiting == 0) {
			return Mono.empty(); // the other trigger wrote them back meanwhile
		}
		return this.repository.flush()
			.doOnSuccess((done) -> logger.info("wrote back the state of {} probe(s) kept while the database was away",
					waiting))
			.onErrorResume((ex) -> {
				logger.warn("could not write back the waiting probe states yet: {}", ex.toString());
				return Mono.empty();
			});
	}

	@Override
	public void stop() {
		Disposable watching = this.clusterWatch;
		if (watching != null) {
			watching.dispose();
		}
		this.clusterWatch = null;
		Disposable running = this.writingBack;
		if (running != null) {
			running.dispose();
		}
		this.writingBack = null;
	}

	@Override
	public boolean isRunning() {
		return this.writingBack != null;
	}

	/** The rows last read, with the states waiting to be written and probes that connected since. */
	private List<ProbeRepository.ProbeRow> fromMemory() {
		Map<String, ProbeRepository.ProbeRow> rows = new TreeMap<>(this.mirror.rows());
		this.repository.waiting().forEach((name, waiting) -> rows.put(name, overlay(name, rows.get(name), waiting)));
		for (ProbeSession session : this.registry.sessions()) {
			rows.computeIfAbsent(session.name(), (name) -> new ProbeRepository.ProbeRow(name, session.remoteAddress(),
					ProbeState.EFFECTIVE, session.version(), List.copyOf(session.capabilities()),
					session.maxConcurrency(), session.connectedSince(), session.lastSeen(), null, null, 0, 0, 0, null, null,
					this.cluster.id()));
		}
		return List.copyOf(rows.values());
	}

	private ProbeRepository.ProbeRow overlay(String name, ProbeRepository.@Nullable ProbeRow row,
			ProbeBacklog.Pending waiting) {
		long[] counters = waiting.counters();
		long completed = counters[0] + ((row != null) ? row.completed() : 0);
		long failed = counters[1] + ((row != null) ? row.failed() : 0);
		long throttled = counters[2] + ((row != null) ? row.throttled() : 0);
		if (waiting.row() || row == null) {
			ProbeState state = (waiting.state() != null) ? waiting.state() : ProbeState.INEFFECTIVE;
			return new ProbeRepository.ProbeRow(name, waiting.remoteAddress(), state, waiting.version(),
					waiting.capabilities(), waiting.maxConcurrency(), waiting.sessionSince(), waiting.lastSeen(),
					waiting.disconnectedAt(), waiting.disconnectReason(), completed, failed, throttled,
					(row != null) ? row.revokedAt() : null, (row != null) ? row.quarantineReason() : null, this.cluster.id());
		}
		boolean ends = waiting.state() != null && waiting.sessionSince().equals(row.connectedSince());
		return new ProbeRepository.ProbeRow(name, row.remoteAddress(), ends ? waiting.state() : row.state(),
				row.version(), row.capabilities(), row.maxConcurrency(), row.connectedSince(),
				(waiting.lastSeen() != null) ? waiting.lastSeen() : row.lastSeen(),
				ends ? waiting.disconnectedAt() : row.disconnectedAt(),
				ends ? waiting.disconnectReason() : row.disconnectReason(), completed, failed, throttled, row.revokedAt(),
				row.quarantineReason(), row.instanceId());
	}

	private ProbeView view(ProbeRepository.ProbeRow row) {
		ProbeSession live = this.registry.session(row.name()).filter(ProbeSession::isEffective).orElse(null);
		if (live == null) {
			return new ProbeView(row.name(), row.remoteAddress(), row.state(), row.version(), row.connectedSince(), row.lastSeen(),
					0, row.completed(), row.failed(), row.throttled(), row.disconnectedAt(), row.disconnectReason(),
					row.revokedAt() != null, row.revokedAt(), row.quarantineReason(), row.instanceId());
		}
		// The row's counters lag the live session by at most one ping interval: add what is not saved yet.
		long[] unsaved = live.unsavedCounters();
		return new ProbeView(live.name(), live.remoteAddress(), ProbeState.EFFECTIVE, live.version(),
				live.connectedSince(), live.lastSeen(), live.inFlight(), row.completed() + unsaved[0],
				row.failed() + unsaved[1], row.throttled() + unsaved[2], null, null, row.revokedAt() != null,
				row.revokedAt(), live.quarantineReason(), this.cluster.id());
	}

	/**
	 * A probe as {@code GET /api/probes} shows it.
	 *
	 * @param inFlight tasks sent to it and not answered yet (0 when not connected)
	 * @param completed tasks it answered
	 * @param failed tasks that failed on it, throttled ones included
	 * @param throttled tasks that ended THROTTLED: the server asked refused it as too frequent
	 * @param revoked whether an admin revoked it (it cannot connect until it is enrolled again)
	 * @param revokedAt when it was revoked
	 * @param quarantineReason why it gets no work until an admin releases it, or null
	 * @param instance the id of the server instance its session is on (or was last on), or null if never recorded;
	 * its {@code inFlight} is known only on that instance and shows 0 elsewhere
	 */
	public record ProbeView(String name, @Nullable String remoteAddress, ProbeState state, @Nullable String version,
			@Nullable Instant connectedSince, @Nullable Instant lastSeen, int inFlight, long completed, long failed,
			long throttled, @Nullable Instant disconnectedAt, @Nullable String disconnectReason, boolean revoked,
			@Nullable Instant revokedAt, @Nullable String quarantineReason, @Nullable String instance) {
	}
}
