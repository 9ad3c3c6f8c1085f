package dev.dragnet.probe;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLHandshakeException;

import dev.dragnet.probe.rdap.RdapClient;
import dev.dragnet.probe.whois.WhoisClient;
import dev.dragnet.probe.campaign.CampaignWorker;
import dev.dragnet.probe.campaign.HeldResults;
import dev.dragnet.probe.campaign.SourcePool;
import dev.dragnet.probe.reverseip.NameServers;
import dev.dragnet.probe.net.NativeErrors;
import dev.dragnet.protocol.BlockAck;
import dev.dragnet.protocol.BlockLease;
import dev.dragnet.protocol.CampaignNotice;
import dev.dragnet.protocol.CreditGrant;
import dev.dragnet.protocol.SourceList;
import dev.dragnet.protocol.ErrorFrame;
import dev.dragnet.protocol.FrameCodec;
import dev.dragnet.protocol.FrameCodec.BadFrameException;
import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Ping;
import dev.dragnet.protocol.Pong;
import dev.dragnet.protocol.ProbeFrame;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.RdapQuery;
import dev.dragnet.protocol.ServerFrame;
import dev.dragnet.protocol.Task;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.Welcome;
import dev.dragnet.protocol.WhoisQuery;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.publisher.Sinks.EmitResult;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.util.concurrent.Queues;

/**
 * One WebSocket session with the server, from connect to close: hello, welcome, credit, tasks, pings.
 *
 * <p>Credit accounting: {@code credits} is what the server may still send. The welcome grants all slots at
 * once; each task takes one, and a finished task gives it back just before its result goes out: in the result
 * itself when the welcome says the server takes it there ({@link Welcome#takesCreditInResult()}), else in a
 * {@link CreditGrant} right after the result (a server from before that field).
 * A task that arrives without credit is answered with a {@code protocol-violation} error and not run.
 *
 * <p>Every frame the probe sends goes through one bounded sink, written to under a lock so that a result and
 * its credit grant are never interleaved with another task's. The session never errors: how it ended is an
 * {@link End} value the agent acts on.
 */
final class ServerSession {

	private static final Logger log = LoggerFactory.getLogger(ServerSession.class);

	/** Pings and stray frames handled beside a full load of tasks, so a busy probe still answers pings. */
	private static final int SPARE_SLOTS = 16;

	/** Longest a task may run whatever its deadline says, so a slot always comes back. */
	private static final Duration MAX_TASK_DEADLINE = Duration.ofMinutes(10);

	/** The task kinds this probe runs, as announced in the hello. */
	static final List<String> CAPABILITIES = List.of(Protocol.CAPABILITY_WHOIS, Protocol.CAPABILITY_RDAP,
			Protocol.CAPABILITY_REVERSE_IP);

	/** The task kinds this probe runs ({@code reverse-ip} is block work, not a task kind). */
	private static final List<String> TASK_KINDS = List.of(Protocol.CAPABILITY_WHOIS, Protocol.CAPABILITY_RDAP);

	/** Campaign blocks run at once, and addresses of one block resolved at once. */
	private static final int BLOCK_SLOTS = 2;

	private static final int BLOCK_PARALLELISM = 4;

	/** How often an idle probe asks for campaign blocks on its own. */
	private static final Duration BLOCK_POLL = Duration.ofSeconds(15);

	/** The name of the handler that merges the flushes of frames written in one round of the event loop. */
	private static final String FLUSH_CONSOLIDATION = "dragnet.flushConsolidation";

	private final ProbeConfig config;

	private final URI server;

	private final FrameCodec codec;

	private final WhoisClient whois;

	private final RdapClient rdap;

	private final Listener listener;

	private final HttpClient http;

	private final Sinks.Many<String> outbound;

	private final int outboundCapacity;

	private final Sinks.Empty<Void> abort = Sinks.empty();

	private final AtomicInteger credits = new AtomicInteger();

	private volatile boolean handshaken;

	/** When the last frame from the server arrived (or the session started): the watchdog's clock. */
	private volatile long lastFrameNanos;

	private volatile @Nullable Watchdog watchdog;

	private volatile @Nullable Welcome welcome;

	private volatile @Nullable ProbeRefusedException refusal;

