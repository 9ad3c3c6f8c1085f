package dev.dragnet.server.whois.bulk;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.dragnet.net.InvalidDomainException;
import dev.dragnet.server.web.ProblemException;
import dev.dragnet.server.whois.WhoisLookup;
import dev.dragnet.server.whois.WhoisProperties;
import dev.dragnet.server.whois.WhoisRequest;
import dev.dragnet.server.whois.WhoisService;
import dev.dragnet.server.schedule.Lane;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers a bulk request: splits the body into lines as it arrives, reads each line's lookup, runs at most
 * {@code dragnet.whois.bulk.concurrency} lookups at once (most of them waiting their turn in the scheduler's
 * bulk lane of their server, which costs little, so lines to other servers keep flowing past a slow one), and emits one {@link BulkAnswer} per line that asks
 * something, in the order the lookups complete.
 *
 * <p>Nothing is buffered beyond one body buffer and one answer per running lookup: the body is read one buffer
 * at a time when the lines before it are taken, and lines are taken only as lookups finish and their answers
 * are requested downstream. So a slow reader of the answers slows the reading of the body, and a body of any
 * length runs in bounded memory.
 */
@Service
class BulkService {

	private static final Logger logger = LoggerFactory.getLogger(BulkService.class);

	private final WhoisService whois;

	private final WhoisProperties whoisProperties;

	private final BulkProperties properties;

	private final BulkLineParser parser;

	/** Lines read from bulk bodies that ask something, and those answered, since start. */
	private final LongAdder linesRead = new LongAdder();

	private final LongAdder linesAnswered = new LongAdder();

	private final AtomicInteger requests = new AtomicInteger();

	BulkService(WhoisService whois, WhoisProperties whoisProperties, BulkProperties properties, JsonMapper json,
			ObjectProvider<MeterRegistry> meters) {
		this.whois = whois;
		this.whoisProperties = whoisProperties;
		this.properties = properties;
		this.parser = new BulkLineParser(json, properties.maxLineLength().toBytes());
		MeterRegistry registry = meters.getIfAvailable();
		if (registry != null) {
			FunctionCounter.builder("dragnet.whois.bulk.lines", this.linesRead, LongAdder::sum)
				.tag("stage", "read")
				.description("Lines read from bulk request bodies that ask something")
				.register(registry);
			FunctionCounter.builder("dragnet.whois.bulk.lines", this.linesAnswered, LongAdder::sum)
				.tag("stage", "answered")
				.description("Bulk lines answered (a result or the line's error); read minus answered are under way")
				.register(registry);
			Gauge.builder("dragnet.whois.bulk.requests", this.requests, AtomicInteger::get)
				.description("Bulk requests being answered now")
				.register(registry);
		}
	}

	/**
	 * The answers to {@code body}, one per line that asks something.
	 *
	 * @param requestId names the request in the log, should a lookup fail unexpectedly
	 * @param client who asks: all of one client's bulk requests share one lane, one turn in the round robin
	 */
	Flux<BulkAnswer> answer(Flux<DataBuffer> body, BulkFormat format, String requestId, String client) {
		Flux<ParsedLine> parsed = lines(body)
			.handle((line, sink) -> this.parser.parse(line, format).ifPresent(sink::next));
		// A flatMap this wide costs a scan of every lookup under way each time one ends: WideMerge does not.
		return WideMerge.merge(parsed.doOnNext((line) -> this.linesRead.increment()), (line) -> answer(line, requestId),
				this.properties.concurrency())
			.doOnNext((answer) -> this.linesAnswered.increment())
			.doOnSubscribe((subscription) -> this.requests.incrementAndGet())
			.doFinally((signal) -> this.requests.decrementAndGet())
			// Every line waits in the bulk lanes of the scheduler: behind interactive lookups, round robin
			// with other clients' bulk requests, and never failed for waiting.
			.contextWrite(Lane.bulk("client " + client));
	}

	/** The body's lines as its buffers arrive; one buffer is asked for only when the lines before are taken. */
	private Flux<RawLine> lines(Flux<DataBuffer> body) {
		return Flux.defer(() -> {
			LineSplitter splitter = new LineSplitter((int) this.properties.maxLineLength().toBytes());
			return body.concatMapIterable(splitter::feed, 1)
				.concatWith(Mono.defer(() -> Mono.justOrEmpty(splitter.finish())))
				.doOnDiscard(DataBuffer.class, DataBufferUtils::release);
		});
	}

	private Mono<BulkAnswer> answer(ParsedLine line, String requestId) {
		BulkQuery query = line.query();
		ProblemException refused = line.error();
		if (query == null || refused != null) {
			return Mono.just(BulkAnswer.of(line, BulkError.of((refused != null) ? refused
					: new BulkProblems.BadLine("the line asks for no lookup"))));
		}
		return lookup(query).map((result) -> BulkAnswer.of(line, result))
			.onErrorResume((ex) -> Mono.just(BulkAnswer.of(line, error(line, requestId, ex))));
	}

	/** The one place bulk asks for a lookup; a line without a policy gets {@code dragnet.whois.default-policy}. */
	private Mono<WhoisLookup> lookup(BulkQuery query) {
		return Mono.defer(() -> this.whois.lookup(new WhoisRequest(query.domain(), query.server(),
				(query.policy() != null) ? query.policy() : this.whoisProperties.defaultPolicy(), query.fresh())));
	}

	/** The error a client sees for the line; unexpected failures are logged here, once. */
	private static BulkError error(ParsedLine line, String requestId, Throwable ex) {
		if (ex instanceof ProblemException problem) {
			return BulkError.of(problem);
		}
		if (ex instanceof InvalidDomainException invalid) {
			return BulkError.of(invalid);
		}
		logger.error("bulk lookup of line {} failed unexpectedly (request {})", line.number(), requestId, ex);
		return BulkError.internal("the lookup failed unexpectedly; the error is logged under request id " + requestId
				+ ", line " + line.number());
	}
}
