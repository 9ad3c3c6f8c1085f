package dev.dragnet.probe.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import dev.dragnet.net.Addresses;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;
import reactor.netty.transport.NameResolverProvider;

/**
 * Resolves host names without blocking, with Reactor Netty's own DNS resolver (which reads the hosts file and
 * the system's name servers), so the address policy can look at every address before anything is contacted.
 * Literal addresses are parsed, never looked up. Shared by every outward client of the probe (WHOIS, RDAP and
 * reverse-IP sources, through {@code GuardedHttp}).
 */
public final class HostResolver {

	private final AddressResolverGroup<?> group;

	/** A resolver on the JVM-wide resolver group (and its caches). */
	public HostResolver() {
		this.group = Shared.GROUP;
	}

	/** All addresses of {@code host}; fails with {@link java.net.UnknownHostException} when there are none. */
	public Mono<List<InetAddress>> resolve(String host, int port) {
		InetAddress literal = Addresses.parseLiteral(host);
		if (literal != null) {
			return Mono.just(List.of(literal));
		}
		return Mono.defer(() -> resolveWith(this.group, InetSocketAddress.createUnresolved(host, port)));
	}

	private static <T extends SocketAddress> Mono<List<InetAddress>> resolveWith(AddressResolverGroup<T> group,
			InetSocketAddress unresolved) {
		EventLoop loop = ProbeLoops.get().onClient(LoopResources.DEFAULT_NATIVE).next();
		AddressResolver<T> resolver = group.getResolver(loop);
		return Mono.<List<T>>create(sink -> {
			Future<List<T>> future = resolver.resolveAll(unresolved);
			future.addListener(done -> {
				if (future.isSuccess()) {
					sink.success(future.getNow());
				}
				else {
					sink.error(future.cause());
				}
			});
			sink.onCancel(() -> future.cancel(false));
		}).map(HostResolver::inetAddresses);
	}

	/** One resolver group (with its caches) for every client in the JVM, created on first use. */
	private static final class Shared {

		static final AddressResolverGroup<?> GROUP = NameResolverProvider.builder()
			.build()
			.newNameResolverGroup(ProbeLoops.get(), LoopResources.DEFAULT_NATIVE);
	}

	private static List<InetAddress> inetAddresses(List<? extends SocketAddress> resolved) {
		return resolved.stream()
			.filter(InetSocketAddress.class::isInstance)
			.map(a -> ((InetSocketAddress) a).getAddress())
			.filter(a -> a != null)
			.toList();
	}
}
