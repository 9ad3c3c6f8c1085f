package dev.dragnet.probe;

/** Where a {@link ProbeAgent} stands. */
public enum AgentState {

	/** Opening a session: connecting, handshaking, or waiting for the welcome. */
	CONNECTING,

	/** The server welcomed the probe; tasks may arrive. */
	CONNECTED,

	/** The last session ended; waiting before the next attempt. */
	BACKING_OFF,

	/** The server refused the token or the protocol version; the agent gave up. Final. */
	REFUSED,

	/** {@link ProbeAgent#close()} was called. Final. */
	STOPPED
}
