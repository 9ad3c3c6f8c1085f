package dev.dragnet.protocol;

import java.util.List;
import java.util.Objects;

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
 * @param heldResults the leases of finished campaign blocks whose results the probe holds and will send again in
 * this session (the server has not acknowledged them yet); at most {@link #MAX_HELD_RESULTS}, empty when absent
 */
public record Hello(String name, String token, String version, int protocol, List<String> capabilities,
		int maxConcurrency, List<String> heldResults) implements ProbeFrame {

	/** Most leases a hello may name in {@code heldResults}; the server reads no more. */
	public static final int MAX_HELD_RESULTS = 256;

	public Hello {
		capabilities = List.copyOf(Objects.requireNonNull(capabilities, "capabilities is missing"));
		heldResults = (heldResults != null) ? List.copyOf(heldResults.subList(0, Math.min(heldResults.size(),
				MAX_HELD_RESULTS))) : List.of();
	}

	/** A hello holding no results (an older probe's hello reads as this). */
	public Hello(String name, String token, String version, int protocol, List<String> capabilities,
			int maxConcurrency) {
		this(name, token, version, protocol, capabilities, maxConcurrency, List.<String>of());
	}
}
