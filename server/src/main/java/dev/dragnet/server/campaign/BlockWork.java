package dev.dragnet.server.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import com.google.common.net.InternetDomainName;
import dev.dragnet.net.DomainNames;
import dev.dragnet.net.InvalidDomainException;
import dev.dragnet.net.Ipv4Range;
import dev.dragnet.protocol.BlockAck;
import dev.dragnet.protocol.BlockGiveUp;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockProgress;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.CampaignNotice;
import dev.dragnet.protocol.ProbeFrame;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.SourceRests;
import dev.dragnet.protocol.WantBlocks;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.server.db.DatabaseFailures;
import dev.dragnet.server.cluster.ClusterEvents;
import dev.dragnet.server.db.DatabaseStatus;
import dev.dragnet.server.probe.CampaignFrames;
import dev.dragnet.server.probe.ProbeRegistry;
import dev.dragnet.server.probe.ProbeSession;
import dev.dragnet.server.source.SourceService;
import dev.dragnet.server.web.Printable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The campaign side of probe sessions: leases blocks to probes that ask, extends leases on progress, stores
 * results once and only from the current lease holder, gives blocks back when a probe goes away or gives one up,
 * and ends a campaign when its last block is done. Spot checks of stored answers ({@link CampaignSpotChecks}) go
 * out with the blocks and come back through the same frames.
 *
 * <p>While the database is away ({@link DatabaseStatus}) nothing here fails: a probe asking for blocks gets none,
 * progress is not recorded (every lease is pushed forward when the database is back, {@link #recover(Duration)}), a
 * result is answered with a deferral so the probe keeps it and sends it again, and lease changes that cannot be
 * written wait in {@link DeferredLeaseChanges}.
 */
@Service
class BlockWork implements CampaignFrames {

	private static final Logger logger = LoggerFactory.getLogger(BlockWork.class);

	/** Longest give-up reason kept with a failed block. */
	private static final int MAX_REASON = 500;

	private final BlockRepository blocks;

	private final ProbeRegistry registry;

	private final CampaignProperties properties;

	private final SourceService sources;

	private final HeldBlocks held;

	private final CampaignEvents events;

	private final CampaignMetrics metrics;

	private final SourceRestBook rests;

	private final DatabaseStatus status;

	private final DeferredLeaseChanges deferred;

	private final CampaignSpotChecks checks;

	private final ClusterEvents cluster;

	/** The cluster event that says a campaign started or ended ({@link ClusterEvents}). */
	static final String CAMPAIGN_EVENT = "campaign";

	/** How long a probe waits to send again a result deferred because too many wait to be stored. */
	private static final Duration BUSY_RETRY = Duration.ofSeconds(2);

	private final ResultBatcher results;

	private final LeaseBatcher leases;

	BlockWork(BlockRepository blocks, ProbeRegistry registry, CampaignProperties properties, SourceService sources,
			HeldBlocks held, CampaignEvents events, CampaignMetrics metrics, SourceRestBook rests,
			DatabaseStatus status, DeferredLeaseChanges deferred, CampaignSpotChecks checks, ClusterEvents cluster) {
		this.cluster = cluster;
		// A campaign started or ended on another instance: this one tells its own probes, so that they pull blocks at
		// once rather than at their next periodic ask.
		cluster.on(CAMPAIGN_EVENT, (event) -> announceHere(Long.parseLong(event.subject()), event.detail()));
		this.status = status;
		this.deferred = deferred;
		this.checks = checks;
		this.rests = rests;
		this.metrics = metrics;
		this.sources = sources;
		this.held = held;
		this.events = events;
		this.blocks = blocks;
		this.registry = registry;
		this.properties = properties;
		this.results = new ResultBatcher(blocks, properties.storeBatchAddresses(), properties.storeConcurrency(),
				properties.storeBacklog(), this::finishAll);
		this.leases = new LeaseBatcher(blocks, properties.leaseDuration(), properties.storeBacklog());
	}

	@Override
	public Mono<Void> handle(ProbeSession session, ProbeFrame frame) {
		if (frame instanceof WantBlocks want) {
			return lease(session, want.blocks());
		}
		if (frame instanceof BlockProgress progress && this.checks.isCheck(progress.leaseId())) {
			this.checks.progressed(session, progress.leaseId());
			return Mono.empty();
		}
		if (frame instanceof BlockGiveUp giveUp && this.checks.isCheck(giveUp.leaseId())) {
			this.checks.gaveUp(session, giveUp.leaseId());
			return Mono.empty();
		}
		if (frame instanceof BlockResult result && this.checks.isCheck(result.leaseId())) {
			// A spot check, not a block: compared, never stored; acknowledged like any result.
			session.deliver(new BlockAck(result.leaseId(), true, null));
			return this.checks.answered(session, result);
		}
		if (frame instanceof BlockProgress progress) {
			if (!this.status.isAvailable()) {
				// Not recorded: every lease is pushed forward when the database is back.
				return Mono.empty();
			}
			// Progress on a lease this probe no longer holds (it lapsed, or the block went elsewhere): the probe hears
			// so and stops the block, rather than finish work whose result would be refused.
			return this.blocks.extend(session.name(), progress.leaseId(), progress.done(), this.properties.leaseDuration())
				.filter((extended) -> !extended)
				.doOnNext((lost) -> session.deliver(new BlockAck(progress.leaseId(), false,
						"the lease is no longer this probe's (it lapsed or was given back); stop the block")))
				.then()
				.onErrorResume(this::away, (ex) -> Mono.empty());
		}
		if (frame instanceof BlockGiveUp giveUp) {
			return giveUp(session, giveUp);
		}
		if (frame instanceof SourceRests report) {
			this.rests.reported(session, report);
			return Mono.empty();
		}
		if (frame instanceof BlockResult result) {
			// The probe hears its acknowledgement first, then (for the last block) that the campaign is over: the
			// batcher ends campaigns with nothing left after the acknowledgements of a group went out.
			return accept(session, result).doOnNext((stored) -> {
				if (stored.campaignId() != null) {
					this.held.ended(session.name(), result.leaseId());
				}
				session.deliver(stored.ack());
			}).then();
		}
		return Mono.empty();
	}

	@Override
	public Mono<Void> sessionStarted(ProbeSession session) {
		if (!session.can(Protocol.CAPABILITY_REVERSE_IP)) {
			return Mono.empty();
		}
		String what = "probe " + session.name() + " takes over the leases it holds results for and gives back the rest"
				+ " of its old sessions";
		Mono<Void> takeOver = whenAvailable(() -> takeOver(session), what, true,
				() -> this.registry.session(session.name()).map((current) -> current == session).orElse(false));
		return takeOver.then(this.sources.sourceListOrLastRead().doOnNext(session::deliver)).then();
	}

	/**
	 * A new session of a probe: the leases whose results it holds (named in its hello) move to it, since it sends
	 * those results again; the probe's block runs ended with its old session, so what else that session held goes back
	 * before it asks again.
	 */
	private Mono<Void> takeOver(ProbeSession session) {
		Mono<Long> kept = this.blocks.adopt(session.name(), session.id(), session.heldResults(),
				this.properties.leaseDuration())
			.doOnNext((n) -> {
				if (n > 0) {
					logger.info("probe {} is back with a new session and holds the results of {} block(s) of its old one;"
							+ " they stay its leases", session.name(), n);
				}
			});
		Flux<BlockRepository.Released> orphaned = this.blocks.putBackOtherSessions(session.name(), session.id())
			.doOnNext((lease) -> logger.info("probe {} is back with a new session; block {} of campaign {}, leased to "
					+ "its old one, goes back to the pool", session.name(), lease.blockId(), lease.campaignId()));
		return kept.then(release(orphaned));
	}

	/**
	 * Writes a lease change now, or, while the database is away (or when the write finds it away), keeps it for when
	 * it is back, where it is written if {@code stillWanted} then.
	 */
	private Mono<Void> whenAvailable(Supplier<Mono<Void>> write, String what, boolean sessionStart,
			Supplier<Boolean> stillWanted) {
		Supplier<Mono<Void>> later = () -> stillWanted.get() ? write.get() : Mono.empty();
		if (!this.status.isAvailable()) {
			keep(what, later, sessionStart);
			return Mono.empty();
		}
		return Mono.defer(write).onErrorResume(this::away, (ex) -> {
			keep(what, later, sessionStart);
			return Mono.empty();
		});
	}

	private void keep(String what, Supplier<Mono<Void>> write, boolean sessionStart) {
		if (sessionStart) {
			this.deferred.sessionStart(what, write);
		}
		else {
			this.deferred.later(what, write);
		}
	}

	/** Whether {@code error} says the database is away; if so, {@link DatabaseStatus} hears of it. */
	private boolean away(Throwable error) {
		if (!DatabaseFailures.isUnavailable(error)) {
			return false;
		}
		this.status.failed(error);
		return true;
	}

	@Override
	public List<String> heldBlocks(ProbeSession session) {
		return this.held.of(session.name());
	}

	@Override
	public Mono<Void> sessionEnded(ProbeSession session, String reason) {
		String why = "probe " + session.name() + " went away: " + reason;
		this.rests.ended(session);
		this.checks.ended(session);
		if (this.registry.session(session.name()).map((current) -> current != session).orElse(false)) {
			// Replaced by a newer session of the same probe, which takes over the leases it holds results for and
			// puts the rest back with no attempt counted (sessionStarted): the probe did not go away.
			return Mono.empty();
		}
		return whenAvailable(() -> release(this.blocks.release(session.name(), session.id(), why,
				this.properties.maxAttempts())), "give back the blocks of " + why, false, () -> true)
			.doFinally((signal) -> {
				// A newer session of the same probe keeps what it holds.
				if (this.registry.session(session.name()).map((current) -> current == session).orElse(true)) {
					this.held.forget(session.name());
				}
			});
	}

	@Override
	public Mono<Void> quarantined(String probe, boolean distrusted) {
		Mono<Void> putBack = release(this.blocks.putBackAll(probe)
			.doOnNext((lease) -> logger.info("probe {} is quarantined; block {} of campaign {} goes back to the pool",
					probe, lease.blockId(), lease.campaignId())));
		if (!distrusted) {
			return putBack;
		}
		return putBack.thenMany(this.blocks.redoAnsweredBy(probe))
			.concatMap((campaign) -> {
				logger.warn("campaign {}: the blocks probe {} answered are done again by other probes, since its answers "
						+ "disagreed with theirs", campaign, probe);
				announce(campaign, CampaignNotice.STARTED);
				return this.events.changed(campaign);
			})
			.then();
	}

	@Override
	public Mono<Void> instanceGone(String instance, List<String> probes) {
		return Flux.fromIterable(probes)
			.concatMap((probe) -> release(this.blocks.putBackAll(probe)
				.doOnNext((lease) -> logger.info("probe {} was on the dead instance {}; block {} of campaign {} goes back "
						+ "to the pool", probe, instance, lease.blockId(), lease.campaignId()))))
			.then();
	}

	/** Gives back every block whose lease expired. */
	Mono<Void> sweep() {
		return release(this.blocks.releaseExpired("lease expired", this.properties.maxAttempts())
			.doOnNext((lease) -> this.metrics.leaseExpired())
			.doOnNext((lease) -> logger.info("probe {} let its lease on block {} of campaign {} expire; {}",
					lease.holder(), lease.blockId(), lease.campaignId(),
					lease.failed() ? "that was the last attempt, the block FAILED" : "the block goes back to the pool")));
	}

	/**
	 * The database is back after {@code outage}: no lease may expire for the time its probe could not report
	 * progress, so every lease is pushed forward by that long (and to at least a full lease from now); then the lease
	 * changes kept meanwhile are written, and each running campaign is ended if nothing is left of it, or announced
	 * again so that probes send their deferred results and ask for blocks at once.
	 */
	Mono<Void> recover(Duration outage) {
		return this.blocks.extendAfterOutage(outage, this.properties.leaseDuration())
			.doOnNext((n) -> logger.info("the database is back after {}: {} block lease(s) pushed forward by as long, "
					+ "and to at least a full lease from now", outage, n))
			.then(this.deferred.replay())
			.then(this.blocks.running()
				.concatMap((campaign) -> finishIfComplete(campaign).doOnNext((ended) -> {
					if (!ended) {
						announce(campaign, CampaignNotice.STARTED);
					}
				}))
				.then());
	}

	/** Tells probes that can pull blocks, on every instance, that a campaign started or ended. */
	void announce(long campaignId, String state) {
		announceHere(campaignId, state);
		this.cluster.publish(CAMPAIGN_EVENT, Long.toString(campaignId), state).subscribe();
	}

	/** Tells this instance's probes that can pull blocks that a campaign started or ended. */
	void announceHere(long campaignId, String state) {
		this.registry.broadcast(Protocol.CAPABILITY_REVERSE_IP, new CampaignNotice(campaignId, state));
	}

	private Mono<Void> lease(ProbeSession session, int wanted) {
		if (!session.acceptsWork() || !session.can(Protocol.CAPABILITY_REVERSE_IP) || wanted < 1) {
			return Mono.empty();
		}
		if (!this.status.isAvailable()) {
			logger.debug("probe {} asked for blocks while the database is away; it gets none until it is back",
					session.name());
			return Mono.empty();
		}
		if (this.rests.holdsBack(session)) {
			logger.debug("probe {} asked for blocks while its sources rest; it gets none until one is usable",
					session.name());
			return Mono.empty();
		}
		// Spot checks first: they are one address each, and count against the probe's leases like blocks.
		int max = this.properties.maxLeasesPerProbe();
		List<BlockLease> checking = this.checks.take(session, Math.min(wanted, max - this.checks.heldBy(session)));
		checking.forEach(session::deliver);
		int left = Math.min(wanted, max) - checking.size();
		if (left < 1) {
			return Mono.empty();
		}
		return this.leases.lease(session.name(), session.id(), left, max - this.checks.heldBy(session))
			.flatMapIterable((leased) -> leased)
			.doOnNext((block) -> this.held.leased(session.name(), block))
			.doOnNext((block) -> session.deliver(new BlockLease(block.leaseId(), block.blockId(), block.campaignId(),
					Ipv4Range.format(block.first()), Ipv4Range.format(block.last()), block.sources(), block.verify(),
					this.properties.leaseDuration().toMillis())))
			.then()
			// Too many probes ask at once: this one gets nothing now and asks again, as when nothing is pending.
			.onErrorResume(GroupedWrites.Busy.class, (ex) -> Mono.empty())
			.onErrorResume(this::away, (ex) -> Mono.empty());
	}

	/**
	 * The lease holder cannot answer the block. When only its sources' rests stopped it, the block goes back with no
	 * attempt counted and the probe gets nothing more until they end; otherwise it goes back at once, exactly as if
	 * its lease had lapsed.
	 */
	private Mono<Void> giveUp(ProbeSession session, BlockGiveUp giveUp) {
		if (giveUp.restingMillis() != null) {
			this.rests.gaveUp(session, giveUp.restingMillis());
		}
		return whenAvailable(() -> givenUp(session, giveUp), "probe " + session.name() + " gave up lease "
				+ giveUp.leaseId(), false, () -> true);
	}

	private Mono<Void> givenUp(ProbeSession session, BlockGiveUp giveUp) {
		String why = Printable.cut(giveUp.reason(), MAX_REASON);
		if (giveUp.restingMillis() != null) {
			return restingGiveUp(session, giveUp, why);
		}
		Mono<BlockRepository.Released> given = this.blocks.giveUp(session.name(), giveUp.leaseId(), "probe "
				+ session.name() + " gave up: " + why, this.properties.maxAttempts())
			.doOnNext((lease) -> logger.info("probe {} gave up lease {} (block {} of campaign {}): {}", session.name(),
					giveUp.leaseId(), lease.blockId(), lease.campaignId(), why))
			.switchIfEmpty(Mono.fromRunnable(() -> logger.debug("probe {} gave up lease {}, which it does not hold",
					session.name(), giveUp.leaseId())));
		return release(given.flux());
	}

	private Mono<Void> restingGiveUp(ProbeSession session, BlockGiveUp giveUp, String why) {
		long resting = giveUp.restingMillis();
		Mono<BlockRepository.Released> given = this.blocks.putBack(session.name(), giveUp.leaseId())
			.doOnNext((lease) -> logger.info("probe {} put block {} of campaign {} back, no attempt counted: its sources "
					+ "rest for {} s more ({}); it gets no blocks until then", session.name(), lease.blockId(),
					lease.campaignId(), Math.max(1, resting / 1000), why));
		return release(given.flux());
	}

	private Mono<Stored> accept(ProbeSession session, BlockResult result) {
		if (session.quarantineReason() != null) {
			// Its blocks went (or go) back to the pool with the quarantine: what it says now is not stored.
			return Mono.just(Stored.refused(result.leaseId(), "this probe is quarantined; its result is not stored"));
		}
		if (!this.status.isAvailable()) {
			return Mono.just(deferred(session, result));
		}
		return heldBlock(session, result.leaseId())
			.flatMap((block) -> {
				String problem = coverageProblem(block, result);
				if (problem != null) {
					logger.warn("refused the result of probe {} for block {}: {}", session.name(), block.blockId(), problem);
					return Mono.just(Stored.refused(result.leaseId(), problem));
				}
				return this.results.store(session.name(), block, findings(result))
					.doOnNext((campaign) -> this.metrics.blockCompleted(block.last() - block.first() + 1))
					.doOnNext((campaign) -> this.checks.consider(session, block, result))
					.map((campaign) -> new Stored(new BlockAck(result.leaseId(), true, null), campaign))
					.defaultIfEmpty(Stored.refused(result.leaseId(), "the lease ended before the result was stored"));
			})
			.defaultIfEmpty(Stored.refused(result.leaseId(),
					"not a current lease of this probe (expired, given back, or already answered)"))
			.onErrorResume(GroupedWrites.Busy.class, (ex) -> Mono.just(busy(session, result)))
			.onErrorResume(this::away, (ex) -> Mono.just(deferred(session, result)));
	}

	/**
	 * The block of a lease {@code session}'s probe holds: as this instance leased it when it did (whether the lease
	 * still holds is decided where the result is stored), otherwise read from the database; empty when the probe does
	 * not hold it.
	 */
	private Mono<BlockRepository.Leased> heldBlock(ProbeSession session, String leaseId) {
		return this.held.lease(session.name(), leaseId)
			.map(Mono::just)
			.orElseGet(() -> this.blocks.held(session.name(), leaseId));
	}

	/** Too many results wait to be stored: this one is deferred like one that finds the database away. */
	private Stored busy(ProbeSession session, BlockResult result) {
		logger.debug("deferred the result of probe {} for lease {}: too many results wait to be stored", session.name(),
				result.leaseId());
		return new Stored(BlockAck.deferred(result.leaseId(), "the server has many results to store; this one is not "
				+ "stored yet: keep it and send it again", BUSY_RETRY.toMillis()), null);
	}

	/**
	 * A result that cannot be stored now is neither acknowledged nor refused: the probe keeps it and sends it again.
	 * Its lease does not expire meanwhile (see {@link #recover(Duration)}).
	 */
	private Stored deferred(ProbeSession session, BlockResult result) {
		logger.debug("deferred the result of probe {} for lease {}: the database is away", session.name(),
				result.leaseId());
		return new Stored(BlockAck.deferred(result.leaseId(), "the server's database is away; the result is not stored"
				+ " yet: keep it and send it again", this.status.retryAfter().toMillis()), null);
	}

	/** The answer to a block result, and the campaign it completed a block of (null when refused). */
	private record Stored(BlockAck ack, @Nullable Long campaignId) {

		static Stored refused(String leaseId, String reason) {
			return new Stored(new BlockAck(leaseId, false, reason), null);
		}
	}

	/** Every address of the block exactly once, none outside it; null when the result covers the block. */
	private static String coverageProblem(BlockRepository.Leased block, BlockResult result) {
		Set<Long> seen = new HashSet<>();
		List<String> addresses = new ArrayList<>(result.empty());
		result.found().forEach((finding) -> addresses.add(finding.ip()));
		for (String address : addresses) {
			long number;
			try {
				number = Ipv4Range.address(address, address);
			}
			catch (IllegalArgumentException ex) {
				return ex.getMessage();
			}
			if (number < block.first() || number > block.last()) {
				return address + " is outside the block " + new Ipv4Range(block.first(), block.last());
			}
			if (!seen.add(number)) {
				return address + " is reported twice";
			}
		}
		long size = block.last() - block.first() + 1;
		return (seen.size() == size) ? null
				: "the result accounts for " + seen.size() + " of the block's " + size + " addresses; report each one, found or empty";
	}

	private static BlockRepository.Findings findings(BlockResult result) {
		List<String> ips = new ArrayList<>();
		List<String> domains = new ArrayList<>();
		List<Short> levels = new ArrayList<>();
		List<Short> verifications = new ArrayList<>();
		List<String> sources = new ArrayList<>();
		for (BlockResult.IpFinding finding : result.found()) {
			Set<String> names = new HashSet<>();
			for (BlockResult.DomainFinding domain : finding.domains()) {
				String name = normalised(domain.name());
				if (name == null || !names.add(name)) {
					continue;
				}
				ips.add(finding.ip());
				domains.add(name);
				levels.add(level(name));
				verifications.add((domain.verified() == null) ? (short) 0 : domain.verified() ? (short) 1 : (short) 2);
				sources.add(sourceList(domain.sources()));
			}
		}
		return new BlockRepository.Findings(ips.toArray(String[]::new), domains.toArray(String[]::new),
				levels.toArray(Short[]::new), verifications.toArray(Short[]::new), sources.toArray(String[]::new),
				result.empty().toArray(String[]::new));
	}

	/**
	 * The sources as the comma-separated text the store splits again: a name outside the source alphabet (a
	 * probe's report is input like any other) could carry a comma, so it is dropped.
	 */
	private static String sourceList(List<String> names) {
		return String.join(",", names.stream().filter(SourceCatalogue::isValidName).toList());
	}

	/** The probe normalises names; the server checks again and drops what is not a domain name. */
	private static @Nullable String normalised(String name) {
		try {
			return DomainNames.normalise(name.startsWith("*.") ? name.substring(2) : name);
		}
		catch (InvalidDomainException ex) {
			return null;
		}
	}

	/**
	 * 1 for a registrable domain, 2 for anything below one, by the Public Suffix List; under a TLD the list
	 * does not know (reserved ones such as {@code .test}), the last label counts as the suffix.
	 */
	static short level(String name) {
		try {
			InternetDomainName domain = InternetDomainName.from(name);
			if (domain.isUnderPublicSuffix()) {
				return domain.isTopPrivateDomain() ? (short) 1 : (short) 2;
			}
			return (domain.parts().size() <= 2) ? (short) 1 : (short) 2;
		}
		catch (IllegalArgumentException ex) {
			return 2;
		}
	}

	/** Ends the campaign if no block is left to do; emits whether it did. */
	private Mono<Boolean> finishIfComplete(long campaignId) {
		return this.blocks.finishIfComplete(campaignId)
			.doOnNext((state) -> {
				logger.info("campaign {} is {}: no block is left to do", campaignId, state);
				announce(campaignId, CampaignNotice.OVER);
			})
			.flatMap((state) -> this.events.changed(campaignId).thenReturn(true))
			.defaultIfEmpty(false);
	}

	/**
	 * Ends each of {@code campaigns} that has no block left to do, after a group of results was stored; a campaign the
	 * outage kept from ending is ended when the database is back ({@link #recover(Duration)}).
	 */
	private Mono<Void> finishAll(Set<Long> campaigns) {
		return Flux.fromIterable(campaigns)
			.concatMap((campaign) -> finishIfComplete(campaign).onErrorResume(this::away, (ex) -> Mono.just(false)))
			.then();
	}

	/**
	 * After blocks went back to the pool: a campaign with nothing left ends; one that still runs is announced
	 * again, so idle probes ask for the returned blocks at once.
	 */
	private Mono<Void> release(Flux<BlockRepository.Released> leases) {
		return leases.doOnNext((lease) -> this.held.ended(lease.holder(), lease.leaseId()))
			.map(BlockRepository.Released::campaignId)
			.distinct()
			.concatMap((campaign) -> finishIfComplete(campaign).doOnNext((ended) -> {
				if (!ended) {
					announce(campaign, CampaignNotice.STARTED);
				}
			}))
			.then();
	}
}
