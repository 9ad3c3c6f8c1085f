package dev.dragnet.testbed.swarm;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.protocol.BlockAck;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.BlockResult;
import dev.dragnet.protocol.CampaignNotice;
import dev.dragnet.protocol.FrameCodec;
import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Ping;
import dev.dragnet.protocol.Pong;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.ServerFrame;
import dev.dragnet.protocol.WantBlocks;
import dev.dragnet.protocol.Welcome;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.util.concurrent.Queues;

/**
 * Simulated campaign probes: each one WebSocket session to the server's {@code /ws/probe} that says hello with the
 * {@code reverse-ip} capability and works campaign blocks the way the probe agent's {@code CampaignWorker} does
 * (want-blocks on its welcome, on a {@code campaign STARTED} notice, after each block and every
 * {@code askEvery}; a block answered by one {@code block-result}, kept until a {@code block-ack} settles it and sent
 * again after a deferral), except that it answers each block at once from {@code answers} without asking any site.
 * A spot check is a one-address block and is answered the same way. A session the server closes comes back after a
 * second, naming the results it holds in its hello and sending them again once welcomed, as the agent does.
 * Thousands fit in one JVM.
 */
public final class CampaignSwarm implements AutoCloseable {

	/** Largest frame read from the server: leases, acks and notices are small, a sources list is not. */
	private static final int MAX_FRAME = 1024 * 1024;

	private final FrameCodec codec = new FrameCodec();

	private final HttpClient.WebsocketSender client;

	private final String token;

	private final int slots;

	private final LongFunction<List<String>> answers;

	private final List<Session> sessions = new ArrayList<>();

	private final Tally tally = new Tally();

	private final Disposable asking;

