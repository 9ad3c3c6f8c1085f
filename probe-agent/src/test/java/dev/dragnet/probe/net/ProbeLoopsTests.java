package dev.dragnet.probe.net;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.LoopResources;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeLoopsTests {

	@Test
	void theLogLineNamesTheTransportAndTheLoopCount() {
		String transport = Epoll.isAvailable() ? "epoll" : "Java NIO";
		assertThat(ProbeLoops.describe())
			.isEqualTo(transport + ", " + LoopResources.DEFAULT_IO_WORKER_COUNT + " event loops");
	}
}
