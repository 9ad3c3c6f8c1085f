package dev.dragnet.probe.net;

import reactor.netty.resources.LoopResources;

/**
 * The one group of event loops every network client of the probe runs on: the WebSocket session, WHOIS over TCP,
 * RDAP and reverse-IP sites over HTTP, enrollment, and DNS. Reactor Netty's HTTP and TCP clients would otherwise use
 * two global groups of their own (as many threads as cores, at least 4, each); a probe does little work per
 * connection, and a second group only cost threads, their stacks and their buffer caches.
 *
 * <p>The group is the probe's own, never Reactor Netty's global {@code HttpResources}: whoever else shares a JVM with
 * probe code (the server's tests run probes beside Spring Boot servers) may dispose the global resources when it
 * stops, and loops captured from them, such as the DNS resolvers', would then never answer. Its threads are daemons
 * named {@code probe-...}; they live as long as the JVM.
 */
public final class ProbeLoops {

	private static final LoopResources LOOPS = LoopResources.create("probe", LoopResources.DEFAULT_IO_WORKER_COUNT,
			true);

	private ProbeLoops() {
	}

	/** The probe's event loops. */
	public static LoopResources get() {
		return LOOPS;
	}
}
