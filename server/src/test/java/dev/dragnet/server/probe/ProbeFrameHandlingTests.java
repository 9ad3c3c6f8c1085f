package dev.dragnet.server.probe;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dragnet.protocol.BlockProgress;
import dev.dragnet.protocol.FrameCodec;
import dev.dragnet.protocol.Pong;
import dev.dragnet.protocol.ProbeFrame;
import dev.dragnet.protocol.WantBlocks;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ProbeWebSocketHandler#handled}: how a session's incoming frames are taken. A pong is taken as it arrives,
 * even while the frame before it is still being handled (a campaign result waiting for its group's store); the
 * other frames are handled in order, one at a time.
 */
class ProbeFrameHandlingTests {

	private final FrameCodec codec = new FrameCodec();

	private final List<Long> pongs = new CopyOnWriteArrayList<>();

	private final AtomicInteger seen = new AtomicInteger();

	private final List<ProbeFrame> started = new CopyOnWriteArrayList<>();

	private final List<Sinks.Empty<Void>> handling = new CopyOnWriteArrayList<>();

	private @Nullable ProbeFrame decode(String text) {
		try {
			return this.codec.decodeProbeFrame(text);
		}
		catch (FrameCodec.BadFrameException ex) {
			return null;
		}
	}

	/** Handles a frame until the test ends its handling, as a store waiting for the database would. */
	private Mono<Void> handle(ProbeFrame frame) {
		this.started.add(frame);
		Sinks.Empty<Void> done = Sinks.empty();
		this.handling.add(done);
		return done.asMono();
	}

	@Test
	void aPongIsTakenWhileTheFrameBeforeItIsStillHandled() {
		Sinks.Many<String> frames = Sinks.many().unicast().onBackpressureBuffer();
		Disposable session = ProbeWebSocketHandler.handled(frames.asFlux(), this::decode, this.seen::incrementAndGet,
				this.pongs::add, this::handle).subscribe();

		frames.tryEmitNext(this.codec.encode(new BlockProgress("lease-1", 10)));
		frames.tryEmitNext(this.codec.encode(new Pong(7)));
		frames.tryEmitNext(this.codec.encode(new WantBlocks(2)));
		frames.tryEmitNext("{not a frame");
		frames.tryEmitNext(this.codec.encode(new Pong(8)));

		assertThat(this.pongs).as("both pongs, though the progress frame is still being handled").containsExactly(7L, 8L);
		assertThat(this.seen).as("every good frame is a sign of life as it arrives").hasValue(4);
		assertThat(this.started).as("the next frame waits for the one before").containsExactly(new BlockProgress("lease-1", 10));

		this.handling.get(0).tryEmitEmpty();
		assertThat(this.started).containsExactly(new BlockProgress("lease-1", 10), new WantBlocks(2));
		session.dispose();
	}
}
