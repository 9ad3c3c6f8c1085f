package dev.dragnet.protocol;

import java.util.List;

/**
 * First frame of every session: who the probe is and how much work it can take.
 *
 * @param name stable probe name chosen by its operator (reconnecting with the same name resumes the probe)
 * @param token a shared secret the server checks against {@code dragnet.probes.tokens}, or the probe's own
 * credential from its enrollment (bound to its name)
 * @param version probe software version
 * @param protocol protocol version the probe speaks ({@link Protocol#VERSION})
 * @param capabilities task kinds the probe can run, e.g. {@value Protocol#CAPABILITY_WHOIS}
 * @param maxConcurrency upper bound of tasks the probe will ever hold at once; credit grants never exceed it
 */
public record Hello(String name, String token, String version, int protocol, List<String> capabilities,
		int maxConcurrency) implements ProbeFrame {

	public Hello {
		capabilities = List.copyOf(capabilities);
	}
}
