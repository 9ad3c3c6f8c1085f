package dev.dragnet.server.whois;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.dragnet.net.DomainNames;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.db.DatabaseUnavailableException;
import dev.dragnet.server.schedule.Lane;
import dev.dragnet.server.web.ProblemException;
import dev.dragnet.server.whois.directory.WhoisServerDirectory;
import dev.dragnet.server.whois.directory.WhoisServerEntry;
import dev.dragnet.server.whois.parse.ParsedWhois;
import dev.dragnet.server.whois.parse.RdapParser;
import dev.dragnet.server.whois.parse.WhoisParser;
import dev.dragnet.server.whois.rdap.RdapBootstrap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One lookup, start to finish: validate the name, answer from the cache when allowed, else choose RDAP or
 * WHOIS by policy (falling back from one to the other), follow referrals, parse, store.
 */
@Service
public class WhoisService {

	private static final Logger logger = LoggerFactory.getLogger(WhoisService.class);

	/**
	 * The most characters of answers parsed on the thread they arrive on: a parse of that much takes some tens of
	 * microseconds (docs/BENCHMARKS.md, JMH), little enough for an event loop.
	 */
	static final int INLINE_PARSE_CHARS = 2048;

	private final WhoisServerDirectory directory;

	private final RdapBootstrap bootstrap;

	private final WhoisChain whois;

	private final RdapLookup rdap;

	private final ServerGuard guard;

	private final WhoisCache cache;

	private final Clock clock;

	private final WhoisParser whoisParser = new WhoisParser();

	private final RdapParser rdapParser = new RdapParser();

	WhoisService(WhoisServerDirectory directory, RdapBootstrap bootstrap, WhoisChain whois, RdapLookup rdap,
			ServerGuard guard, WhoisCache cache, ObjectProvider<Clock> clock) {
		this.directory = directory;
		this.bootstrap = bootstrap;
		this.whois = whois;
		this.rdap = rdap;
		this.guard = guard;
		this.cache = cache;
		this.clock = clock.getIfAvailable(Clock::systemUTC);
	}

	/** Looks a domain up at the table's server (policy AUTO), from the cache when fresh enough. */
	public Mono<WhoisLookup> lookup(String domain, @Nullable String server) {
		return lookup(new WhoisRequest(domain, server, LookupPolicy.AUTO, false));
	}

	/**
	 * Looks a domain up as the request says, its answer parsed. Errors are
	 * {@link dev.dragnet.server.web.ProblemException}s.
	 */
	public Mono<WhoisLookup> lookup(WhoisRequest request) {
		return lookup(request, true);
	}

	/**
	 * Looks a domain up as the request says, for a caller that wants the raw answer only: the answer is not parsed
	 * unless {@link WhoisLookup#parsed()} is called.
	 */
	public Mono<WhoisLookup> lookupRaw(WhoisRequest request) {
		return lookup(request, false);
	}

	/**
	 * A lookup; with {@code parse}, its answer is parsed as the lookup ends, on the parallel scheduler (CPU work of up
	 * to some milliseconds: not for the event loop that later writes the answer out).
	 */
	private Mono<WhoisLookup> lookup(WhoisRequest request, boolean parse) {
		return Mono.fromCallable(() -> DomainNames.normalise(request.domain())).flatMap((domain) -> {
			WhoisServerAddress server = (request.server() == null || request.server().isBlank()) ? null
					: WhoisServerAddress.parse(request.server());
			LookupPolicy policy = (server != null) ? LookupPolicy.WHOIS : request.policy();
			WhoisCache.Key key = WhoisCache.Key.of(domain, server, policy);
			Mono<WhoisLookup> fetched = Mono.defer(() -> fetch(domain, server, policy, key, parse));
			if (request.fresh()) {
				return fetched.contextWrite(Lane.freshOnly());
			}
			return this.cache.find(key)
				.flatMap((hit) -> assembled(parse, hit.hops(),
						() -> assemble(domain, hit.source(), hit.hops(), 0, true, hit.fetchedAt())))
				.onErrorResume((ex) -> cacheSkipped(domain, ex, fetched))
				.switchIfEmpty(fetched);
		});
	}

