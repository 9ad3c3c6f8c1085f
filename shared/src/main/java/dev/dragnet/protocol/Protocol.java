package dev.dragnet.protocol;

/** Constants both ends of a probe session agree on. */
public final class Protocol {

	/** Version of the frame format; a probe with another major version is refused. */
	public static final int VERSION = 1;

	/** Path of the probe WebSocket endpoint on the server. */
	public static final String PATH = "/ws/probe";

	/** Largest text frame either side accepts, in bytes (a WHOIS answer plus JSON escaping fits easily). */
	public static final int MAX_FRAME_BYTES = 1024 * 1024;

	/** Largest number of concurrent tasks a probe may announce. */
	public static final int MAX_CONCURRENCY = 1024;

	/** Capability name of a probe that runs {@link WhoisQuery} tasks. */
	public static final String CAPABILITY_WHOIS = "whois";

	private Protocol() {
	}
}
