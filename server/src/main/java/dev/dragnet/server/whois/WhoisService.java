package dev.dragnet.server.whois;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.dragnet.net.Addresses;
import dev.dragnet.net.DomainNames;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.WhoisQuery;
import dev.dragnet.server.dispatch.Dispatched;
import dev.dragnet.server.dispatch.TaskDispatcher;
import dev.dragnet.server.whois.directory.WhoisServerDirectory;
import dev.dragnet.server.whois.directory.WhoisServerEntry;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One WHOIS lookup: validate the name, find the server and query format, check a caller-chosen server,
 * dispatch to a probe, and shape the answer.
 */
@Service
public class WhoisService {

	private final WhoisServerDirectory directory;

	private final TaskDispatcher dispatcher;

	private final WhoisProperties properties;

	WhoisService(WhoisServerDirectory directory, TaskDispatcher dispatcher, WhoisProperties properties) {
		this.directory = directory;
		this.dispatcher = dispatcher;
		this.properties = properties;
	}

	/**
	 * Looks {@code domain} up, at {@code server} when given ({@code host} or {@code host:port}), else at the
	 * server the table names for the domain's suffix.
	 */
	public Mono<WhoisLookup> lookup(String domain, @Nullable String server) {
		return Mono.fromCallable(() -> DomainNames.normalise(domain))
			.flatMap((name) -> target(name, server).flatMap((target) -> dispatch(name, target)));
	}

	private Mono<Target> target(String domain, @Nullable String server) {
		if (server == null || server.isBlank()) {
			return this.directory.findForDomain(domain)
				.switchIfEmpty(Mono.error(() -> new WhoisProblems.NoWhoisService("unknown-suffix",
						"no WHOIS server is known for '" + domain + "'; name one with /WHOIS/" + domain + ":<server>")))
				.map((entry) -> fromTable(domain, entry));
		}
		WhoisServerAddress address = WhoisServerAddress.parse(server);
		return checkAllowed(address).then(checkPublic(address))
			.then(this.directory.findForDomain(domain).map(Optional::of).defaultIfEmpty(Optional.empty()))
			.map((entry) -> new Target(address, entry.filter((e) -> address.host().equalsIgnoreCase(e.host()))
				.map((e) -> e.formatQuery(domain))
				.orElse(domain)));
	}

	private Target fromTable(String domain, WhoisServerEntry entry) {
		String host = entry.host();
		if (entry.service() == WhoisServerEntry.Service.WEB) {
			throw new WhoisProblems.NoWhoisService("no-whois-service", "the registry of ." + entry.suffix()
					+ " publishes WHOIS only on a web page: " + entry.webUrl());
		}
		if (entry.service() == WhoisServerEntry.Service.NONE || host == null) {
			throw new WhoisProblems.NoWhoisService("no-whois-service",
					"the registry of ." + entry.suffix() + " runs no WHOIS service");
		}
		return new Target(new WhoisServerAddress(host, entry.port()), entry.formatQuery(domain));
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

	/** Refuses loopback, private and link-local servers, by literal or by what the name resolves to now. */
	private Mono<Void> checkPublic(WhoisServerAddress address) {
		if (this.properties.allowPrivateServers()) {
			return Mono.empty();
		}
		InetAddress literal = Addresses.parseLiteral(address.host());
		Mono<List<InetAddress>> resolved = (literal != null) ? Mono.just(List.of(literal))
				: Mono.fromCallable(() -> resolve(address.host()))
					.subscribeOn(Schedulers.boundedElastic())
					.timeout(this.properties.resolveTimeout(), Mono.just(List.of()));
		return resolved.flatMap((addresses) -> addresses.stream().anyMatch(Addresses::isNonPublic)
				? Mono.error(new WhoisProblems.ServerRefused("private-server", "WHOIS server not public",
						address + " is a loopback, private or link-local address; Dragnet only queries public servers"))
				: Mono.empty());
	}

	/** DNS lookup (blocking, so it runs on boundedElastic); an unknown name is left for the probe to report. */
	private static List<InetAddress> resolve(String host) {
		try {
			return Arrays.asList(InetAddress.getAllByName(host));
		}
		catch (UnknownHostException ex) {
			return List.of();
		}
	}

	private Mono<WhoisLookup> dispatch(String domain, Target target) {
		WhoisQuery query = new WhoisQuery(target.address().host(), target.address().port(), target.query(), null,
				(int) this.properties.maxResponseSize().toBytes(), this.properties.connectTimeout().toMillis(), null);
		return this.dispatcher.dispatch(Protocol.CAPABILITY_WHOIS, query).map((done) -> answer(domain, target, done));
	}

	private WhoisLookup answer(String domain, Target target, Dispatched done) {
		TaskResult result = done.result();
		if (result.outcome() == TaskResult.Outcome.REFUSED) {
			throw new WhoisProblems.ProbeRefused("probe " + done.probe() + " refused to query " + target.address()
					+ ": " + result.detail());
		}
		return new WhoisLookup(domain, DomainNames.toUnicode(domain), target.address().toString(), target.query(),
				done.probe(), done.elapsedMillis(), result.outcome(), result.text(), done.attempts());
	}

	private record Target(WhoisServerAddress address, String query) {
	}
}
