package dev.dragnet.server.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

import dev.dragnet.protocol.CreditGrant;
import dev.dragnet.protocol.ErrorFrame;
import dev.dragnet.protocol.FrameCodec;
import dev.dragnet.protocol.FrameCodec.BadFrameException;
import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Pong;
import dev.dragnet.protocol.ProbeFrame;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.ServerFrame;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.Welcome;
import dev.dragnet.server.dispatch.Attempt;
import dev.dragnet.server.web.Printable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;

/**
 * The {@value Protocol#PATH} endpoint: one session per probe. The first frame must be a valid hello with an
 * accepted token; then the probe grants credits, receives tasks, returns results and answers pings until the
 * connection closes or it misses too many pings. Either way it becomes INEFFECTIVE at once and whatever it
 * was doing fails over to other probes.
 */
@Component
class ProbeWebSocketHandler implements WebSocketHandler {

	private static final Logger logger = LoggerFactory.getLogger(ProbeWebSocketHandler.class);

	/**
	 * Frames read ahead of the one being handled, so that pongs behind it are taken. Few: each may be up to the frame
	 * limit (1 MiB), and a probe has few frames in flight (results of its slots, progress, want-blocks, pongs).
	 */
	static final int FRAMES_AHEAD = 8;

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	/**
	 * What a probe may call its version and capabilities: they are stored and shown, and PostgreSQL's text cannot
	 * hold every character (a NUL fails the statement).
	 */
	private static final Pattern VERSION = Pattern.compile("[\\x21-\\x7e]{1,64}");

	private static final Pattern CAPABILITY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");

	private static final int MAX_CAPABILITIES = 16;

	private final FrameCodec codec = new FrameCodec();

	private final ProbeRegistry registry;

	private final ProbeRepository repository;

	private final ProbeProperties properties;

	private final Clock clock;

	private final String serverVersion;

	private final ObjectProvider<CampaignFrames> campaigns;

	private final ProbeEvents events;

	private final ProbeCredentials credentials;

	private final ProbeTrust trust;

	private final ProbeShutdown shutdown;

	ProbeWebSocketHandler(ProbeRegistry registry, ProbeRepository repository, ProbeProperties properties,
			ObjectProvider<Clock> clock, ObjectProvider<BuildProperties> build, ObjectProvider<CampaignFrames> campaigns,
			ProbeEvents events, ProbeCredentials credentials, ProbeTrust trust, ProbeShutdown shutdown) {
		this.shutdown = shutdown;
		this.credentials = credentials;
		this.trust = trust;
		this.campaigns = campaigns;
		this.events = events;
		this.registry = registry;
		this.repository = repository;
		this.properties = properties;
		this.clock = clock.getIfAvailable(Clock::systemUTC);
		BuildProperties info = build.getIfAvailable();
		this.serverVersion = (info != null) ? info.getVersion() : "dev";
	}

	@Override
	public Mono<Void> handle(WebSocketSession ws) {
		String remote = remoteAddress(ws);
		AtomicReference<@Nullable FrameTooLargeException> oversized = new AtomicReference<>();
		Flux<String> texts = ws.receive()
			.<String>handle((message, sink) -> {
				int size = message.getPayload().readableByteCount();
				if (size > Protocol.MAX_FRAME_BYTES) {
					// The close frame goes out before the inbound ends, which would otherwise close without a status.
					// The close ends the inbound, often at once: an error signalled here came after that end and was
					// dropped (Reactor logged it as an operator error), so it follows the frames' end instead.
					FrameTooLargeException tooLarge = new FrameTooLargeException(size);
					oversized.set(tooLarge);
					ws.close(tooLarge.closeStatus()).subscribe(null, (ex) -> { });
					sink.complete();
				}
				else {
					sink.next(message.getPayloadAsText());
				}
			})
			.concatWith(Mono.defer(() -> {
				FrameTooLargeException tooLarge = oversized.get();
				return (tooLarge != null) ? Mono.error(tooLarge) : Mono.empty();
			}))
			.timeout(Mono.delay(this.properties.helloTimeout()), (text) -> Mono.never());
		return texts.switchOnFirst((first, frames) -> {
			String text = first.get();
			if (text == null) {
				return frames.then();
			}
			Hello hello = accept(text, remote, ws);
			if (hello == null) {
				return frames.then();
			}
			// then(), not flatMap: flatMap keeps its source's subscribers, and with them the finished credential
			// query and its result, for as long as the session lasts; then() lets them go once the decision is made.
			AtomicReference<@Nullable Admission> decided = new AtomicReference<>();
			return admit(hello, remote).doOnNext(decided::set).then(Mono.defer(() -> {
				Admission admission = decided.getAndSet(null);
				if (admission == null) {
					return Mono.empty();
				}
				if (admission.refusal() != null) {
					refuseHello(ws, remote, admission.closeCode(), admission.refusal(), admission.retryAfter());
					return frames.then();
				}
				ProbeSession session = new ProbeSession(hello, remote, this.clock);
				session.quarantine(admission.quarantine());
				return serve(ws, session, frames.skip(1));
			}));
		}).onErrorResume(TimeoutException.class, (ex) -> refuse(ws, remote, Protocol.CLOSE_PROTOCOL_VIOLATION,
				"no hello within " + this.properties.helloTimeout().toSeconds() + "s"))
			.onErrorResume(FrameTooLargeException.class, (ex) -> Mono.empty())
			.then();
	}

