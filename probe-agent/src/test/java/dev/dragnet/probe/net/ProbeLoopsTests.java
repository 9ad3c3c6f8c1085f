package dev.dragnet.probe.net;

import java.util.ArrayList;
import java.util.List;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.LoopResources;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeLoopsTests {

	@Test
	void oneEventLoopOnIoUringAndTheDefaultCountOnAnyOtherTransport() {
		EventLoopGroup group = ProbeLoops.get().onClient(LoopResources.DEFAULT_NATIVE);
		List<EventExecutor> loops = new ArrayList<>();
		group.forEach(loops::add);
		int expected = ProbeLoops.ioUring() ? 1 : LoopResources.DEFAULT_IO_WORKER_COUNT;
		assertThat(loops).hasSize(expected);
		assertThat(ProbeLoops.loopCount()).isEqualTo(expected);
	}

	@Test
	void theLogLineNamesTheTransportTheClientsRunOn() {
		String described = ProbeLoops.describe();
		if (ProbeLoops.ioUring()) {
			assertThat(described).isEqualTo("io_uring, 1 event loop");
		}
		else {
			assertThat(described).doesNotContain("io_uring")
				.endsWith(", " + LoopResources.DEFAULT_IO_WORKER_COUNT + " event loops");
		}
	}
}
