package dev.dragnet.probe.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutor;
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
 *
 * <p>The transport is epoll on Linux and Java's NIO elsewhere. Linux's io_uring is not shipped: it takes a fifth
 * less CPU per WHOIS lookup, but its event loop keeps 1,024 message headers whatever it does, and an idle probe on it
 * measured 63.6 to 64.7 MB against the 64 MB target (docs/BENCHMARKS.md, "Linux's io_uring transport").
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

	/** The transport and loop count, for the probe's log: {@code epoll, 4 event loops}, {@code Java NIO, 4 ...}. */
	public static String describe() {
		EventLoopGroup group = LOOPS.onClient(LoopResources.DEFAULT_NATIVE);
		String channel = LOOPS.onChannelClass(SocketChannel.class, group).getSimpleName();
		String transport = switch (channel) {
			case "IoUringSocketChannel" -> "io_uring";
			case "EpollSocketChannel" -> "epoll";
			case "KQueueSocketChannel" -> "kqueue";
			case "NioSocketChannel" -> "Java NIO";
			default -> channel;
		};
		int loops = 0;
		for (EventExecutor ignored : group) {
			loops++;
		}
		return transport + ", " + loops + " event loop" + ((loops == 1) ? "" : "s");
	}
}