	private CampaignSwarm(URI server, String token, String prefix, int count, int slots, Duration askEvery,
			LongFunction<List<String>> answers) {
		// One connection per probe, never pooled: a pool would cap the sessions at its size.
		this.client = HttpClient.newConnection()
			.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(MAX_FRAME).build())
			.uri(server.resolve(Protocol.PATH));
		this.token = token;
		this.slots = slots;
		this.answers = answers;
		for (int i = 0; i < count; i++) {
			this.sessions.add(new Session(String.format("%s-%05d", prefix, i)));
		}
		// One timer for the whole swarm, each probe's periodic ask spread over the period.
		this.asking = Flux.interval(askEvery.dividedBy(Math.max(1, count)).plusNanos(1), Schedulers.parallel())
			.onBackpressureDrop()
			.subscribe((tick) -> this.sessions.get((int) (tick % count)).periodicAsk(),
					(ex) -> System.err.println("the swarm's periodic asks stopped: " + ex));
	}

	/**
	 * Connects {@code count} probes of {@code slots} block slots each to the server at {@code server}
	 * ({@code ws://host:port}), at most {@code parallel} hellos in flight at once, and waits until each is welcomed
	 * or {@code within} passed. {@code answers} gives the names of an address (by number), empty for "none".
	 */
	public static CampaignSwarm connect(URI server, String token, String prefix, int count, int slots,
			Duration askEvery, LongFunction<List<String>> answers, int parallel, Duration within) {
		CampaignSwarm swarm = new CampaignSwarm(server, token, prefix, count, slots, askEvery, answers);
		Flux.range(0, count).flatMap((i) -> swarm.sessions.get(i).open(), parallel).then().block(within);
		return swarm;
	}

	/** What the probes sent and heard so far. */
	public Tally tally() {
		return this.tally;
	}

	@Override
	public void close() {
		this.asking.dispose();
		this.sessions.forEach(Session::close);
	}

	/** Counts over the whole swarm. */
	public static final class Tally {

		private final LongAdder leases = new LongAdder();

		private final LongAdder results = new LongAdder();

		private final LongAdder accepted = new LongAdder();

		private final LongAdder acceptedAddresses = new LongAdder();

		private final LongAdder acceptedNames = new LongAdder();

		private final LongAdder acceptedEmpty = new LongAdder();

		private final LongAdder refused = new LongAdder();

		private final LongAdder deferred = new LongAdder();

		private final AtomicInteger closedByServer = new AtomicInteger();

		private final Map<String, Long> refusals = new ConcurrentHashMap<>();

		/** Block leases (and spot checks) received. */
		public long leases() {
			return this.leases.sum();
		}

		/** Results sent, counting each resend. */
		public long results() {
			return this.results.sum();
		}

		/** Results the server acknowledged as stored. */
		public long accepted() {
			return this.accepted.sum();
		}

		/** Addresses of the accepted results. */
		public long acceptedAddresses() {
			return this.acceptedAddresses.sum();
		}

		/** (address, name) pairs of the accepted results. */
		public long acceptedNames() {
			return this.acceptedNames.sum();
		}

		/** Addresses of the accepted results answered "none". */
		public long acceptedEmpty() {
			return this.acceptedEmpty.sum();
		}

		/** Results refused for good. */
		public long refused() {
			return this.refused.sum();
		}

		/** Deferrals (the server's database was away or too busy); each result was sent again. */
		public long deferred() {
			return this.deferred.sum();
		}

		/** Sessions that the server closed (each came back a second later). */
		public int closedByServer() {
			return this.closedByServer.get();
		}

		/** The reasons of refusals, with their counts. */
		public Map<String, Long> refusals() {
			return Map.copyOf(this.refusals);
		}
	}

	/** One probe. */
	private final class Session {

		private final String name;

		/** Results sent and not yet settled by an ack, by lease id, with their counts. */
		private final Map<String, Pending> pending = new ConcurrentHashMap<>();

		/** Blocks asked for and not yet arrived; forgotten on each occasion to ask, as the agent does. */
		private final AtomicInteger asked = new AtomicInteger();

		private final Sinks.Empty<Void> welcome = Sinks.empty();

		private volatile Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();

		private volatile Disposable connection;

		private volatile boolean welcomed;

		private volatile boolean closing;

		Session(String name) {
			this.name = name;
		}

		Mono<Void> open() {
			this.connection = CampaignSwarm.this.client.handle((in, out) -> {
				// A few results, one ask and pongs at most ever wait: the bound is generous.
				Sinks.Many<String> frames = Sinks.many().unicast().onBackpressureBuffer(Queues.<String>get(256).get());
				this.outbound = frames;
				send(new Hello(this.name, CampaignSwarm.this.token, "campaign-swarm", Protocol.VERSION,
						List.of(Protocol.CAPABILITY_REVERSE_IP), 1, List.copyOf(this.pending.keySet())));
				Mono<Void> reading = in.aggregateFrames(MAX_FRAME)
					.receive()
					.asString()
					.doOnNext(this::receive)
					.then();
				return Mono.when(reading, out.sendString(frames.asFlux()).then());
			}).doFinally((signal) -> ended()).subscribe(null, (ex) -> {
				// the session ended: counted in ended()
			});
			return this.welcome.asMono();
		}

		private void receive(String text) {
			ServerFrame frame;
			try {
				frame = CampaignSwarm.this.codec.decodeServerFrame(text);
			}
			catch (RuntimeException ex) {
				return; // a frame this swarm has no use for
			}
			if (frame instanceof Ping ping) {
				send(new Pong(ping.seq()));
			}
			else if (frame instanceof BlockLease lease) {
				work(lease);
			}
			else if (frame instanceof BlockAck ack) {
				settle(ack);
			}
			else if (frame instanceof CampaignNotice notice && CampaignNotice.STARTED.equals(notice.state())) {
				this.asked.set(0);
				// As the agent: deferred results go again at once; the others still wait for their acks.
				this.pending.values().forEach(this::resendDeferred);
				ask();
			}
			else if (frame instanceof Welcome && !this.welcomed) {
				this.welcomed = true;
				this.asked.set(0);
				this.pending.values().forEach((result) -> {
					result.deferred.set(false);
					resend(result.frame);
				});
				this.welcome.tryEmitEmpty();
				ask();
			}
		}

		/** Answers the block at once, then asks for the slot it frees, as the agent does after each block. */
		private void work(BlockLease lease) {
			CampaignSwarm.this.tally.leases.increment();
			this.asked.updateAndGet((n) -> Math.max(0, n - 1));
			long first = Ipv4Range.address(lease.first(), "first");
			long last = Ipv4Range.address(lease.last(), "last");
			List<BlockResult.IpFinding> found = new ArrayList<>();
			List<String> empty = new ArrayList<>();
			long names = 0;
			for (long address = first; address <= last; address++) {
				List<String> domains = CampaignSwarm.this.answers.apply(address);
				if (domains.isEmpty()) {
					empty.add(Ipv4Range.format(address));
				}
				else {
					found.add(new BlockResult.IpFinding(Ipv4Range.format(address), domains.stream()
						.map((domain) -> new BlockResult.DomainFinding(domain, lease.sources(), null))
						.toList()));
					names += domains.size();
				}
			}
			String frame = CampaignSwarm.this.codec.encode(new BlockResult(lease.leaseId(), found, empty));
			this.pending.put(lease.leaseId(), new Pending(frame, last - first + 1, names, empty.size(),
					new AtomicBoolean()));
			resend(frame);
			ask();
		}

		private void settle(BlockAck ack) {
			Pending result = this.pending.get(ack.leaseId());
			if (result == null) {
				return; // an answer to progress, or a second copy
			}
			if (ack.deferral()) {
				CampaignSwarm.this.tally.deferred.increment();
				result.deferred.set(true);
				Mono.delay(Duration.ofMillis(ack.retryAfterMillis()))
					.subscribe((tick) -> resendDeferred(result), (ex) -> {
					});
				return;
			}
			this.pending.remove(ack.leaseId());
			if (ack.accepted()) {
				Tally tally = CampaignSwarm.this.tally;
				tally.accepted.increment();
				tally.acceptedAddresses.add(result.addresses);
				tally.acceptedNames.add(result.names);
				tally.acceptedEmpty.add(result.empty);
			}
			else {
				CampaignSwarm.this.tally.refused.increment();
				CampaignSwarm.this.tally.refusals.merge(String.valueOf(ack.reason()), 1L, Long::sum);
			}
		}

		void periodicAsk() {
			if (this.welcomed) {
				this.asked.set(0);
				ask();
			}
		}

		private void ask() {
			int free = CampaignSwarm.this.slots - this.asked.get();
			if (free > 0 && this.welcomed) {
				this.asked.addAndGet(free);
				send(new WantBlocks(free));
			}
		}

		private void resendDeferred(Pending result) {
			if (result.deferred.compareAndSet(true, false)) {
				resend(result.frame);
			}
		}

		private void resend(String frame) {
			CampaignSwarm.this.tally.results.increment();
			this.outbound.tryEmitNext(frame);
		}

		private void send(dev.dragnet.protocol.ProbeFrame frame) {
			this.outbound.tryEmitNext(CampaignSwarm.this.codec.encode(frame));
		}

		private void ended() {
			boolean wasWelcomed = this.welcomed;
			this.welcomed = false;
			if (this.closing) {
				return;
			}
			CampaignSwarm.this.tally.closedByServer.incrementAndGet();
			if (!wasWelcomed && this.welcome.tryEmitError(new IllegalStateException("probe " + this.name
					+ "'s session ended before its welcome")).isSuccess()) {
				return; // its first connection failed: connect() reports it
			}
			Mono.delay(Duration.ofSeconds(1)).subscribe((tick) -> {
				if (!this.closing) {
					open();
				}
			}, (ex) -> {
			});
		}

		void close() {
			this.closing = true;
			Disposable current = this.connection;
			if (current != null) {
				current.dispose();
			}
		}
	}

	/** A result sent and not yet settled; {@code deferred} while it waits to go again after a deferral. */
	private record Pending(String frame, long addresses, long names, long empty, AtomicBoolean deferred) {
	}
}
