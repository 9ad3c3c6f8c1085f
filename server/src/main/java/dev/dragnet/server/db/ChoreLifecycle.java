package dev.dragnet.server.db;

import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * A {@link Chore} that starts with the server and stops with it: a subclass says how to start it, or that it is
 * switched off.
 */
public abstract class ChoreLifecycle implements SmartLifecycle {

	private volatile @Nullable Chore chore;

	/** Starts the chore ({@link Chore#start}), or gives {@code null} when it is switched off. */
	protected abstract @Nullable Chore begin();

	@Override
	public final void start() {
		this.chore = begin();
	}

	@Override
	public final void stop() {
		Chore running = this.chore;
		if (running != null) {
			running.dispose();
		}
		this.chore = null;
	}

	@Override
	public final boolean isRunning() {
		return this.chore != null;
	}
}
