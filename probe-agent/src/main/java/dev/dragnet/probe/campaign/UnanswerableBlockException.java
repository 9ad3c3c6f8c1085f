package dev.dragnet.probe.campaign;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * No source is left to answer an address of a block: they rest longer than the lease allows, failed, or their empty
 * answers were not trusted.
 */
final class UnanswerableBlockException extends RuntimeException {

	private final @Nullable Duration resting;

	/**
	 * @param resting how long until a source for the address is usable again, when rests alone stopped it; null when
	 * a source failed or was not trusted
	 */
	UnanswerableBlockException(String ip, String why, @Nullable Duration resting) {
		super("no source could answer for " + ip + ": " + why, null, false, false);
		this.resting = resting;
	}

	/** How long the sources rest, when the block was given up only because they do; else null. */
	@Nullable Duration resting() {
		return this.resting;
	}

}
