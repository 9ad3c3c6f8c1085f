package dev.dragnet.server.campaign;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits of reverse-IP campaigns.
 *
 * @param maxAddresses most addresses one campaign may cover (the design target is a city: about 7 million)
 * @param defaultBlockSize addresses per work block when a campaign names none
 * @param minBlockSize smallest block size a campaign may ask for
 * @param maxBlockSize largest block size a campaign may ask for
 * @param maxRanges most ranges one campaign may list
 * @param leaseDuration how long a probe holds a block without reporting progress before it goes elsewhere
 * @param maxLeasesPerProbe most blocks one probe may hold at once
 * @param maxAttempts leases a block gets before it is FAILED
 * @param sweepInterval how often expired leases are looked for
 * @param metricsInterval how often the progress gauges of running campaigns are read from the database
 * @param storeBatchAddresses most addresses whose block results one statement stores; the results that arrive while
 * earlier ones are written go together, up to this (a larger block is stored alone)
 * @param storeConcurrency most statements storing block results at once (per server instance)
 * @param storeBacklog most block results waiting to be stored, and most block requests waiting for a lease
 * statement; one more result is deferred (its probe sends it again), one more request gets nothing for now
 */
@ConfigurationProperties("dragnet.campaigns")
public record CampaignProperties(@DefaultValue("16777216") long maxAddresses, @DefaultValue("256") int defaultBlockSize,
		@DefaultValue("16") int minBlockSize, @DefaultValue("65536") int maxBlockSize,
		@DefaultValue("100000") int maxRanges, @DefaultValue("5m") Duration leaseDuration,
		@DefaultValue("4") int maxLeasesPerProbe, @DefaultValue("3") int maxAttempts,
		@DefaultValue("10s") Duration sweepInterval, @DefaultValue("15s") Duration metricsInterval,
		@DefaultValue("16384") int storeBatchAddresses, @DefaultValue("2") int storeConcurrency,
		@DefaultValue("8192") int storeBacklog) {

	public CampaignProperties {
		if (storeBatchAddresses < 1 || storeConcurrency < 1 || storeBacklog < 1) {
			throw new IllegalArgumentException(
					"dragnet.campaigns.store-batch-addresses, store-concurrency and store-backlog must be at least 1");
		}
	}
}