	/** Checks the hello's form; on refusal closes the connection with a reason the probe can log, and returns null. */
	private @Nullable Hello accept(String text, String remote, WebSocketSession ws) {
		ProbeFrame frame;
		try {
			frame = this.codec.decodeProbeFrame(text);
		}
		catch (BadFrameException ex) {
			refuse(ws, remote, Protocol.CLOSE_PROTOCOL_VIOLATION, "first frame is not a valid hello: " + ex.getMessage())
				.subscribe(null, (err) -> logger.debug("closing {} failed", remote, err));
			return null;
		}
		String problem = null;
		int code = Protocol.CLOSE_PROTOCOL_VIOLATION;
		if (!(frame instanceof Hello hello)) {
			problem = "first frame must be a hello";
		}
		else if (hello.token() == null || hello.token().isEmpty()) {
			code = Protocol.CLOSE_UNAUTHORIZED;
			problem = "the hello carries no token or credential";
		}
		else if (hello.protocol() != Protocol.VERSION) {
			code = Protocol.CLOSE_UNSUPPORTED_VERSION;
			problem = "unsupported protocol version " + hello.protocol() + "; this server speaks " + Protocol.VERSION;
		}
		else if (hello.name() == null || !NAME.matcher(hello.name()).matches()) {
			problem = "probe name must be 1-64 letters, digits, '.', '_' or '-'";
		}
		else if (hello.version() != null && !VERSION.matcher(hello.version()).matches()) {
			problem = "probe version must be 1-64 printable ASCII characters without spaces";
		}
		else if (hello.capabilities() == null || hello.capabilities().size() > MAX_CAPABILITIES
				|| !hello.capabilities().stream().allMatch((c) -> c != null && CAPABILITY.matcher(c).matches())) {
			problem = "capabilities must be at most " + MAX_CAPABILITIES + " names of 1-32 lower-case letters, digits, "
					+ "'.', '_' or '-'";
		}
		else if (hello.maxConcurrency() < 1 || hello.maxConcurrency() > Protocol.MAX_CONCURRENCY) {
			problem = "maxConcurrency must be between 1 and " + Protocol.MAX_CONCURRENCY;
		}
		else if (!ProbeVersions.atLeast(hello.version(), this.properties.minVersion())) {
			code = Protocol.CLOSE_UNSUPPORTED_VERSION;
			problem = "probe version " + hello.version() + " is older than the oldest this server accepts, "
					+ this.properties.minVersion() + "; update the probe";
		}
		else {
			return hello;
		}
		refuseHello(ws, remote, code, problem, null);
		return null;
	}

	/**
	 * Checks who the probe is: a shared token or its own credential (bound to its name), not revoked, and not one
	 * too many from its address. Never errors: a database failure refuses the probe for now, and it retries.
	 */
	private Mono<Admission> admit(Hello hello, String remote) {
		if (this.shutdown.stopping()) {
			return Mono.just(new Admission(Protocol.CLOSE_GOING_AWAY, ProbeShutdown.SHUTTING_DOWN,
					this.shutdown.shutdownWait(), null));
		}
		Mono<String> identity = tokenAccepted(hello.token()) ? Mono.just("")
				: this.credentials.owner(hello.token())
					.map((owner) -> owner.revoked() ? "probe " + owner.name() + " was revoked by an admin"
							: owner.name().equals(hello.name()) ? ""
									: "this credential belongs to probe " + owner.name() + ", not " + hello.name())
					.defaultIfEmpty("the server does not accept this probe token or credential");
		return identity.flatMap((problem) -> problem.isEmpty() ? trusted(hello, remote)
				: Mono.just(Admission.refused(Protocol.CLOSE_UNAUTHORIZED, problem)))
			.onErrorResume((ex) -> {
				logger.error("could not check the credential of probe {}: {}", hello.name(), ex.toString());
				return Mono.just(new Admission(Protocol.CLOSE_GOING_AWAY, "the server cannot check credentials now",
						this.shutdown.loadWait(), null));
			});
	}

