package dev.dragnet.server.probe;

/** Whether a probe gets work. */
public enum ProbeState {

	/** Connected, answering pings: gets new work. */
	EFFECTIVE,

	/** Session closed or pings missed: gets no new work; its in-flight work went elsewhere. */
	INEFFECTIVE
}
