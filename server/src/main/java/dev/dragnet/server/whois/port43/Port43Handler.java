package dev.dragnet.server.whois.port43;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

import dev.dragnet.net.InvalidDomainException;
import dev.dragnet.server.web.ClientSlots;
import dev.dragnet.server.web.ProblemException;
import dev.dragnet.server.whois.WhoisProperties;
import dev.dragnet.net.Addresses;
import dev.dragnet.server.whois.NetworkLookup;
import dev.dragnet.server.whois.NetworkWhoisService;
import dev.dragnet.server.whois.WhoisRequest;
import dev.dragnet.server.whois.WhoisService;
import dev.dragnet.server.whois.WhoisText;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

/**
 * One WHOIS conversation (RFC 3912): read the query line, look it up, write the text, close. Every error is
 * answered as a WHOIS comment line, {@code % Error: <detail>}, then the connection is closed. Connections
 * beyond {@code max-connections} get {@code % Error: too many connections} after their query is read, and so do
 * a client address's connections beyond {@code max-connections-per-client}.
 */
final class Port43Handler implements BiFunction<NettyInbound, NettyOutbound, Publisher<Void>> {

	private static final Logger logger = LoggerFactory.getLogger(Port43Handler.class);

	private final WhoisService whois;

	private final WhoisProperties whoisProperties;

	private final Port43Properties properties;

	private final AtomicInteger active = new AtomicInteger();

	private final ClientSlots clients;

	private final NetworkWhoisService network;

	private static final Pattern AS_NUMBER = Pattern.compile("(?i)as\\d{1,10}");

	Port43Handler(WhoisService whois, NetworkWhoisService network, WhoisProperties whoisProperties,
			Port43Properties properties) {
		this.network = network;
		this.whois = whois;
		this.whoisProperties = whoisProperties;
		this.properties = properties;
		this.clients = new ClientSlots(properties.maxConnectionsPerClient());
	}

	@Override
	public Publisher<Void> apply(NettyInbound inbound, NettyOutbound outbound) {
		boolean admitted = this.active.incrementAndGet() <= this.properties.maxConnections();
		String[] client = new String[1];
		inbound.withConnection((connection) -> client[0] = ClientSlots.client((connection.channel()
			.remoteAddress() instanceof InetSocketAddress remote) ? remote : null));
		boolean own = admitted && this.clients.tryTake(client[0]);
		String refusal = !admitted ? "too many connections" : !own ? "too many connections from your address" : null;
		return readQuery(inbound).flatMap((line) -> (refusal == null) ? answer(line) : Mono.just(error(refusal)))
			.onErrorResume((ex) -> Mono.just(error(describe(ex))))
			.flatMap((text) -> write(outbound, text))
			.then(Mono.<Void>fromRunnable(() -> inbound.withConnection(Connection::dispose)))
			.doFinally((signal) -> {
				this.active.decrementAndGet();
				if (own) {
					this.clients.release(client[0]);
				}
			});
	}

	/** The first line the client sends, within the query timeout; empty if it closes without sending one. */
	private Mono<QueryLineReader.QueryLine> readQuery(NettyInbound inbound) {
		return Mono.defer(() -> {
			QueryLineReader reader = new QueryLineReader((int) this.properties.maxQueryLength().toBytes());
			return inbound.receive()
				.asByteArray()
				.concatMap((chunk) -> Mono.justOrEmpty(reader.feed(chunk)))
				.concatWith(Mono.defer(() -> Mono.justOrEmpty(reader.finish())))
				.next()
				.timeout(this.properties.queryTimeout());
		});
	}

	private Mono<String> answer(QueryLineReader.QueryLine line) {
		if (line.overlong()) {
			return Mono.just(error("the query is longer than " + this.properties.maxQueryLength().toBytes() + " bytes"));
		}
		return Mono.fromCallable(() -> Port43Query.parse(line.text())).flatMap(this::text);
	}

	/** The one place the front door asks for a lookup: every hop's text, as {@code /WHOIS/} answers it. */
	/** An address or AS number goes to the RIRs; anything else is a domain. */
	private Mono<String> text(Port43Query query) {
		String object = query.domain();
		if (Addresses.parseLiteral(object) != null) {
			return this.network.address(object, query.server()).map(NetworkLookup::text);
		}
		if (AS_NUMBER.matcher(object).matches()) {
			return this.network.asn(object, query.server()).map(NetworkLookup::text);
		}
		return this.whois
			.lookupRaw(new WhoisRequest(object, query.server(), this.whoisProperties.defaultPolicy(), false))
			.map(WhoisText::render);
	}

	private Mono<Void> write(NettyOutbound outbound, String text) {
		return outbound.sendString(Mono.just(text), StandardCharsets.UTF_8)
			.then()
			.timeout(this.properties.writeTimeout())
			.onErrorResume(TimeoutException.class, (ex) -> {
				logger.debug("a WHOIS client did not read its answer within {}; closing", this.properties.writeTimeout());
				return Mono.empty();
			});
	}

	/** The detail of an error, as a client may see it; unexpected ones are logged here, once. */
	private String describe(Throwable ex) {
		if (ex instanceof ProblemException || ex instanceof InvalidDomainException
				|| ex instanceof Port43Query.BadQuery) {
			return String.valueOf(ex.getMessage());
		}
		if (ex instanceof TimeoutException) {
			return "no query line received within " + this.properties.queryTimeout().toSeconds() + "s";
		}
		logger.error("WHOIS query on port {} failed unexpectedly", this.properties.port(), ex);
		return "internal error; the server logged it";
	}

	/** A WHOIS comment line: one line, no control characters that could forge more. */
	static String error(String detail) {
		return "% Error: " + detail.replaceAll("\\p{Cntrl}", " ").strip() + "\r\n";
	}
}
