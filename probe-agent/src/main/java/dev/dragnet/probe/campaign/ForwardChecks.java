package dev.dragnet.probe.campaign;

import java.util.List;
import java.util.Optional;

import dev.dragnet.probe.reverseip.DnsLookupException;
import dev.dragnet.probe.reverseip.ForwardVerifier;
import dev.dragnet.protocol.BlockResult.DomainFinding;
import dev.dragnet.protocol.BlockResult.IpFinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns what the sources said about an address into the findings a block result carries, forward-resolving each
 * domain when the campaign asks for verification: {@code verified} is true when the domain's A records include the
 * address, false when they do not (or the name does not exist), and {@code null} when the name servers gave no
 * answer, so that "could not check" is never reported as "failed".
 */
final class ForwardChecks {

	private static final Logger log = LoggerFactory.getLogger(ForwardChecks.class);

	private final ForwardVerifier verifier;

	private final int concurrency;

	/**
	 * @param verifier asks the probe's name servers
	 * @param concurrency confirmations of one address in flight at once
	 */
	ForwardChecks(ForwardVerifier verifier, int concurrency) {
		this.verifier = verifier;
		this.concurrency = concurrency;
	}

	/** The finding for {@code ip}, its names tagged with {@code source}, each checked when {@code verify}. */
	Mono<IpFinding> finding(String ip, String source, List<String> names, boolean verify) {
		if (!verify) {
			return Mono.just(new IpFinding(ip, names.stream().map((name) -> new DomainFinding(name, List.of(source),
					null)).toList()));
		}
		return Flux.fromIterable(names)
			.flatMapSequential((name) -> confirm(name, ip)
				.map((verified) -> new DomainFinding(name, List.of(source), verified.orElse(null))), this.concurrency)
			.collectList()
			.map((domains) -> new IpFinding(ip, domains));
	}

	/** True or false for an answer; empty when no answer came (timeout, SERVFAIL, REFUSED). */
	private Mono<Optional<Boolean>> confirm(String name, String ip) {
		return this.verifier.confirms(name, ip)
			.map(Optional::of)
			.onErrorResume(DnsLookupException.class, (ex) -> unknown(name, ip, ex))
			.onErrorResume(IllegalArgumentException.class, (ex) -> unknown(name, ip, ex));
	}

	private static Mono<Optional<Boolean>> unknown(String name, String ip, RuntimeException ex) {
		log.debug("could not verify {} on {}: {}", name, ip, ex.getMessage());
		return Mono.just(Optional.empty());
	}

}