	private Mono<Admission> trusted(Hello hello, String remote) {
		return this.credentials.trustState(hello.name()).map((state) -> {
			if (state.revoked()) {
				return Admission.refused(Protocol.CLOSE_REVOKED, "probe " + hello.name() + " was revoked by an admin");
			}
			int limit = this.properties.maxPerAddress();
			if (limit > 0 && this.registry.connectedFrom(remote, hello.name()) >= limit) {
				return new Admission(Protocol.CLOSE_ADDRESS_LIMIT, limit + " probe" + ((limit == 1) ? " is" : "s are")
						+ " already connected from " + remote + " (dragnet.probes.max-per-address)", this.shutdown.loadWait(),
						null);
			}
			return new Admission(0, null, null, state.quarantineReason());
		});
	}

	/**
	 * Sends the probe an error frame saying why, then closes its connection with {@code code}, advising the probe to
	 * wait {@code retryAfter} first when it is set.
	 */
	private void refuseHello(WebSocketSession ws, String remote, int code, String problem,
			@Nullable Duration retryAfter) {
		boolean unauthorized = code == Protocol.CLOSE_UNAUTHORIZED || code == Protocol.CLOSE_REVOKED;
		ErrorFrame error = new ErrorFrame(unauthorized ? ErrorFrame.UNAUTHORIZED : ErrorFrame.PROTOCOL_VIOLATION,
				problem, null);
		ws.send(Mono.just(ws.textMessage(this.codec.encode((ServerFrame) error))))
			.onErrorResume((ex) -> Mono.empty())
			.then(refuse(ws, remote, code, (code == Protocol.CLOSE_UNAUTHORIZED) ? "unauthorized: " + problem
					: (retryAfter != null) ? Protocol.closeReason(problem, retryAfter) : problem))
			.subscribe(null, (err) -> logger.debug("closing {} failed", remote, err));
	}

	private Mono<Void> refuse(WebSocketSession ws, String remote, int code, String reason) {
		logger.warn("refused probe connection from {}: {}", remote, reason);
		return ws.close(new CloseStatus(code, truncate(reason)));
	}

	private Mono<Void> serve(WebSocketSession ws, ProbeSession session, Flux<String> frames) {
		// Pings, the missed-pings close and saving the state are the sweep's (ProbeSweep); a kick closes the connection,
		// whose input then ends. A plain subscriber, not a Mono raced against the input: that race held about ten
		// operators per session for the session's whole life. Disposed when the session ends.
		Disposable kickWatch = session.kicked()
			.subscribe((status) -> ws.close(status).subscribe(null, (ex) -> logger.debug("closing {} failed", session, ex)),
					(ex) -> logger.debug("the kick of {} failed", session, ex));
		Mono<Void> output = ws.send(session.outbound().map((frame) -> ws.textMessage(this.codec.encode(frame))));
		// Frames are decoded, and pongs answered, as they arrive: a pong must not wait behind a campaign result
		// whose store waits for its group (with 1,000 probes that wait passed two ping intervals, and the sweep closed
		// live sessions). What needs the database stays in order, at most FRAMES_AHEAD frames read ahead.
		Mono<Void> input = handled(frames, (text) -> decode(session, text), session::seen, session::pong,
				(frame) -> onFrame(session, frame))
			.onErrorResume((ex) -> {
				// The reason the INEFFECTIVE line gives: one line for the event, not two.
				session.close(closeReason(ex));
				return Mono.empty();
			})
			.doFinally((signal) -> finish(session, "connection closed"))
			.then(Mono.defer(() -> this.repository.disconnected(session, reasonOf(session), this.clock.instant())))
			.then(Mono.defer(() -> campaignsEnded(session)))
			.onErrorResume((ex) -> logged("could not save the disconnection of " + session.name(), ex))
			.doFinally((signal) -> {
				kickWatch.dispose();
				session.markEnded();
			});
		return this.repository.connected(session)
			.then(Mono.fromRunnable(() -> start(session)))
			.then(Mono.defer(() -> campaignsStarted(session)))
			.then(Mono.when(output.onErrorResume((ex) -> Mono.empty()), input));
	}

