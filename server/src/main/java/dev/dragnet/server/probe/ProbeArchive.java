package dev.dragnet.server.probe;

import java.time.Clock;

import dev.dragnet.server.db.Chore;
import dev.dragnet.server.db.ChoreLifecycle;
import dev.dragnet.server.db.DatabaseStatus;
import dev.dragnet.server.db.HousekeepingProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Archives probes disconnected for longer than {@code dragnet.housekeeping.archive-probes-after}, every
 * {@code dragnet.housekeeping.interval}: a fleet of cafe PCs keeps gaining names that never come back, and the
 * listings would otherwise only grow. An archived probe keeps its row; its next hello brings it back.
 */
@Component
class ProbeArchive extends ChoreLifecycle {

	private final ProbeRepository repository;

	private final HousekeepingProperties properties;

	private final DatabaseStatus status;

	private final Clock clock;

	ProbeArchive(ProbeRepository repository, HousekeepingProperties properties, DatabaseStatus status,
			ObjectProvider<Clock> clock) {
		this.repository = repository;
		this.properties = properties;
		this.status = status;
		this.clock = clock.getIfAvailable(Clock::systemUTC);
	}

	@Override
	protected @Nullable Chore begin() {
		if (this.properties.archiveProbesAfter().isZero()) {
			return null;
		}
		return Chore.start("archiving long-gone probes", this.properties, this.status,
				() -> this.repository.archive(this.clock.instant().minus(this.properties.archiveProbesAfter()),
						this.properties.batch()),
				(archived) -> "archived " + archived + " probe(s) disconnected for more than "
						+ this.properties.archiveProbesAfter());
	}
}
