package dev.dragnet.server.whois;

import dev.dragnet.net.Addresses;
import dev.dragnet.server.whois.directory.WhoisServerDirectory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Decides which servers Dragnet may ask: a caller-chosen server must be in the table or on the allow-list,
 * and no server (chosen or referred to) may be loopback, private, link-local or other non-public space
 * ({@link Addresses#isNonPublic}) unless
 * {@code dragnet.whois.allow-private-servers} is set.
 */
@Component
class ServerGuard {

	private final WhoisServerDirectory directory;

	private final WhoisProperties properties;

	private final ServerNameResolver resolver;

	ServerGuard(WhoisServerDirectory directory, WhoisProperties properties, ServerNameResolver resolver) {
		this.directory = directory;
		this.properties = properties;
		this.resolver = resolver;
	}

	/** Completes when a caller may have this server asked; errors with a 400 problem otherwise. */
	Mono<Void> checkCallerChosen(WhoisServerAddress address) {
		return checkAllowed(address).then(isPublic(address).flatMap((ok) -> ok ? Mono.<Void>empty()
				: Mono.error(new WhoisProblems.ServerRefused("private-server", "WHOIS server not public", address
						+ " is a loopback, private or link-local address; Dragnet only queries public servers"))));
	}

	private Mono<Void> checkAllowed(WhoisServerAddress address) {
		if (this.properties.allowedServers().stream().anyMatch(address::allowedBy)) {
			return Mono.empty();
		}
		return this.directory.isKnownHost(address.host(), address.port())
			.flatMap((known) -> known ? Mono.<Void>empty()
					: Mono.error(new WhoisProblems.ServerRefused("server-not-allowed", "WHOIS server not allowed",
							address + " is neither in the WHOIS server table nor on dragnet.whois.allowed-servers")));
	}

	/**
	 * Whether the server is public, by literal or by what its name resolves to now. An unknown name counts as
	 * public here: the probe resolves it again from its own network and applies the same rule.
	 */
	Mono<Boolean> isPublic(WhoisServerAddress address) {
		if (this.properties.allowPrivateServers()) {
			return Mono.just(true);
		}
		return this.resolver.resolve(address.host(), this.properties.resolveTimeout())
			.map((addresses) -> addresses.stream().noneMatch(Addresses::isNonPublic));
	}
}
