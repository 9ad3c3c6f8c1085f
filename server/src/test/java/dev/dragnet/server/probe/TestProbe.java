package dev.dragnet.server.probe;

import java.time.Clock;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import dev.dragnet.protocol.Hello;
import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.ServerFrame;
import dev.dragnet.protocol.Task;
import dev.dragnet.protocol.TaskResult;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * A probe session without a socket, for unit tests of dispatch: records the tasks the server sends it and
 * answers when told to (or automatically).
 */
public final class TestProbe {

	private final ProbeRegistry registry;

	private final ProbeSession session;

	private final Queue<Task> tasks = new ConcurrentLinkedQueue<>();

	private final Disposable subscription;

	private volatile @Nullable Function<Task, TaskResult> responder;

	private TestProbe(ProbeRegistry registry, ProbeSession session) {
		this.registry = registry;
		this.session = session;
		this.subscription = session.outbound().subscribe(this::receive);
	}

	/** Registers a probe named {@code name} that grants {@code credits} credits. */
	public static TestProbe connect(ProbeRegistry registry, String name, int credits) {
		Hello hello = new Hello(name, "token", "test", Protocol.VERSION, List.of(Protocol.CAPABILITY_WHOIS), credits);
		ProbeSession session = new ProbeSession(hello, "127.0.0.1", Clock.systemUTC());
		TestProbe probe = new TestProbe(registry, session);
		registry.register(session);
		probe.grant(credits);
		return probe;
	}

	/** From now on answers every task at once with {@code responder}. */
	public TestProbe respondWith(Function<Task, TaskResult> responder) {
		this.responder = responder;
		return this;
	}

	public static TaskResult ok(Task task, String text) {
		return new TaskResult(task.id(), TaskResult.Outcome.OK, text, text.length(), 1, null);
	}

	private void receive(ServerFrame frame) {
		if (frame instanceof Task task) {
			Function<Task, TaskResult> respond = this.responder;
			if (respond != null) {
				answer(respond.apply(task));
			}
			else {
				this.tasks.add(task);
			}
		}
	}

	/** Tasks received and not answered yet, oldest first. */
	public List<Task> pending() {
		return List.copyOf(this.tasks);
	}

	/** Sends the result of a task and gives its credit back, as a real probe does. */
	public void answer(TaskResult result) {
		this.tasks.removeIf((t) -> t.id().equals(result.taskId()));
		this.session.complete(result);
		grant(1);
	}

	public void grant(int credits) {
		this.session.grant(credits);
		this.registry.signalCapacity();
	}

	/** The connection drops: the probe becomes ineffective and its waiting tasks fail over. */
	public void disconnect(String reason) {
		this.registry.unregister(this.session);
		this.session.close(reason);
		this.subscription.dispose();
	}

	public ProbeSession session() {
		return this.session;
	}
}
