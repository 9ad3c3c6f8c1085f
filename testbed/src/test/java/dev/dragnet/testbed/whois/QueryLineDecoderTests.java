package dev.dragnet.testbed.whois;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueryLineDecoderTests {

	private final QueryLineDecoder decoder = new QueryLineDecoder(8);

	@Test
	void lineEndingInCrlfIsReturnedWithoutIt() {
		assertThat(this.decoder.feed(bytes("domain a\r\n"))).contains("domain a");
	}

	@Test
	void bareLfEndsALine() {
		assertThat(this.decoder.feed(bytes("a.de\n"))).contains("a.de");
	}

	@Test
	void lineSplitOverReadsIsJoined() {
		assertThat(this.decoder.feed(bytes("exa"))).isEmpty();
		assertThat(this.decoder.feed(bytes("m.de\r"))).isEmpty();
		assertThat(this.decoder.feed(bytes("\n"))).contains("exam.de");
	}

	@Test
	void multiByteCharacterSplitOverReadsIsDecodedAsUtf8() {
		byte[] line = bytes("bü.de\r\n");
		assertThat(this.decoder.feed(new byte[] { line[0], line[1] })).isEmpty();
		assertThat(this.decoder.feed(Arrays.copyOfRange(line, 2, line.length))).contains("bü.de");
	}

	@Test
	void onlyTheFirstLineIsReturned() {
		assertThat(this.decoder.feed(bytes("one\r\ntwo\r\n"))).contains("one");
		assertThat(this.decoder.feed(bytes("three\r\n"))).isEmpty();
		assertThat(this.decoder.overflowed()).isFalse();
	}

	@Test
	void lineOfExactlyTheCapIsAccepted() {
		assertThat(this.decoder.feed(bytes("12345678\r\n"))).contains("12345678");
	}

	@Test
	void lineOneByteOverTheCapOverflows() {
		assertThat(this.decoder.feed(bytes("123456789\r\n"))).isEmpty();
		assertThat(this.decoder.overflowed()).isTrue();
	}

	@Test
	void endlessLineWithoutLfOverflowsAndStopsGathering() {
		assertThat(this.decoder.feed(bytes("1234"))).isEmpty();
		assertThat(this.decoder.overflowed()).isFalse();
		assertThat(this.decoder.feed(bytes("56789abcdef"))).isEmpty();
		assertThat(this.decoder.overflowed()).isTrue();
		assertThat(this.decoder.feed(bytes("\r\n"))).isEmpty();
	}

	@Test
	void emptyLineIsAQueryToo() {
		assertThat(this.decoder.feed(bytes("\r\n"))).contains("");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
