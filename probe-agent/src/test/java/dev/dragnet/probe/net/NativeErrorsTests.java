package dev.dragnet.probe.net;

import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NativeErrorsTests {

	@Test
	void epollsSyscallPrefixGoes() {
		assertThat(NativeErrors.withoutSyscall("finishConnect(..) failed: Connection refused"))
			.isEqualTo("Connection refused");
		assertThat(NativeErrors.withoutSyscall("finishConnect(..) failed with error(-111): Connection refused"))
			.isEqualTo("Connection refused");
	}

	@Test
	void ioUringsSyscallPrefixGoes() {
		assertThat(NativeErrors.withoutSyscall("io_uring connect(..) failed with error(-111): Connection refused"))
			.isEqualTo("Connection refused");
		assertThat(NativeErrors.withoutSyscall("recvAddress(..) failed: Connection reset by peer"))
			.isEqualTo("Connection reset by peer");
	}

	@Test
	void otherMessagesStayAsTheyAre() {
		assertThat(NativeErrors.withoutSyscall("Connection refused: /127.0.0.1:43"))
			.isEqualTo("Connection refused: /127.0.0.1:43");
		assertThat(NativeErrors.withoutSyscall("connection timed out after 2000 ms: whois.example/192.0.2.1:43"))
			.isEqualTo("connection timed out after 2000 ms: whois.example/192.0.2.1:43");
		assertThat(NativeErrors.withoutSyscall("")).isEmpty();
	}

	@Test
	void anErrorIsDescribedByItsMessageOrElseItsClass() {
		String refused = "io_uring connect(..) failed with error(-111): Connection refused";
		assertThat(NativeErrors.describe(new ConnectException(refused))).isEqualTo("Connection refused");
		assertThat(NativeErrors.describe(new ConnectException(" "))).isEqualTo("ConnectException");
		assertThat(NativeErrors.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
	}
}
