package dev.dragnet.server.campaign;

import java.time.Instant;
import java.util.List;

import dev.dragnet.server.web.Printable;
import org.jspecify.annotations.Nullable;

/**
 * A campaign with its progress, as {@code GET /api/campaigns[/{id}]} shows it.
 *
 * @param totalIps addresses the campaign covers
 * @param totalBlocks work blocks they were cut into
 * @param progress blocks and addresses by state, domains found, rate and estimated end
 * @param failures the failed blocks, their addresses and why they failed; null while no block failed
 * @param capacity while the campaign runs: the probes that can take its blocks and the sources they can use now;
 * null otherwise
 * @param waiting while the campaign runs with work left but no source any probe can use now: why, and until when;
 * null otherwise
 */
public record CampaignView(long id, String name, CampaignState state, int blockSize, List<String> sources,
		boolean verify, long totalIps, int totalBlocks, Instant createdAt, @Nullable Instant startedAt,
		@Nullable Instant finishedAt, Progress progress, @Nullable Failures failures, @Nullable Capacity capacity,
		@Nullable Waiting waiting) {

	/** The same campaign with its capacity now, and why it waits when that is none. */
	CampaignView live(Capacity now) {
		if (this.state != CampaignState.RUNNING) {
			return this;
		}
		boolean workLeft = this.progress.blocks().pending() > 0;
		Waiting why = (workLeft && now.usableSources() == 0) ? Waiting.of(now) : null;
		return new CampaignView(this.id, this.name, this.state, this.blockSize, this.sources, this.verify,
				this.totalIps, this.totalBlocks, this.createdAt, this.startedAt, this.finishedAt, this.progress,
				this.failures, now, why);
	}

	/**
	 * Blocks that failed for good (every attempt used), with the addresses they hold and why.
	 *
	 * @param blocks failed blocks
	 * @param ips addresses in them: no answer was stored for these
	 * @param reasons the most frequent failure reasons, each with its count of blocks, most frequent first
	 */
	public record Failures(long blocks, long ips, List<String> reasons) {
	}

	/**
	 * What a running campaign can use now.
	 *
	 * @param probes probes connected that run campaigns
	 * @param usableSources sources usable now, summed over those probes (probes x sources usable)
	 * @param resting the sources that rest, per probe, soonest end first
	 */
	public record Capacity(int probes, int usableSources, List<SourceRest> resting) {
	}

	/**
	 * Why a running campaign with work left makes no progress: not failing, waiting.
	 *
	 * @param reason in words
	 * @param until when the first rest ends (a probe can work again), or null when no probe is connected
	 * @param resting the rests it waits for
	 */
	public record Waiting(String reason, @Nullable Instant until, List<SourceRest> resting) {

		static Waiting of(Capacity capacity) {
			if (capacity.probes() == 0) {
				return new Waiting("no probe that runs campaigns is connected", null, List.of());
			}
			if (capacity.resting().isEmpty()) {
				return new Waiting("no probe has reported a source this campaign can use", null, List.of());
			}
			SourceRest first = capacity.resting().get(0);
			String reason = "every source of the " + capacity.probes() + " probe(s) rests; first usable again: "
					+ first.source() + " on " + first.probe() + " (" + first.verdict() + ": " + first.reason() + ") at "
					+ first.until();
			return new Waiting(reason, first.until(), capacity.resting());
		}
	}

	/**
	 * One source of one probe, resting until {@code until}, or usable ({@code until} null).
	 *
	 * @param probe the probe
	 * @param source the source's name
	 * @param until when its rest ends, or null when it is usable
	 * @param verdict why it rests ({@code THROTTLED}, {@code CAPTCHA}, {@code PAGE_CHANGED}, ...)
	 * @param reason why, in words
	 */
	public record SourceRest(String probe, String source, @Nullable Instant until, @Nullable String verdict,
			@Nullable String reason) {

		/** The longest reason kept, in characters (then {@code ...}): the probe wrote it. */
		static final int MAX_REASON = 200;

		/** A probe reports its rests: what it wrote is shown printable and cut, here and in the live page. */
		public SourceRest {
			source = Printable.cut(source, 64);
			verdict = (verdict != null) ? Printable.cut(verdict, 32) : null;
			reason = (reason != null) ? Printable.cut(reason, MAX_REASON) : null;
		}
	}

	/**
	 * How far a campaign got.
	 *
	 * @param blocks work blocks by state
	 * @param ips addresses by the state of their block
	 * @param domainsFound domains found so far
	 * @param ipsPerSecond addresses finished per second since the start, or null before any finished
	 * @param eta when the campaign should finish at that rate, or null when unknown
	 */
	public record Progress(ByState blocks, ByState ips, long domainsFound, @Nullable Double ipsPerSecond,
			@Nullable Instant eta) {
	}

	/** Counts by work-block state. */
	public record ByState(long pending, long leased, long done, long failed) {
	}
}
