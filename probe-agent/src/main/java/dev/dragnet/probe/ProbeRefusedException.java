package dev.dragnet.probe;

import dev.dragnet.protocol.Protocol;

/**
 * The server refused this probe for good: a bad token or an unsupported protocol version. Retrying with the same
 * settings cannot help, so the agent stops and the program exits with code 2.
 */
public final class ProbeRefusedException extends RuntimeException {

	private final int closeCode;

	/**
	 * @param closeCode the WebSocket close code, or {@code -1} when the refusal came as an error frame
	 * @param message what the server said, in a person's words
	 */
	public ProbeRefusedException(int closeCode, String message) {
		super(message);
		this.closeCode = closeCode;
	}

	/** The WebSocket close code, or {@code -1} when the refusal came as an error frame. */
	public int closeCode() {
		return this.closeCode;
	}

	/** Whether the protocol version was refused rather than the token. */
	public boolean versionRefused() {
		return this.closeCode == Protocol.CLOSE_UNSUPPORTED_VERSION;
	}
}