	private volatile @Nullable WebSocketCloseStatus closeStatus;

	private final CampaignWorker campaigns;

	/**
	 * @param server the server to connect to, one of the config's
	 * @param http the client for that server: with TLS for {@code wss://}
	 */
	ServerSession(ProbeConfig config, URI server, FrameCodec codec, WhoisClient whois, RdapClient rdap,
			SourcePool sources, HeldResults held, NameServers nameServers, HttpClient http, Listener listener) {
		this.campaigns = new CampaignWorker(sources, held, nameServers, config.sourceKeys(), this::send, BLOCK_SLOTS,
				BLOCK_PARALLELISM);
		this.config = config;
		this.server = server;
		this.codec = codec;
		this.whois = whois;
		this.rdap = rdap;
		this.http = http;
		this.listener = listener;
		// Each task sends a result and a credit grant; pongs and errors need a little more; held block results go
		// again all at once after the welcome.
		this.outboundCapacity = 2 * config.concurrency() + 2 * SPARE_SLOTS + HeldResults.MAX_RESULTS + BLOCK_SLOTS;
		this.outbound = Sinks.many().unicast().onBackpressureBuffer(Queues.<String>get(this.outboundCapacity).get());
	}

	/** Connects and serves until the connection ends; completes with how it ended, never errors. */
	Mono<End> run() {
		long started = System.nanoTime();
		Mono<Void> session = this.http.websocket(ProbeAgent.websocketSpec())
			.uri(this.server)
			.handle(this::handle)
			.then();
		return Mono.firstWithSignal(session, handshakeGuard(), this.abort.asMono())
			.then(Mono.fromCallable(() -> end(null, started)))
			.onErrorResume(error -> Mono.just(end(error, started)));
	}

