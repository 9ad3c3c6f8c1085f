package dev.dragnet.server.campaign;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.SourceRests;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.server.probe.ProbeRegistry;
import dev.dragnet.server.probe.ProbeSession;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * What each connected probe said about its reverse-IP sources ({@code source-rests}): which rest, why and until when.
 * From it come a campaign's usable capacity now (probes x sources usable) and, when that is zero, why the campaign
 * waits. It also holds back a probe that gave a block up because its sources rest: nothing is leased to it until the
 * rest it named is over, or until it reports a usable source (a definition was fixed).
 *
 * <p>In memory, per probe session: what an ended session reported is dropped; the probe keeps its rests across
 * reconnects and reports them again in its new session. Bounded by the connected probes times their sources.
 */
@Component
class SourceRestBook {

	private final Map<String, Report> byProbe = new ConcurrentHashMap<>();

	/**
	 * The most sources kept of one probe's report. A probe has the sources the server sent it (a handful); a report of
	 * more is a broken or hostile probe, which must not make the server hold whatever it sends.
	 */
	static final int MAX_SOURCES = 64;

	private final ProbeRegistry registry;

	private final Clock clock;

	SourceRestBook(ProbeRegistry registry, ObjectProvider<Clock> clock) {
		this.registry = registry;
		this.clock = clock.getIfAvailable(Clock::systemUTC);
	}

	/** The probe's latest report replaces the one before; a usable source ends a hold from a give-up. */
	void reported(ProbeSession session, SourceRests rests) {
		Instant now = this.clock.instant();
		List<CampaignView.SourceRest> states = rests.sources().stream()
			.limit(MAX_SOURCES)
			.map((rest) -> new CampaignView.SourceRest(session.name(), rest.source(), (rest.restingMillis() > 0)
					? now.plusMillis(rest.restingMillis()) : null, rest.verdict(), rest.reason()))
			.toList();
		this.byProbe.compute(session.name(), (name, old) -> {
			boolean anyUsable = states.stream().anyMatch((rest) -> rest.until() == null);
			Instant hold = (old != null && old.session().equals(session.id()) && !anyUsable) ? old.holdUntil() : null;
			return new Report(session.id(), states, hold);
		});
	}

	/** The probe gave a block up because its sources rest for {@code restingMillis}: lease it nothing until then. */
	void gaveUp(ProbeSession session, long restingMillis) {
		Instant until = this.clock.instant().plusMillis(Math.max(0, restingMillis));
		this.byProbe.compute(session.name(), (name, old) -> (old != null && old.session().equals(session.id()))
				? new Report(old.session(), old.rests(), until) : new Report(session.id(), List.of(), until));
	}

	/** Whether the probe asked to be left alone until its sources are usable again. */
	boolean holdsBack(ProbeSession session) {
		Report report = this.byProbe.get(session.name());
		return report != null && report.session().equals(session.id()) && report.holdUntil() != null
				&& report.holdUntil().isAfter(this.clock.instant());
	}

	/**
	 * Whether the probe can ask at least one of {@code sources} (any source it has, when empty) now, by what its
	 * session reported: the PTR lookup always, a definition when the probe has it and it does not rest.
	 */
	boolean canUse(ProbeSession session, List<String> sources) {
		if (sources.contains(SourceCatalogue.PTR)) {
			return true;
		}
		Report report = this.byProbe.get(session.name());
		if (report == null || !report.session().equals(session.id())) {
			return false;
		}
		Instant now = this.clock.instant();
		return report.rests()
			.stream()
			.anyMatch((rest) -> (sources.isEmpty() || sources.contains(rest.source()))
					&& (rest.until() == null || !rest.until().isAfter(now)));
	}

	/** The session ended: what it reported no longer holds (a newer session of the same probe keeps its own). */
	void ended(ProbeSession session) {
		this.byProbe.computeIfPresent(session.name(), (name, old) -> old.session().equals(session.id()) ? null : old);
	}

	/**
	 * The campaign's capacity now: the probes that run campaigns, how many of {@code sources} (every source a probe
	 * reported, when empty) they can use, and the rests of the others.
	 */
	CampaignView.Capacity capacity(List<String> sources) {
		Instant now = this.clock.instant();
		Collection<ProbeSession> probes = this.registry.sessions()
			.stream()
			.filter((session) -> session.isEffective() && session.can(Protocol.CAPABILITY_REVERSE_IP))
			.toList();
		int usable = 0;
		List<CampaignView.SourceRest> resting = new ArrayList<>();
		for (ProbeSession probe : probes) {
			if (sources.contains(SourceCatalogue.PTR)) {
				usable++; // the built-in PTR lookup never rests
			}
			Report report = this.byProbe.get(probe.name());
			if (report == null || !report.session().equals(probe.id())) {
				continue;
			}
			for (CampaignView.SourceRest rest : report.rests()) {
				if (!sources.isEmpty() && !sources.contains(rest.source())) {
					continue;
				}
				if (rest.until() == null || !rest.until().isAfter(now)) {
					usable++;
				}
				else {
					resting.add(rest);
				}
			}
		}
		resting.sort(Comparator.comparing(CampaignView.SourceRest::until, Comparator.nullsFirst(Comparator.naturalOrder()))
			.thenComparing(CampaignView.SourceRest::probe)
			.thenComparing(CampaignView.SourceRest::source));
		return new CampaignView.Capacity(probes.size(), usable, List.copyOf(resting));
	}

	private record Report(String session, List<CampaignView.SourceRest> rests, @Nullable Instant holdUntil) {
	}
}
