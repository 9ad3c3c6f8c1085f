package dev.dragnet.server.whois;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Locale;

import dev.dragnet.net.Addresses;
import dev.dragnet.server.web.Printable;
import dev.dragnet.server.whois.rir.RirDirectory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * WHOIS for IP addresses and AS numbers: the RIR tables pick the first server and its query format, and
 * RIR referrals ({@code ReferralServer:}) are followed like a thin registry's.
 */
@Service
public class NetworkWhoisService {

	private final RirDirectory directory;

	private final WhoisChain chain;

	private final ServerGuard guard;

	private final Clock clock;

	NetworkWhoisService(RirDirectory directory, WhoisChain chain, ServerGuard guard, ObjectProvider<Clock> clock) {
		this.directory = directory;
		this.chain = chain;
		this.guard = guard;
		this.clock = clock.getIfAvailable(Clock::systemUTC);
	}

	public Mono<NetworkLookup> address(String text, @Nullable String server) {
		return Mono.fromCallable(() -> parseAddress(text)).flatMap((address) -> {
			String object = address.getHostAddress();
			if (server != null && !server.isBlank()) {
				return callerChosen(object, server, object);
			}
			return this.directory.forAddress(address)
				.map((target) -> run(object, new WhoisServerAddress(target.host(), target.port()), target.query()))
				.orElseGet(() -> Mono.error(new WhoisProblems.NoWhoisService("no-rir",
						object + " is reserved or special-purpose space; no regional registry answers for it")));
		});
	}

	public Mono<NetworkLookup> asn(String text, @Nullable String server) {
		return Mono.fromCallable(() -> parseAsn(text)).flatMap((asn) -> {
			String object = "AS" + asn;
			if (server != null && !server.isBlank()) {
				return callerChosen(object, server, object);
			}
			return this.directory.forAsn(asn)
				.map((target) -> run(object, new WhoisServerAddress(target.host(), target.port()), target.query()))
				.orElseGet(() -> Mono.error(new WhoisProblems.NoWhoisService("no-rir",
						object + " is reserved or private; no regional registry answers for it")));
		});
	}

	private Mono<NetworkLookup> callerChosen(String object, String server, String query) {
		WhoisServerAddress address = WhoisServerAddress.parse(server);
		String formatted = address.host().equals("whois.arin.net") ? (object.startsWith("AS") ? "a + " + object.substring(2)
				: "n + " + object) : query;
		return this.guard.checkCallerChosen(address).then(run(object, address, formatted));
	}

	private Mono<NetworkLookup> run(String object, WhoisServerAddress first, String query) {
		long started = this.clock.millis();
		return this.chain.run(object, first, query).map((hops) -> {
			Hop hop = hops.get(0);
			return new NetworkLookup(object, hop.server(), hop.query(), hop.probe(), this.clock.millis() - started,
					WhoisText.render(hops), hops);
		});
	}

	private static InetAddress parseAddress(String text) {
		InetAddress address = Addresses.parseLiteral(text);
		if (address == null) {
			throw new WhoisProblems.ServerRefused("invalid-ip", "Invalid IP address",
					"'" + Printable.of(text) + "' is not an IPv4 or IPv6 address");
		}
		return address;
	}

	private static long parseAsn(String text) {
		String digits = text.toUpperCase(Locale.ROOT).startsWith("AS") ? text.substring(2) : text;
		try {
			long asn = Long.parseLong(digits);
			if (asn >= 0 && asn <= 4_294_967_295L) {
				return asn;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new WhoisProblems.ServerRefused("invalid-asn", "Invalid AS number",
				"'" + Printable.of(text) + "' is not an AS number (0 to 4294967295, with or without 'AS')");
	}
}