	private void start(ProbeSession session) {
		this.registry.register(session)
			.ifPresent((old) -> old.kick(new CloseStatus(Protocol.CLOSE_REPLACED,
					truncate("replaced by a new session from " + session.remoteAddress()))));
		session.emit(new Welcome(session.name(), this.serverVersion, Protocol.VERSION,
				this.properties.pingInterval().toMillis(), true));
		ProbeStateChange change = this.events.connected(session);
		logger.info("probe {} {} from {} ({} slots, version {})", session.name(),
				(change.kind() == ProbeStateChange.Kind.RECOVERED) ? "is back, connected" : "connected",
				session.remoteAddress(), session.maxConcurrency(), session.version());
	}

	/**
	 * A session's incoming frames, handled: each is decoded and counts as a sign of life as it arrives, a pong is taken
	 * at once, and every other frame is handled by {@code handler} in order, one after the other, with at most
	 * {@value #FRAMES_AHEAD} read ahead. So a pong never waits behind a frame whose handling waits for the database
	 * (concatMap's default reads nothing ahead: the pong would wait).
	 */
	static Mono<Void> handled(Flux<String> frames, Function<String, @Nullable ProbeFrame> decode, Runnable seen,
			LongConsumer pong, Function<ProbeFrame, Mono<Void>> handler) {
		return frames.<ProbeFrame>handle((text, sink) -> {
			ProbeFrame frame = decode.apply(text);
			if (frame != null) {
				seen.run();
				if (frame instanceof Pong answer) {
					pong.accept(answer.seq());
				}
				else {
					sink.next(frame);
				}
			}
		}).concatMap(handler, FRAMES_AHEAD).then();
	}

	/** The frame {@code text} holds, or {@code null} when it is bad: the probe is told so and its session goes on. */
	private @Nullable ProbeFrame decode(ProbeSession session, String text) {
		try {
			return this.codec.decodeProbeFrame(text);
		}
		catch (BadFrameException ex) {
			logger.warn("probe {} sent a bad frame: {}", session.name(), ex.getMessage());
			session.emit(new ErrorFrame(ErrorFrame.BAD_FRAME, ex.getMessage(), null));
			return null;
		}
	}

	private Mono<Void> onFrame(ProbeSession session, ProbeFrame frame) {
		if (frame instanceof CreditGrant grant) {
			onCredit(session, grant.credits());
		}
		else if (frame instanceof TaskResult result) {
			if (!session.complete(result)) {
				logger.debug("probe {} answered task {} after its dispatcher stopped waiting", session.name(),
						result.taskId());
			}
			if (result.credits() != null) {
				// the slot comes back in the result (the welcome's creditInResult), as a grant would give it
				onCredit(session, result.credits());
			}
			return this.trust.observe(session, result)
				.onErrorResume((ex) -> logged("could not save the quarantine of probe " + session.name(), ex));
		}
		else if (frame instanceof ErrorFrame error) {
			onError(session, error);
		}
		else if (frame instanceof Hello) {
			session.emit(new ErrorFrame(ErrorFrame.PROTOCOL_VIOLATION, "hello is only allowed as the first frame", null));
		}
		else {
			return campaignFrame(session, frame);
		}
		return Mono.empty();
	}

	/** Block requests, progress and results go to the campaign feature; a failure is logged, not fatal. */
	private Mono<Void> campaignFrame(ProbeSession session, ProbeFrame frame) {
		CampaignFrames handler = this.campaigns.getIfAvailable();
		if (handler == null) {
			session.emit(new ErrorFrame(ErrorFrame.UNSUPPORTED_TASK, "this server runs no campaigns", null));
			return Mono.empty();
		}
		return handler.handle(session, frame)
			.onErrorResume((ex) -> logged("could not handle a campaign frame of probe " + session.name(), ex));
	}

	private Mono<Void> campaignsStarted(ProbeSession session) {
		CampaignFrames handler = this.campaigns.getIfAvailable();
		return (handler == null) ? Mono.empty() : handler.sessionStarted(session)
			.onErrorResume((ex) -> logged("could not send the sources to probe " + session.name(), ex));
	}

	private Mono<Void> campaignsEnded(ProbeSession session) {
		CampaignFrames handler = this.campaigns.getIfAvailable();
		return (handler == null) ? Mono.empty() : handler.sessionEnded(session, reasonOf(session))
			.onErrorResume((ex) -> logged("could not release the blocks of probe " + session.name(), ex));
	}

	private void onCredit(ProbeSession session, int credits) {
		if (session.grant(credits)) {
			this.registry.signalCapacity();
			return;
		}
		String reason = "granted credit beyond its announced max concurrency of " + session.maxConcurrency()
				+ " (or a non-positive grant)";
		logger.warn("probe {} {}; closing its session", session.name(), reason);
		session.emit(new ErrorFrame(ErrorFrame.PROTOCOL_VIOLATION, reason, null));
		session.kick(new CloseStatus(Protocol.CLOSE_PROTOCOL_VIOLATION, truncate(reason)));
	}