	private Mono<WhoisLookup> fetch(String domain, @Nullable WhoisServerAddress server, LookupPolicy policy,
			WhoisCache.Key key, boolean parse) {
		long started = this.clock.millis();
		Instant fetchedAt = this.clock.instant();
		return hops(domain, server, policy).flatMap((answer) -> assembled(parse, answer.hops(),
				() -> assemble(domain, answer.source(), answer.hops(), this.clock.millis() - started, false, fetchedAt))
			.flatMap((lookup) -> store(key, answer, fetchedAt, lookup)));
	}

	/**
	 * The lookup {@code assemble} builds, parsed when {@code parse}. Parsing is CPU work of up to some milliseconds for
	 * a large answer, so answers of more than {@link #INLINE_PARSE_CHARS} in all are parsed on the parallel
	 * scheduler, off the event loops; smaller ones (most WHOIS records) where they arrive, which spares each lookup
	 * a hand-over to another thread and back.
	 */
	static Mono<WhoisLookup> assembled(boolean parse, List<Hop> hops, Supplier<WhoisLookup> assemble) {
		if (!parse) {
			return Mono.fromSupplier(assemble);
		}
		Mono<WhoisLookup> parsed = Mono.fromSupplier(() -> {
			WhoisLookup lookup = assemble.get();
			lookup.parsed();
			return lookup;
		});
		return (characters(hops) > INLINE_PARSE_CHARS) ? parsed.subscribeOn(Schedulers.parallel()) : parsed;
	}

	private static long characters(List<Hop> hops) {
		long characters = 0;
		for (Hop hop : hops) {
			characters += (hop.text() != null) ? hop.text().length() : 0;
		}
		return characters;
	}

	/** The cache could not be read: the lookup goes on as on a miss, and says so. */
	private Mono<WhoisLookup> cacheSkipped(String domain, Throwable ex, Mono<WhoisLookup> fetched) {
		if (ex instanceof DatabaseUnavailableException) {
			logger.debug("WHOIS cache skipped for {}: {}", domain, ex.getMessage());
		}
		else {
			logger.warn("could not read the WHOIS cache for {}: {}", domain, ex.toString());
		}
		return fetched.map(WhoisLookup::withCacheSkipped);
	}

	private Mono<Answer> hops(String domain, @Nullable WhoisServerAddress server, LookupPolicy policy) {
		if (server != null) {
			return this.guard.checkCallerChosen(server).then(callerChosen(domain, server));
		}
		Optional<String> rdapUrl = this.bootstrap.domainUrl(domain);
		Mono<Answer> viaWhois = Mono.defer(() -> viaTable(domain));
		Mono<Answer> viaRdap = Mono.defer(() -> rdapUrl.map((url) -> viaRdap(domain, url))
			.orElseGet(() -> Mono.error(new WhoisProblems.NoRdapService(domain))));
		return switch (policy) {
			case WHOIS -> viaWhois;
			case RDAP -> viaRdap;
			case AUTO -> rdapUrl.isPresent() ? viaRdap.onErrorResume((ex) -> fallBack(domain, "RDAP", ex, viaWhois))
					: viaWhois;
		};
	}

	private Mono<Answer> fallBack(String domain, String failed, Throwable ex, Mono<Answer> other) {
		logger.info("{} lookup of {} failed ({}); falling back", failed, domain, ex.getMessage());
		// The caller sees the first failure, RDAP's: what AUTO asked for. What port 43 then met goes with it.
		return other.onErrorResume((second) -> Mono.error((ex instanceof ProblemException problem)
				? problem.followedBy("port 43", second) : ex));
	}

	private Mono<Answer> viaRdap(String domain, String url) {
		return this.rdap.run(domain, url).flatMap((hops) -> hops.get(0).answered() ? Mono.just(new Answer(Hop.RDAP, hops))
				: Mono.error(new WhoisProblems.ProbeRefused("RDAP at " + url + " ended " + hops.get(0).outcome()
						+ ((hops.get(0).note() != null) ? ": " + hops.get(0).note() : ""))));
	}

