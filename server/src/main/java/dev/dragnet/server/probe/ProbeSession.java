package dev.dragnet.server.probe;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Ping;
import dev.dragnet.protocol.ServerFrame;
import dev.dragnet.protocol.Task;
import dev.dragnet.protocol.TaskResult;
import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One live probe connection: its credits, its in-flight tasks, and the bounded queue of frames waiting to
 * be written to it.
 *
 * <p>Credit accounting: {@link #credits} is what the probe granted and the server has not used yet. A
 * dispatcher reserves one with {@link #tryReserve()} before {@link #send(Task)}; only the probe gives it
 * back, with a credit grant once the task is done. So the server never has more tasks on a probe than the
 * probe granted, even when the server stops waiting for a slow task.
 */
public final class ProbeSession {

	private final String name;

	private final String remoteAddress;

	private final Hello hello;

	private final Instant connectedSince;

	// Random enough to tell sessions apart across server instances; ThreadLocalRandom never blocks an event loop,
	// unlike UUID.randomUUID() and its SecureRandom.
	private final String id = new UUID(ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong())
		.toString();

	private final Clock clock;

	private final Heartbeat heartbeat;

	private final AtomicInteger credits = new AtomicInteger();

	private final Map<String, InFlightTask> inFlight = new ConcurrentHashMap<>();

	/** What the session was doing when it closed, as people read it; set once, by {@link #close}. */
	private volatile List<String> abandoned = List.of();

	private final Sinks.Many<ServerFrame> outbound;

	private final AtomicReference<@Nullable String> closeReason = new AtomicReference<>();

	private final Sinks.One<CloseStatus> kick = Sinks.one();

	/** Completes when the handler is done with the session, its end recorded (or the recording failed). */
	private final Sinks.Empty<Void> ended = Sinks.empty();

	private volatile Instant lastSeen;

	/** Why this probe gets no work, or null while it may get work. */
	private volatile @Nullable String quarantine;

	private final AtomicLong completed = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong unflushedThrottled = new AtomicLong();

	private final AtomicLong unflushedCompleted = new AtomicLong();

	private final AtomicLong unflushedFailed = new AtomicLong();

	ProbeSession(Hello hello, String remoteAddress, Clock clock) {
		this.name = hello.name();
		this.hello = hello;
		this.remoteAddress = remoteAddress;
		this.clock = clock;
		// Microseconds, as PostgreSQL stores them, so the row can be matched to this session later.
		this.connectedSince = clock.instant().truncatedTo(ChronoUnit.MICROS);
		this.lastSeen = this.connectedSince;
		this.heartbeat = new Heartbeat();
		// Bounded: at most maxConcurrency tasks (credit-limited) plus pings and the odd error frame; grown only as
		// frames wait, so an idle session holds a few slots.
		this.outbound = Sinks.many().unicast().onBackpressureBuffer(new OutboundQueue<>(hello.maxConcurrency() + 64));
	}

	public String name() {
		return this.name;
	}

	public String remoteAddress() {
		return this.remoteAddress;
	}

	public String version() {
		return this.hello.version();
	}

	public List<String> capabilities() {
		return this.hello.capabilities();
	}

	public int maxConcurrency() {
		return this.hello.maxConcurrency();
	}

	/** The leases whose block results the probe said in its hello it holds and will send again. */
	public List<String> heldResults() {
		return this.hello.heldResults();
	}

	/** Tells this session from an earlier or later one of the same probe. */
	public String id() {
		return this.id;
	}

	public Instant connectedSince() {
		return this.connectedSince;
	}

	public Instant lastSeen() {
		return this.lastSeen;
	}

	public boolean isEffective() {
		return this.closeReason.get() == null;
	}

	/**
	 * Whether this probe may be given work (tasks and campaign blocks): its session is open and it is not
	 * quarantined. The one test every part that hands out work asks.
	 */
	public boolean acceptsWork() {
		return isEffective() && this.quarantine == null;
	}

	/** Why the probe gets no work, or null. */
	public @Nullable String quarantineReason() {
		return this.quarantine;
	}

	/** Stops (a reason) or resumes (null) giving this probe work. */
	void quarantine(@Nullable String reason) {
		this.quarantine = reason;
	}

	public int availableCredits() {
		return this.credits.get();
	}

	public int inFlight() {
		return this.inFlight.size();
	}

	/** Tasks of {@code kind} ({@code whois}, {@code rdap}) sent and not answered yet. */
	int inFlightOf(String kind) {
		if (this.inFlight.isEmpty()) {
			return 0;
		}
		int count = 0;
		for (InFlightTask task : this.inFlight.values()) {
			if (task.kind().equals(kind)) {
				count++;
			}
		}
		return count;
	}

	/**
	 * The tasks that were still in flight when the session closed, described for people
	 * ({@code task 3f-12: whois 'example.com' at whois.nic.test:43}); empty while it is open.
	 */
	List<String> abandonedTasks() {
		return this.abandoned;
	}

	public long completed() {
		return this.completed.get();
	}

	public long failed() {
		return this.failed.get();
	}

	public boolean can(String capability) {
		return this.hello.capabilities().contains(capability);
	}

	Heartbeat heartbeat() {
		return this.heartbeat;
	}

	Flux<ServerFrame> outbound() {
		return this.outbound.asFlux();
	}

	/** Takes one credit if the probe {@link #acceptsWork() accepts work} and has one free. */
	public boolean tryReserve() {
		while (acceptsWork()) {
			int available = this.credits.get();
			if (available <= 0) {
				return false;
			}
			if (this.credits.compareAndSet(available, available - 1)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Sends a task using a credit already taken with {@link #tryReserve()}, and returns its result. Errors
	 * with {@link ProbeGoneException} if the session ends first. Cancelling the returned Mono stops waiting
	 * (the probe keeps its credit until it reports).
	 */
	public Mono<TaskResult> send(Task task) {
		return Mono.defer(() -> {
			Sinks.One<TaskResult> result = Sinks.one();
			this.inFlight.put(task.id(), new InFlightTask(task, result));
			String reason = this.closeReason.get();
			if (reason != null || !emit(task)) {
				this.inFlight.remove(task.id());
				return Mono.error(new ProbeGoneException(this.name, (reason != null) ? reason : "outbound queue full"));
			}
			return result.asMono().doFinally((signal) -> this.inFlight.remove(task.id()));
		});
	}

	/**
	 * Adds credits the probe granted. Returns false when the grant would give the server more slots than the
	 * probe announced in its hello: a protocol violation.
	 */
	boolean grant(int granted) {
		if (granted < 1) {
			return false;
		}
		int total = this.credits.addAndGet(granted);
		return total <= this.hello.maxConcurrency();
	}

	/** Completes the waiting task; returns false if nobody waits for it any more (late or unknown id). */
	boolean complete(TaskResult result) {
		if (result.outcome().answered()) {
			this.completed.incrementAndGet();
			this.unflushedCompleted.incrementAndGet();
		}
		else {
			this.failed.incrementAndGet();
			this.unflushedFailed.incrementAndGet();
			if (result.outcome() == TaskResult.Outcome.THROTTLED) {
				this.unflushedThrottled.incrementAndGet();
			}
		}
		InFlightTask waiting = this.inFlight.remove(result.taskId());
		return waiting != null && waiting.result().tryEmitValue(result).isSuccess();
	}

	/** Fails a task the probe said it cannot run. */
	boolean reject(String taskId, String reason) {
		InFlightTask waiting = this.inFlight.remove(taskId);
		return waiting != null && waiting.result().tryEmitError(new ProbeGoneException(this.name, reason)).isSuccess();
	}

	void seen() {
		this.lastSeen = this.clock.instant();
	}

	void pong(long seq) {
		seen();
		this.heartbeat.pong(seq);
	}

	boolean ping(long seq) {
		return emit(new Ping(seq));
	}

	/** Sends the probe a frame that is not a task (block leases, notices); false when it could not be queued. */
	public boolean deliver(ServerFrame frame) {
		return emit(frame);
	}

	/** Queues a frame for the probe; false if the session is over or its bounded queue is full. */
	boolean emit(ServerFrame frame) {
		synchronized (this.outbound) {
			return this.outbound.tryEmitNext(frame).isSuccess();
		}
	}

	/** Finished tasks (completed, failed, throttled among the failed) not yet persisted. */
	long[] unsavedCounters() {
		return new long[] { this.unflushedCompleted.get(), this.unflushedFailed.get(), this.unflushedThrottled.get() };
	}

	/** Counts finished tasks since the last call, for persisting; resets the count. */
	long[] drainCounters() {
		return new long[] { this.unflushedCompleted.getAndSet(0), this.unflushedFailed.getAndSet(0),
				this.unflushedThrottled.getAndSet(0) };
	}

	/**
	 * Ends the session once: the probe gets no new work, and every task still waiting on it fails with
	 * {@link ProbeGoneException} so its dispatcher can retry elsewhere; those tasks are kept as
	 * {@link #abandonedTasks()}. Returns false if already closed.
	 */
	boolean close(String reason) {
		if (!this.closeReason.compareAndSet(null, reason)) {
			return false;
		}
		this.credits.set(0);
		synchronized (this.outbound) {
			this.outbound.tryEmitComplete();
		}
		List<String> described = new ArrayList<>();
		for (String taskId : List.copyOf(this.inFlight.keySet())) {
			InFlightTask waiting = this.inFlight.remove(taskId);
			if (waiting != null) {
				described.add(waiting.describe());
				waiting.result().tryEmitError(new ProbeGoneException(this.name, reason));
			}
		}
		this.abandoned = List.copyOf(described);
		return true;
	}

	/** Ends the session like {@link #close(String)} and asks its connection to close with {@code status}. */
	void kick(CloseStatus status) {
		close((status.getReason() != null) ? status.getReason() : "closed by the server");
		this.kick.tryEmitValue(status);
	}

	/** Completes once the handler is done with this session: its end recorded, or the recording failed. */
	Mono<Void> ended() {
		return this.ended.asMono();
	}

	void markEnded() {
		this.ended.tryEmitEmpty();
	}

	/** Emits the close status once somebody {@link #kick kicked} the session. */
	Mono<CloseStatus> kicked() {
		return this.kick.asMono();
	}

	@Nullable String closeReason() {
		return this.closeReason.get();
	}

	@Override
	public String toString() {
		return "probe " + this.name + " (" + this.remoteAddress + ")";
	}
}