	private Publisher<Void> handle(WebsocketInbound in, WebsocketOutbound out) {
		this.handshaken = true;
		// Results finish on the session's event loop one connection event at a time, and each went out with its
		// own flush (a write syscall, and a read at the server, per frame). The flushes of one round of the loop's
		// events now go as one, at the end of that round: no frame waits longer than that.
		in.withConnection(connection -> connection.addHandlerFirst(FLUSH_CONSOLIDATION,
				new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true)));
		send(new Hello(this.config.name(), this.config.token(), ProbeAgent.VERSION, Protocol.VERSION,
				CAPABILITIES, this.config.concurrency(), this.campaigns.heldLeases()));
		Mono<Void> closeStatus = in.receiveCloseStatus().doOnNext(status -> this.closeStatus = status).then();
		Mono<Void> inbound = inbound(in).doFinally(signal -> completeOutbound());
		Mono<Void> sent = out.sendString(this.outbound.asFlux(), StandardCharsets.UTF_8).then();
		// The poll runs as long as the inbound side does, and ends with it.
		Mono<Void> inboundAndPoll = Mono.firstWithSignal(inbound, this.campaigns.poll(BLOCK_POLL));
		return Mono.when(inboundAndPoll, sent, closeStatus);
	}

	/** Reads frames until the server closes, the watchdog fires, or the server refuses us. */
	private Mono<Void> inbound(WebsocketInbound in) {
		this.lastFrameNanos = System.nanoTime();
		Mono<Void> frames = in.aggregateFrames(Protocol.MAX_FRAME_BYTES)
			.receiveFrames()
			.map(this::decode)
			.flatMap(this::dispatch, this.config.concurrency() + SPARE_SLOTS)
			.then();
		return Mono.firstWithSignal(frames, watchdog());
	}

	/**
	 * Fails with a {@link SessionLostException} once the server has been silent for longer than it may be (see
	 * {@link #allowedSilence}). One timer per allowed silence, re-armed for what is left of it when it fires or when
	 * the welcome changes the limit, not a timer armed and cancelled for every frame as a {@code timeout} operator does.
	 */
	private Mono<Void> watchdog() {
		return Mono.create(sink -> {
			Watchdog watchdog = new Watchdog(sink);
			this.watchdog = watchdog;
			sink.onDispose(watchdog::stop);
			watchdog.run();
		});
	}

	/** The silence allowed now: 3 ping intervals once welcomed, else the welcome timeout. */
	private Duration allowedSilence() {
		Welcome current = this.welcome;
		return (current != null) ? silenceLimit(current) : this.config.welcomeTimeout();
	}

	private Inbound decode(WebSocketFrame frame) {
		this.lastFrameNanos = System.nanoTime();
		if (!(frame instanceof TextWebSocketFrame text)) {
			return new Inbound(null, "a " + frame.getClass().getSimpleName() + " where text frames are expected", "");
		}
		String json = text.text();
		try {
			return new Inbound(this.codec.decodeServerFrame(json), null, json);
		}
		catch (BadFrameException ex) {
			return new Inbound(null, ex.getMessage(), json);
		}
	}

	private static Duration silenceLimit(Welcome welcome) {
		long interval = welcome.pingIntervalMillis();
		return interval > 0 ? Duration.ofMillis(3 * interval) : Duration.ofMinutes(3);
	}

	private SessionLostException silence() {
		Welcome current = this.welcome;
		if (current == null) {
			return new SessionLostException("no welcome from the server within " + seconds(this.config.welcomeTimeout()));
		}
		return new SessionLostException("nothing from the server for " + seconds(silenceLimit(current))
				+ " (3 ping intervals)");
	}

	private Mono<Void> handshakeGuard() {
		Duration limit = this.config.connectTimeout().plus(this.config.welcomeTimeout());
		return Mono.delay(limit)
			.then(Mono.defer(() -> this.handshaken ? Mono.never()
					: Mono.error(new SessionLostException("no WebSocket handshake within " + seconds(limit)))));
	}

	private Mono<Void> dispatch(Inbound item) {
		ServerFrame frame = item.frame();
		if (frame == null) {
			unreadable(item);
			return Mono.empty();
		}
		if (frame instanceof Ping ping) {
			send(new Pong(ping.seq()));
			return Mono.empty();
		}
		if (frame instanceof Task task) {
			return runTask(task);
		}
		if (frame instanceof Welcome w) {
			welcomed(w);
			return Mono.empty();
		}
		if (frame instanceof BlockLease lease) {
			return this.campaigns.run(lease);
		}
		if (frame instanceof SourceList list) {
			this.campaigns.sources(list);
			return Mono.empty();
		}
		if (frame instanceof CampaignNotice notice) {
			this.campaigns.notice(notice);
			return Mono.empty();
		}
		if (frame instanceof BlockAck ack) {
			this.campaigns.ack(ack);
			return Mono.empty();
		}
		if (frame instanceof ErrorFrame error) {
			return serverError(error);
		}
		log.debug("ignoring a {} frame this probe does not know", frame.getClass().getSimpleName());
		return Mono.empty();
	}

	private void welcomed(Welcome w) {
		if (this.welcome != null) {
			log.warn("ignoring a second welcome from the server");
			return;
		}
		this.welcome = w;
		Watchdog silence = this.watchdog;
		if (silence != null) {
			silence.run(); // the welcome sets the silence allowed from now on: re-arm for it
		}
		this.listener.welcomed(w);
		this.credits.addAndGet(this.config.concurrency());
		send(new CreditGrant(this.config.concurrency()));
		this.campaigns.welcomed();
	}

	private Mono<Void> serverError(ErrorFrame error) {
		if (ErrorFrame.UNAUTHORIZED.equals(error.code())) {
			ProbeRefusedException refused = new ProbeRefusedException(-1, error.code() + ": " + error.message());
			this.refusal = refused;
			return Mono.error(refused);
		}
		log.warn("server reported {}{}: {}", error.code(), error.taskId() != null ? " for task " + error.taskId() : "",
				error.message());
		return Mono.empty();
	}

	private Mono<Void> runTask(Task task) {
		if (!takeCredit()) {
			log.warn("server sent task {} without credit; rejecting it", task.id());
			send(new ErrorFrame(ErrorFrame.PROTOCOL_VIOLATION,
					"task sent without credit: no free slot (concurrency " + this.config.concurrency() + ")",
					task.id()));
			return Mono.empty();
		}
		Mono<TaskResult> run;
		if (task.work() instanceof WhoisQuery whoisQuery) {
			run = this.whois.query(task.id(), whoisQuery, taskDeadline(task));
		}
		else if (task.work() instanceof RdapQuery rdapQuery) {
			run = this.rdap.query(task.id(), rdapQuery, taskDeadline(task));
		}
		else {
			answerUnrunnable(task.id(), ErrorFrame.UNSUPPORTED_TASK,
					"this probe cannot run " + task.work().getClass().getSimpleName() + " tasks");
			return Mono.empty();
		}
		return run.doOnNext(this::finished).then();
	}

	private static Duration taskDeadline(Task task) {
		long millis = Math.max(1, Math.min(task.deadlineMillis(), MAX_TASK_DEADLINE.toMillis()));
		return Duration.ofMillis(millis);
	}

	private void finished(TaskResult result) {
		Welcome current = this.welcome;
		// with a server that takes it in the result, the slot goes back there: one frame per task
		boolean inResult = current != null && current.takesCreditInResult();
		String resultText = encodeResult(inResult ? result.withCredits(1) : result);
		String creditText = inResult ? null : this.codec.encode(new CreditGrant(1));
		synchronized (this.outbound) {
			this.credits.incrementAndGet(); // before the slot is given back, so the next task finds it
			emit(resultText);
			if (creditText != null) {
				emit(creditText);
			}
		}
		this.listener.taskCompleted();
	}

	/**
	 * Encodes a result, shortening an answer whose frame would be over {@link Protocol#MAX_FRAME_BYTES} (JSON
	 * escapes can make a frame several times the size of the bytes received) and marking it truncated.
	 */
	private String encodeResult(TaskResult result) {
		String encoded = this.codec.encode(result);
		String text = result.text();
		while (text != null && !Protocol.fitsInFrame(encoded) && text.length() > 0) {
			text = text.substring(0, text.length() / 2);
			encoded = this.codec.encode(new TaskResult(result.taskId(), TaskResult.Outcome.TRUNCATED, text,
					result.bytes(), result.elapsedMillis(), "answer shortened to " + text.length()
							+ " characters to fit one frame", null, result.credits()));
		}
		return encoded;
	}

	/**
	 * A frame the codec rejected. Most are ignored, but a task of a kind this probe does not know still used a
	 * credit at the server, so it gets an error naming the task and the credit back.
	 */
	private void unreadable(Inbound item) {
		FrameCodec.TaskHeader task = this.codec.taskHeader(item.text());
		String taskId = (task != null) ? task.taskId() : null;
		if (taskId == null) {
			log.warn("ignoring a frame from the server that cannot be read: {}", item.problem());
			return;
		}
		if (!takeCredit()) {
			log.warn("server sent task {} without credit; rejecting it", taskId);
			send(new ErrorFrame(ErrorFrame.PROTOCOL_VIOLATION, "task sent without credit", taskId));
			return;
		}
		String kind = task.kind();
		if (!TASK_KINDS.contains(kind)) {
			log.warn("cannot run task {}: unknown kind '{}'", taskId, kind);
			answerUnrunnable(taskId, ErrorFrame.UNSUPPORTED_TASK, "this probe cannot run tasks of kind '" + kind + "'");
		}
		else {
			log.warn("cannot read task {}: {}", taskId, item.problem());
			answerUnrunnable(taskId, ErrorFrame.BAD_FRAME, "cannot read the task: " + item.problem());
		}
	}

	/** Answers a task that took a credit but cannot run: the error, then the credit back. */
	private void answerUnrunnable(String taskId, String code, String message) {
		String errorText = this.codec.encode((ProbeFrame) new ErrorFrame(code, message, taskId));
		String creditText = this.codec.encode(new CreditGrant(1));
		synchronized (this.outbound) {
			this.credits.incrementAndGet();
			emit(errorText);
			emit(creditText);
		}
	}

	private boolean takeCredit() {
		int available;
		do {
			available = this.credits.get();
			if (available <= 0) {
				return false;
			}
		}
		while (!this.credits.compareAndSet(available, available - 1));
		return true;
	}

	private void send(ProbeFrame frame) {
		String text = this.codec.encode(frame);
		synchronized (this.outbound) {
			emit(text);
		}
	}

	/** Queues one frame; the caller holds the sink's lock. A full queue means the server stopped reading. */
	private void emit(String text) {
		EmitResult result = this.outbound.tryEmitNext(text);
		if (result == EmitResult.FAIL_OVERFLOW) {
			this.abort.tryEmitError(new SessionLostException(
					"the server is not reading: " + this.outboundCapacity + " frames waiting to be sent"));
		}
	}

	private void completeOutbound() {
		synchronized (this.outbound) {
			this.outbound.tryEmitComplete();
		}
	}

	private End end(@Nullable Throwable error, long startedNanos) {
		long lasted = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
		WebSocketCloseStatus status = this.closeStatus;
		int code = status != null ? status.code() : -1;
		ProbeRefusedException refused = this.refusal;
		if (refused == null && (code == Protocol.CLOSE_UNAUTHORIZED || code == Protocol.CLOSE_UNSUPPORTED_VERSION
				|| code == Protocol.CLOSE_REVOKED)) {
			refused = new ProbeRefusedException(code, describe(status));
		}
		boolean closedByServer = status != null && code > 0 && code != WebSocketCloseStatus.ABNORMAL_CLOSURE.code();
		String reason = closedByServer ? describe(status)
				: error != null ? describe(error) : "the server closed the connection";
		Duration retryAfter = closedByServer ? Protocol.retryAfter(status.reasonText()) : null;
		return new End(this.welcome != null, Duration.ofMillis(lasted), code, reason, refused, retryAfter);
	}

	private static String describe(WebSocketCloseStatus status) {
		String text = (status.reasonText() != null) ? Protocol.withoutRetryAfter(status.reasonText()) : null;
		return "closed by the server with code " + status.code() + (text == null || text.isBlank() ? "" : " (" + text + ")");
	}

	private static String describe(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t instanceof SSLHandshakeException handshake) {
				return "the server's TLS certificate is not trusted (" + handshake.getMessage() + "); give the CA"
						+ " certificate that signed it with --ca-cert FILE, or add it to the Java trust store";
			}
		}
		return NativeErrors.describe(error);
	}

	static String slots(int count) {
		return count + (count == 1 ? " slot" : " slots");
	}

	private static String seconds(Duration duration) {
		return ProbeAgent.seconds(duration);
	}

	/** What the agent hears from a session as it goes. Called on Netty threads; must not block. */
	interface Listener {

		void welcomed(Welcome welcome);

		void taskCompleted();
	}

	/**
	 * How a session ended.
	 * @param welcomed whether the server welcomed the probe
	 * @param lasted how long the session lasted, connect included
	 * @param closeCode the WebSocket close code the server sent, or {@code -1}
	 * @param reason why it ended, in a person's words
	 * @param refusal set when the server refused the probe for good
	 * @param retryAfter how long the server asked the probe to wait before it connects again, or {@code null}
	 */
	record End(boolean welcomed, Duration lasted, int closeCode, String reason,
			@Nullable ProbeRefusedException refusal, @Nullable Duration retryAfter) {
	}

	/** The session's silence timer; see {@link #watchdog()}. */
	private final class Watchdog implements Runnable {

		private final MonoSink<Void> sink;

		private Disposable timer = Disposables.disposed();

		private boolean over;

		Watchdog(MonoSink<Void> sink) {
			this.sink = sink;
		}

		/** Checks the silence so far: fails the session when it is too long, else arms the timer for what is left. */
		@Override
		public void run() {
			synchronized (this) {
				if (this.over) {
					return;
				}
				this.timer.dispose();
				long left = allowedSilence().toNanos() - (System.nanoTime() - ServerSession.this.lastFrameNanos);
				if (left > 0) {
					this.timer = Schedulers.parallel().schedule(this, left, TimeUnit.NANOSECONDS);
					return;
				}
				this.over = true;
			}
			this.sink.error(silence());
		}

		synchronized void stop() {
			this.over = true;
			this.timer.dispose();
		}
	}

	/** A frame as received: decoded, or the reason it could not be, with its text. */
	private record Inbound(@Nullable ServerFrame frame, @Nullable String problem, String text) {
	}

	/** The session cannot go on: silence, no handshake, or a server that does not read. */
	static final class SessionLostException extends RuntimeException {

		SessionLostException(String message) {
			super(message, null, false, false);
		}
	}
}
