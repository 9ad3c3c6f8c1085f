package dev.dragnet.probe.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import reactor.netty.ReactorNetty;
import reactor.netty.resources.LoopResources;

/**
 * The one group of event loops every network client of the probe runs on: the WebSocket session, WHOIS over TCP,
 * RDAP and reverse-IP sites over HTTP, enrollment, and DNS. Reactor Netty's HTTP and TCP clients would otherwise use
 * two global groups of their own (as many threads as cores, at least 4, each); a probe does little work per
 * connection, and a second group only cost threads, their stacks and their buffer caches.
 *
 * <p>On Linux's io_uring transport the group is one event loop; on any other (epoll where io_uring is refused, Java's
 * NIO on Windows and macOS) it is Reactor Netty's default of as many loops as cores, at least 4. An io_uring loop
 * keeps its own ring and buffers, about 1 MB more than an epoll loop, and hands the kernel its operations in batches:
 * one loop carries a probe's 64 tasks and its session at a fifth less CPU per lookup than four epoll loops, within
 * the probe's 64 MB idle footprint (docs/BENCHMARKS.md, "Linux's io_uring transport"). Setting
 * {@code -Dreactor.netty.ioWorkerCount} chooses the count on any transport.
 *
 * <p>The group is the probe's own, never Reactor Netty's global {@code HttpResources}: whoever else shares a JVM with
 * probe code (the server's tests run probes beside Spring Boot servers) may dispose the global resources when it
 * stops, and loops captured from them, such as the DNS resolvers', would then never answer. Its threads are daemons
 * named {@code probe-...}; they live as long as the JVM.
 */
public final class ProbeLoops {

	private static final LoopResources LOOPS = LoopResources.create("probe", loopCount(), true);

	private ProbeLoops() {
	}

	/** The probe's event loops. */
	public static LoopResources get() {
		return LOOPS;
	}

	/** The transport and loop count, for the probe's log: {@code io_uring, 1 event loop}, {@code epoll, 4 event loops}. */
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
		int loops = loopCount();
		return transport + ", " + loops + " event loop" + ((loops == 1) ? "" : "s");
	}

	/** Whether the probe's connections run on io_uring: what Reactor Netty chooses first where the kernel allows it. */
	public static boolean ioUring() {
		if (!LoopResources.DEFAULT_NATIVE) {
			return false;
		}
		try {
			return IoUring.isAvailable();
		}
		catch (LinkageError missing) {
			return false;
		}
	}

	static int loopCount() {
		if (System.getProperty(ReactorNetty.IO_WORKER_COUNT) != null) {
			return LoopResources.DEFAULT_IO_WORKER_COUNT;
		}
		return ioUring() ? 1 : LoopResources.DEFAULT_IO_WORKER_COUNT;
	}
}
