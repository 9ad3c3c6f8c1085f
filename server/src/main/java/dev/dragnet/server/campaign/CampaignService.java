package dev.dragnet.server.campaign;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.dragnet.protocol.CampaignNotice;
import dev.dragnet.server.source.SourceService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Creates campaigns, moves them between states, and reports their progress. */
@Service
public class CampaignService {

	private static final Logger logger = LoggerFactory.getLogger(CampaignService.class);

	/** The states in which failed blocks can be retried. */
	private static final Set<CampaignState> RETRYABLE = EnumSet.of(CampaignState.RUNNING,
			CampaignState.PAUSED, CampaignState.DONE, CampaignState.FAILED);

	private final CampaignRepository repository;

	private final CampaignProperties limits;

	private final BlockWork work;

	private final CampaignEvents events;

	private final SourceService sources;

	private final SourceRestBook rests;

	CampaignService(CampaignRepository repository, CampaignProperties limits, BlockWork work, CampaignEvents events,
			SourceService sources, SourceRestBook rests) {
		this.rests = rests;
		this.events = events;
		this.repository = repository;
		this.limits = limits;
		this.work = work;
		this.sources = sources;
	}

	Mono<CampaignView> create(CampaignRequest request) {
		List<CampaignPlan.RangeLine> lines = new ArrayList<>();
		List<String> ranges = (request.ranges() != null) ? request.ranges() : List.of();
		for (int i = 0; i < ranges.size(); i++) {
			lines.add(new CampaignPlan.RangeLine(String.valueOf(ranges.get(i)), i + 1, null));
		}
		return create(request.name(), lines, request.blockSize(), request.sources(), request.verify());
	}

	/**
	 * Creates a campaign from CSV: one range per line, optionally followed by a comma and its owning
	 * organisation; blank lines, {@code #} comments and a {@code range,...} header line are skipped.
	 */
	Mono<CampaignView> createFromCsv(@Nullable String name, String csv, @Nullable Integer blockSize,
			@Nullable List<String> sources, @Nullable Boolean verify) {
		List<CampaignPlan.RangeLine> lines = new ArrayList<>();
		String[] rows = csv.split("\r?\n", -1);
		for (int i = 0; i < rows.length; i++) {
			String row = rows[i].strip();
			if (row.isEmpty() || row.startsWith("#") || (lines.isEmpty() && row.toLowerCase(Locale.ROOT).startsWith("range"))) {
				continue;
			}
			int comma = row.indexOf(',');
			String range = (comma < 0) ? row : row.substring(0, comma).strip();
			String organisation = (comma < 0) ? null : unquote(row.substring(comma + 1).strip());
			lines.add(new CampaignPlan.RangeLine(range, i + 1, (organisation == null || organisation.isEmpty())
					? null : organisation));
		}
		return create(name, lines, blockSize, sources, verify);
	}

	private Mono<CampaignView> create(@Nullable String name, List<CampaignPlan.RangeLine> lines,
			@Nullable Integer blockSize, @Nullable List<String> sources, @Nullable Boolean verify) {
		return Mono.fromCallable(() -> CampaignPlan.of(name, lines, blockSize, sources, verify, this.limits))
			.flatMap((plan) -> knownSources(plan).thenReturn(plan))
			.flatMap((plan) -> this.repository.create(plan).doOnNext((id) -> logger.info(
					"campaign {} '{}' created: {} addresses in {} blocks of {}", id, plan.name(), plan.totalIps(),
					plan.totalBlocks(), plan.blockSize())))
			.flatMap(this::campaign);
	}

	/** Refuses a plan naming a source that is neither stored and enabled nor built in. */
	private Mono<Void> knownSources(CampaignPlan plan) {
		if (plan.sources().isEmpty()) {
			return Mono.empty();
		}
		return this.sources.names().flatMap((known) -> {
			List<String> unknown = plan.sources().stream().filter((name) -> !known.contains(name)).toList();
			return unknown.isEmpty() ? Mono.empty() : Mono.error(new CampaignProblems.InvalidCampaign("unknown-source",
					"Unknown source", "no enabled source is named " + unknown + "; the sources are " + known));
		});
	}

	/** Every campaign with its progress, newest first. */
	public Flux<CampaignView> campaigns() {
		return this.repository.findAll().map(this::live);
	}

	Mono<CampaignView> campaign(long id) {
		return this.repository.findById(id)
			.map(this::live)
			.switchIfEmpty(Mono.error(() -> new CampaignProblems.UnknownCampaign(id)));
	}

	/** A running campaign with its capacity now, and why it waits when it has none. */
	private CampaignView live(CampaignView view) {
		return (view.state() == CampaignState.RUNNING) ? view.live(this.rests.capacity(view.sources())) : view;
	}

	/**
	 * Puts the FAILED blocks back to PENDING with fresh attempts; a campaign that had ended runs again. A 409
	 * problem when no block failed, or when the campaign was cancelled.
	 */
	Mono<CampaignView> retryFailed(long id) {
		return this.repository.stateOf(id)
			.switchIfEmpty(Mono.error(() -> new CampaignProblems.UnknownCampaign(id)))
			.flatMap((state) -> (state == CampaignState.CANCELLED)
					? Mono.error(new CampaignProblems.InvalidTransition(id, "retry-failed", state, RETRYABLE))
					: this.repository.retryFailed(id))
			.flatMap((retried) -> {
				if (retried == 0) {
					return Mono.error(new CampaignProblems.NoFailedBlocks(id));
				}
				logger.info("campaign {}: {} failed block(s) back to the pool with fresh attempts", id, retried);
				return this.repository.stateOf(id).doOnNext((state) -> {
					if (state == CampaignState.RUNNING) {
						this.work.announce(id, CampaignNotice.STARTED);
					}
				}).then(Mono.defer(() -> this.events.changed(id)));
			})
			.then(Mono.defer(() -> campaign(id)));
	}

	/** Applies {@code start}, {@code pause}, {@code resume} or {@code cancel}. */
	Mono<CampaignView> control(long id, String action) {
		if (!CampaignState.actions().contains(action)) {
			return Mono.error(new CampaignProblems.InvalidCampaign("invalid-action", "Unknown action",
					"'" + action + "' is not one of " + CampaignState.actions()));
		}
		return this.repository.stateOf(id)
			.switchIfEmpty(Mono.error(() -> new CampaignProblems.UnknownCampaign(id)))
			.flatMap((state) -> {
				CampaignState next = state.after(action);
				if (next == null) {
					return Mono.error(new CampaignProblems.InvalidTransition(id, action, state));
				}
				return this.repository.transition(id, List.copyOf(CampaignState.from(action)), next)
					.switchIfEmpty(Mono.error(() -> new CampaignProblems.InvalidTransition(id, action, state)))
					.doOnNext((done) -> {
						logger.info("campaign {}: {} ({} -> {})", id, action, state, next);
						// Probes begin pulling when a campaign runs, and stop asking once it is over.
						if (next == CampaignState.RUNNING) {
							this.work.announce(id, CampaignNotice.STARTED);
						}
						else if (next == CampaignState.CANCELLED) {
							this.work.announce(id, CampaignNotice.OVER);
						}
					})
					.then(Mono.defer(() -> this.events.changed(id)));
			})
			.then(Mono.defer(() -> campaign(id)));
	}

	private static String unquote(String text) {
		return (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\""))
				? text.substring(1, text.length() - 1).replace("\"\"", "\"") : text;
	}
}
