package dev.dragnet.server.schedule;

import java.time.Duration;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Who asks for a lookup, carried in the Reactor context from the edge (controller, bulk service, port 43)
 * down to the dispatcher, so the layers in between need not know.
 *
 * @param bulk the bulk request the lookup belongs to, or null for an interactive lookup (ahead of bulk lines)
 * @param maxWait the longest estimated wait the caller accepts, or null for the configured default
 * @param fresh whether the caller asked for a fresh answer: it may share only a query that had not started
 * before it arrived
 */
public record Lane(@Nullable String bulk, @Nullable Duration maxWait, boolean fresh) {

	private static final String BULK = "dragnet.lane.bulk";

	private static final String MAX_WAIT = "dragnet.lane.max-wait";

	private static final String FRESH = "dragnet.lane.fresh";

	public static final Lane INTERACTIVE = new Lane(null, null, false);

	public boolean interactive() {
		return this.bulk == null;
	}

	/** Marks lookups as lines of the bulk request {@code id}. */
	public static Function<Context, Context> bulk(String id) {
		return (context) -> context.put(BULK, id);
	}

	/** Lets lookups wait at most {@code maxWait} (estimated) for their turn. */
	public static Function<Context, Context> maxWait(Duration maxWait) {
		return (context) -> context.put(MAX_WAIT, maxWait);
	}

	/** Marks lookups as asked with {@code fresh=true}. */
	public static Function<Context, Context> freshOnly() {
		return (context) -> context.put(FRESH, Boolean.TRUE);
	}

	/** The lane a context describes. */
	public static Lane of(ContextView context) {
		return new Lane(context.getOrDefault(BULK, null), context.getOrDefault(MAX_WAIT, null),
				context.getOrDefault(FRESH, Boolean.FALSE));
	}
}