	private Mono<Answer> viaTable(String domain) {
		return this.directory.findForDomain(domain)
			.switchIfEmpty(Mono.error(() -> new WhoisProblems.NoWhoisService("unknown-suffix",
					"no WHOIS server is known for '" + domain + "'; name one with /WHOIS/" + domain + ":<server>")))
			.flatMap((entry) -> whoisFrom(domain, tableServer(entry), entry.formatQuery(domain)));
	}

	private Mono<Answer> callerChosen(String domain, WhoisServerAddress server) {
		return this.directory.findForDomain(domain)
			.filter((entry) -> server.host().equalsIgnoreCase(entry.host()))
			.map((entry) -> entry.formatQuery(domain))
			.defaultIfEmpty(domain)
			.flatMap((query) -> whoisFrom(domain, server, query));
	}

	private Mono<Answer> whoisFrom(String domain, WhoisServerAddress server, String query) {
		return this.whois.run(domain, server, query).map((hops) -> {
			Hop first = hops.get(0);
			if (first.outcome() == TaskResult.Outcome.REFUSED) {
				throw new WhoisProblems.ProbeRefused("probe " + first.probe() + " refused to query " + first.server()
						+ ": " + textOr(first.attempts().isEmpty() ? null : first.attempts().get(0).detail()));
			}
			return new Answer(Hop.WHOIS, hops);
		});
	}

	private static WhoisServerAddress tableServer(WhoisServerEntry entry) {
		String host = entry.host();
		if (entry.service() == WhoisServerEntry.Service.WEB) {
			throw new WhoisProblems.NoWhoisService("no-whois-service", "the registry of ." + entry.suffix()
					+ " publishes WHOIS only on a web page: " + entry.webUrl());
		}
		if (entry.service() == WhoisServerEntry.Service.NONE || host == null) {
			throw new WhoisProblems.NoWhoisService("no-whois-service",
					"the registry of ." + entry.suffix() + " runs no WHOIS service");
		}
		return new WhoisServerAddress(host, entry.port());
	}

	/** Stores answers worth repeating; a cache failure never fails the lookup, it marks it "cache skipped". */
	private Mono<WhoisLookup> store(WhoisCache.Key key, Answer answer, Instant fetchedAt, WhoisLookup lookup) {
		if (!answer.hops().get(0).answered()) {
			return Mono.just(lookup);
		}
		return this.cache.store(key, new WhoisCache.Cached(answer.source(), answer.hops(), fetchedAt))
			.thenReturn(lookup)
			.onErrorResume((ex) -> {
				if (!(ex instanceof DatabaseUnavailableException)) {
					logger.warn("could not store the WHOIS answer for {} in the cache: {}", key.domain(), ex.toString());
				}
				return Mono.just(lookup.withCacheSkipped());
			});
	}

	private WhoisLookup assemble(String domain, String source, List<Hop> hops, long elapsed, boolean cached,
			Instant fetchedAt) {
		Hop first = hops.get(0);
		return new WhoisLookup(domain, DomainNames.toUnicode(domain), source, first.server(), first.query(),
				first.probe(), elapsed, first.outcome(), first.text(), new WhoisLookup.Parse(() -> parse(domain, source, hops)), hops, first.attempts(),
				cached, fetchedAt, false);
	}

	/** Parses every answered hop; the registry's answer wins for dates and statuses, later hops fill gaps. */
	private ParsedWhois parse(String domain, String source, List<Hop> hops) {
		ParsedWhois merged = null;
		for (Hop hop : hops) {
			if (!hop.answered() || hop.text() == null) {
				continue;
			}
			ParsedWhois parsed = Hop.RDAP.equals(source) ? this.rdapParser.parse(domain, hop.text())
					: this.whoisParser.parse(domain, hostOf(hop.server()), hop.text());
			merged = (merged == null) ? parsed : ParsedWhois.merge(merged, parsed);
		}
		return (merged != null) ? merged : this.whoisParser.parse(domain, null, "");
	}

	private static String hostOf(String server) {
		int colon = server.lastIndexOf(':');
		return (colon > 0 && !server.endsWith("]")) ? server.substring(0, colon).replace("[", "").replace("]", "") : server;
	}

	private static String textOr(@Nullable String text) {
		return (text != null) ? text : "no reason given";
	}

	/** The hops of a finished lookup and what answered them. */
	private record Answer(String source, List<Hop> hops) {
	}
}
