package dev.dragnet.probe.net;

import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

/**
 * The one group of event loops every network client of the probe runs on: the WebSocket session, WHOIS over TCP,
 * RDAP and reverse-IP sites over HTTP, and DNS. Reactor Netty's HTTP clients use {@link HttpResources} and its TCP
 * clients {@code TcpResources}, each a group of its own (as many threads as cores, at least 4); a probe does little
 * work per connection, and a second group only cost threads, their stacks and their buffer caches.
 */
public final class ProbeLoops {

	private ProbeLoops() {
	}

	/** The probe's event loops: those of Reactor Netty's HTTP clients, created on first use. */
	public static LoopResources get() {
		return HttpResources.get();
	}
}
