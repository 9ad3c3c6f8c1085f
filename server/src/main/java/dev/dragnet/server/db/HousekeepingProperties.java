package dev.dragnet.server.db;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Periodic clean-up of tables that would otherwise only grow (see docs/OPERATIONS.md, "Housekeeping").
 *
 * @param interval how often each chore runs; the first run comes one interval after start
 * @param batch rows one statement deletes or changes at most, so a chore never holds a long lock
 * @param maxBatches statements one run of a chore issues at most; what is left waits for the next run
 * @param archiveProbesAfter how long a probe must have been disconnected before it is archived: left out of
 * {@code GET /api/probes}, the page and the alerts' view, its row and counters kept; it returns when it connects
 * again. Zero keeps every probe listed.
 */
@ConfigurationProperties("dragnet.housekeeping")
public record HousekeepingProperties(@DefaultValue("10m") Duration interval, @DefaultValue("5000") int batch,
		@DefaultValue("20") int maxBatches, @DefaultValue("30d") Duration archiveProbesAfter) {

	public HousekeepingProperties {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("dragnet.housekeeping.interval must be positive");
		}
		if (batch < 1 || maxBatches < 1) {
			throw new IllegalArgumentException("dragnet.housekeeping.batch and .max-batches must be at least 1");
		}
		if (archiveProbesAfter.isNegative()) {
			throw new IllegalArgumentException("dragnet.housekeeping.archive-probes-after must not be negative");
		}
	}
}
