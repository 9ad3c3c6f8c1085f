package dev.dragnet.server.dispatch;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Which probes a remote server throttled, and until when. Registries throttle per source address, so a
 * throttled (probe, server) pair rests while other probes keep asking that server. Indexed by server, so a
 * lookup only looks at that server's resting probes; expired entries are dropped as they are seen.
 */
@Component
public class Cooldowns {

	private final Map<String, Map<String, Long>> byTarget = new ConcurrentHashMap<>();

	private final Scheduler clock;

	Cooldowns() {
		this(Schedulers.parallel());
	}

	/** Rests timed on {@code clock} (virtual time in tests). */
	public Cooldowns(Scheduler clock) {
		this.clock = clock;
	}

	/** Rests {@code probe} for {@code target} for {@code duration}, keeping a longer rest already running. */
	public void coolDown(String probe, String target, Duration duration) {
		long end = now() + duration.toMillis();
		this.byTarget.computeIfAbsent(target, (t) -> new ConcurrentHashMap<>()).merge(probe, end, Math::max);
	}

	/** Probes resting for {@code target} right now (a new, modifiable set). */
	public Set<String> cooling(String target) {
		Map<String, Long> probes = this.byTarget.get(target);
		Set<String> cooling = new HashSet<>();
		if (probes == null) {
			return cooling;
		}
		long now = now();
		probes.entrySet().removeIf((e) -> e.getValue() <= now);
		probes.forEach((probe, end) -> cooling.add(probe));
		return cooling;
	}

	/** How long until the first of these probes may ask {@code target} again. */
	public Optional<Duration> earliestEnd(String target, Set<String> probes) {
		long first = Long.MAX_VALUE;
		for (String probe : probes) {
			long rest = restMillis(target, probe);
			if (rest > 0) {
				first = Math.min(first, rest);
			}
		}
		return (first == Long.MAX_VALUE) ? Optional.empty() : Optional.of(Duration.ofMillis(first));
	}

	/**
	 * Milliseconds until {@code probe} may ask {@code target} again, 0 when it is not resting: the frontier asks this
	 * for every probe at every turn, so it allocates nothing.
	 */
	public long restMillis(String target, String probe) {
		Map<String, Long> resting = this.byTarget.get(target);
		if (resting == null || resting.isEmpty()) {
			return 0;
		}
		Long end = resting.get(probe);
		return (end == null) ? 0 : Math.max(0, end - now());
	}

	private long now() {
		return this.clock.now(TimeUnit.MILLISECONDS);
	}
}
