package dev.dragnet.probe.campaign;

/** No source is left to answer an address of a block: they rest, failed, or their empty answers were not trusted. */
final class UnanswerableBlockException extends RuntimeException {

	UnanswerableBlockException(String ip, String why) {
		super("no source could answer for " + ip + ": " + why, null, false, false);
	}

}
