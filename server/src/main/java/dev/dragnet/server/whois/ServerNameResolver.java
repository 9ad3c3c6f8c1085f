package dev.dragnet.server.whois;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.dragnet.net.Addresses;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;
import reactor.netty.transport.NameResolverProvider;

/**
 * The server's own DNS lookups (whether a caller-chosen or referred WHOIS server is public), with Reactor Netty's
 * non-blocking resolver on the server's event loops: no thread waits on DNS, and a deadline really ends the lookup.
 * Literal addresses are parsed, never looked up. A name that does not resolve, or not before the deadline, has no
 * addresses: the probe resolves it again from its own network and applies the same address rule.
 */
@Component
class ServerNameResolver implements DisposableBean {

	private final AddressResolverGroup<?> group;

	ServerNameResolver() {
		this(NameResolverProvider.builder().build().newNameResolverGroup(HttpResources.get(), LoopResources.DEFAULT_NATIVE));
	}

	ServerNameResolver(AddressResolverGroup<?> group) {
		this.group = group;
	}

	/** Every address of {@code host}; none when it does not resolve within {@code deadline}. */
	Mono<List<InetAddress>> resolve(String host, Duration deadline) {
		InetAddress literal = Addresses.parseLiteral(host);
		if (literal != null) {
			return Mono.just(List.of(literal));
		}
		return Mono.defer(() -> resolveWith(this.group, InetSocketAddress.createUnresolved(host, 0)))
			.onErrorResume(UnknownHostException.class, (ex) -> Mono.just(List.of()))
			.timeout(deadline, Mono.just(List.of()));
	}

	private static <T extends SocketAddress> Mono<List<InetAddress>> resolveWith(AddressResolverGroup<T> group,
			InetSocketAddress unresolved) {
		EventLoop loop = HttpResources.get().onClient(LoopResources.DEFAULT_NATIVE).next();
		AddressResolver<T> resolver = group.getResolver(loop);
		return Mono.<List<T>>create((sink) -> {
			Future<List<T>> future = resolver.resolveAll(unresolved);
			future.addListener((done) -> {
				if (future.isSuccess()) {
					sink.success(future.getNow());
				}
				else {
					sink.error(future.cause());
				}
			});
			sink.onCancel(() -> future.cancel(false));
		}).map(ServerNameResolver::inetAddresses);
	}

	private static List<InetAddress> inetAddresses(List<? extends SocketAddress> resolved) {
		return resolved.stream()
			.filter(InetSocketAddress.class::isInstance)
			.map((address) -> ((InetSocketAddress) address).getAddress())
			.filter(Objects::nonNull)
			.toList();
	}

	@Override
	public void destroy() {
		this.group.close();
	}
}
