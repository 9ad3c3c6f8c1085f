package dev.dragnet.server.whois.bulk;

import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * {@code flatMap} for a wide fan-out of single-answer work: each item of the source becomes one {@link Mono}, at most
 * {@code concurrency} of them run at once, and their answers come out in the order they end.
 *
 * <p>A bulk request keeps about a thousand lookups under way (most of them waiting for their server's pace).
 * {@link Flux#flatMap(Function, int, int)} looks over every running inner each time one ends, so at that width a
 * lookup cost thousands of steps in the merge alone (a tenth of the server's CPU in the WHOIS benchmark's profile).
 * Here an answer goes to one serialized queue and an ended lookup costs a few counter updates.
 *
 * <p>Bounded like {@code flatMap}: lookups under way plus answers waiting for the subscriber's demand are at most
 * {@code concurrency}; the source is asked for one more item only when one of those leaves. An error of the source
 * or of a lookup ends the whole with that error, cancelling the rest; cancelling the result cancels the source and
 * every lookup under way. The subscriber's context reaches the source and every lookup.
 */
final class WideMerge<T, R> implements CoreSubscriber<T> {

	private final FluxSink<R> sink;

	private final Function<? super T, ? extends Mono<? extends R>> mapper;

	private final int concurrency;

	private final Disposable.Composite running = Disposables.composite();

	/** Guards the counters below; held only for a few arithmetic steps, never while calling out. */
	private final Object lock = new Object();

	private @Nullable Subscription upstream;

	/** Items asked of the source so far. */
	private long asked;

	/** Answers emitted to the sink, and lookups that ended without one. */
	private long emitted;

	private long empty;

	/** The subscriber's demand so far (saturated at Long.MAX_VALUE). */
	private long demand;

	private int active;

	private boolean sourceDone;

	private boolean ended;

	private boolean cancelled;

	private WideMerge(FluxSink<R> sink, Function<? super T, ? extends Mono<? extends R>> mapper, int concurrency) {
		this.sink = sink;
		this.mapper = mapper;
		this.concurrency = concurrency;
	}

	/** The answers of {@code mapper} for each item of {@code source}, at most {@code concurrency} under way at once. */
	static <T, R> Flux<R> merge(Flux<T> source, Function<? super T, ? extends Mono<? extends R>> mapper,
			int concurrency) {
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency must be at least 1");
		}
		return Flux.create((FluxSink<R> sink) -> {
			WideMerge<T, R> merge = new WideMerge<>(sink, mapper, concurrency);
			sink.onRequest(merge::requested);
			sink.onDispose(merge::cancel);
			source.subscribe(merge);
		}, FluxSink.OverflowStrategy.BUFFER);
	}

	@Override
	public Context currentContext() {
		return Context.of(this.sink.contextView());
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		boolean cancelled;
		synchronized (this.lock) {
			this.upstream = subscription;
			cancelled = this.ended;
		}
		if (cancelled) {
			// cancelled before the source was subscribed
			subscription.cancel();
			return;
		}
		askMore();
	}

	@Override
	public void onNext(T item) {
		Mono<? extends R> work;
		try {
			work = Objects.requireNonNull(this.mapper.apply(item), "the mapper returned null");
		}
		catch (RuntimeException ex) {
			fail(ex);
			return;
		}
		synchronized (this.lock) {
			if (this.ended) {
				return;
			}
			this.active++;
		}
		work.subscribe(new Inner());
	}

	@Override
	public void onError(Throwable error) {
		fail(error);
	}

	@Override
	public void onComplete() {
		boolean complete;
		synchronized (this.lock) {
			this.sourceDone = true;
			complete = this.active == 0 && !this.ended;
			this.ended |= complete;
		}
		if (complete) {
			this.sink.complete();
		}
	}

	private void requested(long n) {
		synchronized (this.lock) {
			this.demand = (this.demand + n < 0) ? Long.MAX_VALUE : this.demand + n;
		}
		askMore();
	}

	/** Asks the source for as many items as leave room: under way plus waiting stays at most the concurrency. */
	private void askMore() {
		Subscription subscription;
		long more;
		synchronized (this.lock) {
			subscription = this.upstream;
			if (subscription == null || this.ended || this.sourceDone) {
				return;
			}
			long left = this.empty + Math.min(this.emitted, this.demand);
			more = this.concurrency + left - this.asked;
			if (more <= 0) {
				return;
			}
			this.asked += more;
		}
		subscription.request(more);
	}

	private void innerDone(boolean answered) {
		boolean complete;
		synchronized (this.lock) {
			this.active--;
			if (!answered) {
				this.empty++;
			}
			complete = this.sourceDone && this.active == 0 && !this.ended;
			this.ended |= complete;
		}
		if (complete) {
			this.sink.complete();
		}
		else {
			askMore();
		}
	}

	private void fail(Throwable error) {
		synchronized (this.lock) {
			if (this.ended) {
				return;
			}
			this.ended = true;
		}
		cancel();
		this.sink.error(error);
	}

	/** Cancels the source and the work under way, once. */
	private void cancel() {
		Subscription subscription;
		synchronized (this.lock) {
			if (this.cancelled) {
				return;
			}
			this.cancelled = true;
			this.ended = true;
			subscription = this.upstream;
		}
		if (subscription != null) {
			subscription.cancel();
		}
		this.running.dispose();
	}

	/** One lookup under way. */
	private final class Inner implements CoreSubscriber<R>, Disposable {

		private @Nullable Subscription subscription;

		private boolean answered;

		private boolean done;

		@Override
		public Context currentContext() {
			return WideMerge.this.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			this.subscription = s;
			if (!WideMerge.this.running.add(this)) {
				s.cancel();
				return;
			}
			s.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(R answer) {
			if (this.done || this.answered) {
				return;
			}
			this.answered = true;
			synchronized (WideMerge.this.lock) {
				WideMerge.this.emitted++;
			}
			WideMerge.this.sink.next(answer);
		}

		@Override
		public void onError(Throwable error) {
			if (this.done) {
				return;
			}
			this.done = true;
			WideMerge.this.running.remove(this);
			fail(error);
		}

		@Override
		public void onComplete() {
			if (this.done) {
				return;
			}
			this.done = true;
			WideMerge.this.running.remove(this);
			innerDone(this.answered);
		}

		@Override
		public void dispose() {
			Subscription s = this.subscription;
			if (s != null) {
				s.cancel();
			}
		}
	}
}
