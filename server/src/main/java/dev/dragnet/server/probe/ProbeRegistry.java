package dev.dragnet.server.probe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.dragnet.protocol.ServerFrame;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The live probe sessions of this server instance, by probe name, and the choice of a probe for a task.
 */
@Component
public class ProbeRegistry {

	private final Map<String, ProbeSession> sessions = new ConcurrentHashMap<>();

	/** Ticks whenever capacity may have appeared (credits granted, a probe connected). Drops ticks nobody hears. */
	private final Sinks.Many<Boolean> capacity = Sinks.many().multicast().directBestEffort();

	/** Adds a session; returns the session it replaces (same probe name), which the caller must close. */
	Optional<ProbeSession> register(ProbeSession session) {
		ProbeSession previous = this.sessions.put(session.name(), session);
		signalCapacity();
		return Optional.ofNullable(previous).filter((p) -> p != session);
	}

	/**
	 * Removes a session if it is still the current one for its name; false when a newer session of the same
	 * probe replaced it (or it was never registered).
	 */
	boolean unregister(ProbeSession session) {
		return this.sessions.remove(session.name(), session);
	}

	/** Effective sessions, in no particular order. */
	public Collection<ProbeSession> sessions() {
		return List.copyOf(this.sessions.values());
	}

	/** Effective sessions as they are now, a live view that copies nothing: for sweeps over the whole fleet. */
	Collection<ProbeSession> live() {
		return Collections.unmodifiableCollection(this.sessions.values());
	}

	public Optional<ProbeSession> session(String name) {
		return Optional.ofNullable(this.sessions.get(name));
	}

	/**
	 * Reserves one credit on the least loaded probe that {@link ProbeSession#acceptsWork() accepts work}, can do
	 * {@code capability} and is not in {@code exclude}. Empty when every such probe is busy or there is none.
	 */
	public Optional<ProbeSession> reserve(String capability, Set<String> exclude) {
		List<ProbeSession> candidates = this.sessions.values()
			.stream()
			.filter((s) -> eligible(s, capability) && !exclude.contains(s.name()))
			.sorted(Comparator.comparingInt(ProbeSession::inFlight)
				.thenComparing(Comparator.comparingInt(ProbeSession::availableCredits).reversed()))
			.toList();
		for (ProbeSession candidate : candidates) {
			if (candidate.tryReserve()) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	/** Whether any probe that accepts work could ever take a task of this kind, busy or not. */
	public boolean hasCandidate(String capability, Set<String> exclude) {
		return this.sessions.values()
			.stream()
			.anyMatch((s) -> eligible(s, capability) && !exclude.contains(s.name()));
	}

	/** Every session that may be given a task of this kind now, busy or not (the scheduler's choice of probes). */
	public List<ProbeSession> candidates(String capability) {
		// a loop, not a stream: the frontier asks this on every turn
		List<ProbeSession> candidates = new ArrayList<>();
		for (ProbeSession session : this.sessions.values()) {
			if (eligible(session, capability)) {
				candidates.add(session);
			}
		}
		return candidates;
	}

	/** The one rule of which sessions may get tasks of a kind. */
	private static boolean eligible(ProbeSession session, String capability) {
		return session.acceptsWork() && session.can(capability);
	}

	/** Sends {@code frame} to every effective probe that has {@code capability}. */
	public void broadcast(String capability, ServerFrame frame) {
		this.sessions.values().stream().filter((s) -> s.isEffective() && s.can(capability)).forEach((s) -> s.emit(frame));
	}

	/** Live sessions connected from {@code address}, other than probe {@code name}'s own. */
	int connectedFrom(String address, String name) {
		return (int) this.sessions.values()
			.stream()
			.filter((s) -> s.isEffective() && s.remoteAddress().equals(address) && !s.name().equals(name))
			.count();
	}

	/** Effective sessions right now. */
	public int effectiveCount() {
		int effective = 0;
		for (ProbeSession session : this.sessions.values()) {
			if (session.isEffective()) {
				effective++;
			}
		}
		return effective;
	}

	/**
	 * Tasks of {@code kind} ({@code whois}, {@code rdap}) sent and not answered yet, across every session. Counted
	 * in place at each scrape: nothing is allocated per session.
	 */
	public int inFlight(String kind) {
		int count = 0;
		for (ProbeSession session : this.sessions.values()) {
			count += session.inFlightOf(kind);
		}
		return count;
	}

	/** Signals that capacity may be available; dispatchers waiting for a probe look again. */
	public Flux<Boolean> capacitySignals() {
		return this.capacity.asFlux();
	}

	void signalCapacity() {
		synchronized (this.capacity) {
			this.capacity.tryEmitNext(Boolean.TRUE);
		}
	}
}
