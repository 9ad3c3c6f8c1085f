package dev.dragnet.server.campaign;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.server.probe.ProbeSession;
import dev.dragnet.server.probe.ProbeTrust;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Spot checks of campaign answers. After a block's result is stored, a share
 * ({@code dragnet.probes.quarantine.spot-check-share}) of blocks has one address asked again on another probe: a
 * one-address {@code block} frame under a lease id of its own that is no {@code work_block} row, naming only the
 * source that gave the stored names (or the campaign's sources for an address answered "none"). The probe cannot
 * tell it from a small block. Its result is compared with the stored answer ({@link CampaignAnswers}), never stored;
 * on a disagreement a third probe decides, and the probe whose answer stands alone loses the check
 * ({@link ProbeTrust#lostSpotCheck}).
 *
 * <p>Checks never hold a campaign up: they are in memory, at most {@code max-concurrent-checks} waiting or running,
 * handed out ahead of blocks when a probe asks for work, and dropped without a word when no other probe can take
 * one (or their sources rest) within a lease length, when their probe goes away or gives up, or when the answer does
 * not come within a lease length of the last progress. They count in no campaign's progress or attempts.
 */
@Component
class CampaignSpotChecks {

	private static final Logger logger = LoggerFactory.getLogger(CampaignSpotChecks.class);

	/** Of blocks with both kinds of addresses, the share of checks that re-ask an address answered "none". */
	private static final double NONE_SHARE = 0.25;

	private final ProbeTrust trust;

	private final SourceRestBook rests;

	private final CampaignProperties properties;

	private final Clock clock;

	/** Checks waiting for a probe or running on one, by lease id, oldest first. Guarded by {@code this}. */
	private final Map<String, Check> checks = new LinkedHashMap<>();

	CampaignSpotChecks(ProbeTrust trust, SourceRestBook rests, CampaignProperties properties,
			ObjectProvider<Clock> clock) {
		this.trust = trust;
		this.rests = rests;
		this.properties = properties;
		this.clock = clock.getIfAvailable(Clock::systemUTC);
	}

	/**
	 * {@code probe}'s result for {@code block} was stored: perhaps queue a check of one of its addresses. Returns at
	 * once; nothing here can fail the block.
	 */
	void consider(ProbeSession probe, BlockRepository.Leased block, BlockResult result) {
		double share = this.trust.limits().spotCheckShare();
		if (share <= 0 || ThreadLocalRandom.current().nextDouble() >= share) {
			return;
		}
		Picked picked = pick(block, result);
		if (picked == null) {
			return;
		}
		synchronized (this) {
			expire();
			if (this.checks.size() >= this.trust.limits().maxConcurrentChecks()) {
				return;
			}
			Check check = new Check(newLeaseId(), picked.question(), List.of(new Answer(probe.name(), picked.names())),
					null, null, deadline());
			this.checks.put(check.leaseId(), check);
		}
	}

	/**
	 * Checks for {@code probe}, which asked for {@code wanted} blocks: at most that many, none it or another probe of
	 * the same check answered already, none whose sources it cannot use now.
	 */
	List<BlockLease> take(ProbeSession probe, int wanted) {
		List<BlockLease> given = new ArrayList<>();
		if (wanted < 1) {
			return given;
		}
		synchronized (this) {
			expire();
			for (Check check : List.copyOf(this.checks.values())) {
				if (given.size() >= wanted) {
					break;
				}
				if (check.holder() != null || check.answeredBy(probe.name())
						|| !this.rests.canUse(probe, check.question().sources())) {
					continue;
				}
				Check placed = check.placed(probe, deadline());
				this.checks.put(placed.leaseId(), placed);
				given.add(placed.lease(this.properties.leaseDuration().toMillis()));
			}
		}
		return given;
	}

	/** How many checks {@code probe}'s session holds now: they count against its leases. */
	synchronized int heldBy(ProbeSession probe) {
		return (int) this.checks.values().stream().filter((check) -> check.heldBy(probe)).count();
	}

	/** Whether {@code leaseId} is a check this server knows: its frames are handled here, never by the store. */
	synchronized boolean isCheck(String leaseId) {
		return this.checks.containsKey(leaseId);
	}

	/** Progress on a check: its holder gets another lease length to answer. */
	synchronized void progressed(ProbeSession probe, String leaseId) {
		Check check = this.checks.get(leaseId);
		if (check != null && check.heldBy(probe)) {
			this.checks.put(leaseId, check.until(deadline()));
		}
	}

	/** The holder gave the check up (its sources rest, or failed): the check is dropped. */
	synchronized void gaveUp(ProbeSession probe, String leaseId) {
		Check check = this.checks.get(leaseId);
		if (check != null && check.heldBy(probe)) {
			this.checks.remove(leaseId);
		}
	}

	/** The session ended: the checks it held are dropped. */
	synchronized void ended(ProbeSession probe) {
		this.checks.values().removeIf((check) -> check.heldBy(probe));
	}

	/**
	 * The answer to a check. When it agrees with the stored answer, the check is over; when it does not, the check is
	 * queued once more for a third probe; the third answer decides who loses.
	 */
	Mono<Void> answered(ProbeSession probe, BlockResult result) {
		Check check;
		synchronized (this) {
			check = this.checks.get(result.leaseId());
			if (check == null || !check.heldBy(probe)) {
				return Mono.empty();
			}
			this.checks.remove(result.leaseId());
		}
		Set<String> names = namesOf(check.question(), result);
		if (names == null || !probe.acceptsWork()) {
			logger.debug("spot check {} dropped: probe {} sent no usable answer for {}", check.leaseId(), probe.name(),
					check.question().ip());
			return Mono.empty();
		}
		Answer answer = new Answer(probe.name(), names);
		List<Answer> before = check.answers();
		if (before.size() == 1) {
			if (!CampaignAnswers.agree(before.get(0).names(), names)) {
				logger.info("spot check of {}: probes {} and {} disagree; a third probe decides", describe(check.question()),
						before.get(0).probe(), probe.name());
				synchronized (this) {
					Check disputed = check.disputed(newLeaseId(), answer, deadline());
					this.checks.put(disputed.leaseId(), disputed);
				}
			}
			return Mono.empty();
		}
		return decide(check.question(), before.get(0), before.get(1), answer);
	}

	/** With two answers that disagree, the third sides with one of them: the other loses the check. */
	private Mono<Void> decide(Question question, Answer first, Answer second, Answer third) {
		boolean withFirst = CampaignAnswers.agree(first.names(), third.names());
		boolean withSecond = CampaignAnswers.agree(second.names(), third.names());
		if (withFirst && !withSecond) {
			return this.trust.lostSpotCheck(second.probe(), describe(question));
		}
		if (withSecond && !withFirst) {
			return this.trust.lostSpotCheck(first.probe(), describe(question));
		}
		return Mono.empty(); // all three differ, or the third is close to both: nobody can be told wrong
	}

	/** Drops checks whose time is up, unplaced or unanswered. */
	private void expire() {
		Instant now = this.clock.instant();
		this.checks.values().removeIf((check) -> check.deadline().isBefore(now));
	}

	private Instant deadline() {
		return this.clock.instant().plus(this.properties.leaseDuration());
	}

	/**
	 * The address to check, and the stored names it is compared with: mostly one that has names (then only the
	 * source that gave most of them is asked), sometimes one answered "none" (then the campaign's sources).
	 */
	static @Nullable Picked pick(BlockRepository.Leased block, BlockResult result) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		List<BlockResult.IpFinding> found = result.found()
			.stream()
			.filter((finding) -> !CampaignAnswers.names(finding.domains(), null).isEmpty())
			.toList();
		boolean none = found.isEmpty() || (!result.empty().isEmpty() && random.nextDouble() < NONE_SHARE);
		if (none) {
			if (result.empty().isEmpty()) {
				return null;
			}
			String ip = result.empty().get(random.nextInt(result.empty().size()));
			return new Picked(new Question(block.campaignId(), block.blockId(), ip, block.sources(), block.verify()),
					Set.of());
		}
		BlockResult.IpFinding finding = found.get(random.nextInt(found.size()));
		String source = mainSource(finding.domains());
		List<String> sources = (source != null) ? List.of(source) : block.sources();
		return new Picked(new Question(block.campaignId(), block.blockId(), finding.ip(), sources, block.verify()),
				CampaignAnswers.names(finding.domains(), source));
	}

	/** The source that reported most of the names; null when none is named (a probe that tags no sources). */
	private static @Nullable String mainSource(List<BlockResult.DomainFinding> domains) {
		Map<String, Integer> counts = new HashMap<>();
		String best = null;
		for (BlockResult.DomainFinding domain : domains) {
			for (String source : domain.sources()) {
				int count = counts.merge(source, 1, Integer::sum);
				if (best == null || count > counts.get(best)) {
					best = source;
				}
			}
		}
		return best;
	}

	/** The names the check's probe found on the address, or null when its result is not about that one address. */
	private static @Nullable Set<String> namesOf(Question question, BlockResult result) {
		if (result.found().size() + result.empty().size() != 1) {
			return null;
		}
		if (result.empty().size() == 1) {
			return question.ip().equals(result.empty().get(0)) ? Set.of() : null;
		}
		BlockResult.IpFinding finding = result.found().get(0);
		return question.ip().equals(finding.ip()) ? CampaignAnswers.names(finding.domains(), null) : null;
	}

	private static String describe(Question question) {
		return question.ip() + " (" + (question.sources().isEmpty() ? "every source" : String.join(", ", question.sources()))
				+ "; block " + question.blockId() + " of campaign " + question.campaignId() + ")";
	}

	/**
	 * A random (version 4) UUID like the database's lease ids. From {@link ThreadLocalRandom}, not
	 * {@link UUID#randomUUID()}, whose {@code SecureRandom} may read a file on the event loop; the id is no secret,
	 * since a check's frames count only from the session it went to.
	 */
	private static String newLeaseId() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long high = (random.nextLong() & ~0xF000L) | 0x4000L;
		long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new UUID(high, low).toString();
	}

	/** What a check asks: one address of a stored block, at these sources. */
	record Question(long campaignId, long blockId, String ip, List<String> sources, boolean verify) {
	}

	/** An address picked for a check, with the names stored for it. */
	record Picked(Question question, Set<String> names) {
	}

	/** One probe's answer, as compared. */
	private record Answer(String probe, Set<String> names) {
	}

	/**
	 * One check: its question, the answers so far (the stored one, then a disagreeing one), the probe session holding
	 * it (none while it waits), and when it is dropped unless placed, answered or progressed.
	 */
	private record Check(String leaseId, Question question, List<Answer> answers, @Nullable String holder,
			@Nullable String session, Instant deadline) {

		boolean answeredBy(String probe) {
			return this.answers.stream().anyMatch((answer) -> answer.probe().equals(probe));
		}

		boolean heldBy(ProbeSession probe) {
			return probe.id().equals(this.session) && probe.name().equals(this.holder);
		}

		Check placed(ProbeSession probe, Instant until) {
			return new Check(this.leaseId, this.question, this.answers, probe.name(), probe.id(), until);
		}

		Check until(Instant until) {
			return new Check(this.leaseId, this.question, this.answers, this.holder, this.session, until);
		}

		/** The check once more, under a new lease, for a probe that has not answered it. */
		Check disputed(String newLeaseId, Answer second, Instant until) {
			List<Answer> both = List.of(this.answers.get(0), second);
			return new Check(newLeaseId, this.question, both, null, null, until);
		}

		BlockLease lease(long leaseMillis) {
			return new BlockLease(this.leaseId, this.question.blockId(), this.question.campaignId(), this.question.ip(),
					this.question.ip(), this.question.sources(), this.question.verify(), leaseMillis);
		}
	}
}