	private void onError(ProbeSession session, ErrorFrame error) {
		// Everything in the frame is the probe's: printable and cut before it reaches the log or a lookup's attempts.
		String code = Printable.cut(String.valueOf(error.code()), 64);
		String message = Printable.cut(String.valueOf(error.message()), Attempt.MAX_DETAIL);
		logger.warn("probe {} reported {}: {}{}", session.name(), code, message,
				(error.taskId() != null) ? " (task " + Printable.cut(error.taskId(), 64) + ")" : "");
		if (error.taskId() != null) {
			session.reject(error.taskId(), code + ": " + message);
		}
	}

	private void finish(ProbeSession session, String fallbackReason) {
		boolean current = this.registry.unregister(session);
		session.close(fallbackReason);
		if (!current) {
			logger.info("probe {}: its old session from {} ended ({}); the new one goes on", session.name(),
					session.remoteAddress(), reasonOf(session));
			return;
		}
		CampaignFrames handler = this.campaigns.getIfAvailable();
		List<String> blocks = (handler != null) ? handler.heldBlocks(session) : List.of();
		ProbeStateChange change = this.events.ineffective(session, reasonOf(session), blocks);
		logger.warn("probe {} ({}) is INEFFECTIVE: {}{}{}", session.name(), session.remoteAddress(), change.reason(),
				handedOver("in-flight task", change.tasks(), "other probes"),
				handedOver("campaign block", change.blocks(), "the pool"));
	}

	/** {@code "; 2 in-flight tasks go to other probes: task 3f-1: ..., task 3f-2: ..."}, at most ten named. */
	private static String handedOver(String what, List<String> items, String where) {
		if (items.isEmpty()) {
			return "";
		}
		String named = String.join(", ", items.subList(0, Math.min(10, items.size())))
				+ ((items.size() > 10) ? " and " + (items.size() - 10) + " more" : "");
		return "; " + items.size() + " " + what + ((items.size() == 1) ? " goes" : "s go") + " to " + where + ": "
				+ named;
	}


	/** Why a session's input failed, in a person's words. */
	private static String closeReason(Throwable ex) {
		if (ex instanceof FrameTooLargeException) {
			return ex.getMessage();
		}
		if (ex instanceof AbortedException) {
			return "connection closed";
		}
		if (ex instanceof IOException) {
			return "connection lost: " + ex.getMessage();
		}
		return "its session failed: " + ex;
	}

	private static String reasonOf(ProbeSession session) {
		String reason = session.closeReason();
		return (reason != null) ? reason : "connection closed";
	}

	private boolean tokenAccepted(String token) {
		byte[] given = token.getBytes(StandardCharsets.UTF_8);
		boolean accepted = false;
		for (String candidate : this.properties.tokens()) {
			accepted |= MessageDigest.isEqual(given, candidate.getBytes(StandardCharsets.UTF_8));
		}
		return accepted;
	}

	private static Mono<Void> logged(String what, Throwable ex) {
		logger.error("{}: {}", what, ex.toString());
		return Mono.empty();
	}

	private static String remoteAddress(WebSocketSession ws) {
		InetSocketAddress address = ws.getHandshakeInfo().getRemoteAddress();
		if (address == null) {
			return "unknown";
		}
		return (address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString();
	}

	/**
	 * What the server decided about a hello: a refusal (close code, reason, and perhaps how long the probe should
	 * wait before it tries again), or a welcome.
	 */
	private record Admission(int closeCode, @Nullable String refusal, @Nullable Duration retryAfter,
			@Nullable String quarantine) {

		static Admission refused(int code, String reason) {
			return new Admission(code, reason, null, null);
		}
	}

	/** WebSocket close reasons are limited to 123 bytes. */
	private static String truncate(String reason) {
		return Protocol.closeReason(reason);
	}

	/**
	 * A frame over {@link Protocol#MAX_FRAME_BYTES}. The transport reads frames up to twice that whole (see
	 * {@code ProbeWebSocketConfiguration}), so this one was read to its end and the connection can be closed with
	 * 1009 by the close handshake, which the probe receives; closing in the middle of a frame would reset the
	 * connection and lose the reason.
	 */
	static final class FrameTooLargeException extends RuntimeException {

		FrameTooLargeException(int size) {
			super("a frame of " + size + " bytes is over the limit of " + Protocol.MAX_FRAME_BYTES + " bytes", null, false,
					false);
		}

		CloseStatus closeStatus() {
			return new CloseStatus(CloseStatus.TOO_BIG_TO_PROCESS.getCode(), truncate(getMessage()));
		}
	}
}
