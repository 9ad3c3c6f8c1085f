package dev.dragnet.server.whois.bulk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;

class LineSplitterTests {

	private static DataBuffer buffer(String text) {
		return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	private static List<RawLine> split(int maxLength, String... chunks) {
		LineSplitter splitter = new LineSplitter(maxLength);
		List<RawLine> lines = new ArrayList<>();
		for (String chunk : chunks) {
			lines.addAll(splitter.feed(buffer(chunk)));
		}
		splitter.finish().ifPresent(lines::add);
		return lines;
	}

	@Test
	void splitsOnLfAndCrlfAcrossBuffersAndNumbersEveryLine() {
		assertThat(split(100, "a.test\r\nb.te", "st\n\n# c\r", "\nlast.test"))
			.containsExactly(new RawLine(1, "a.test", false), new RawLine(2, "b.test", false), new RawLine(3, "", false),
					new RawLine(4, "# c", false), new RawLine(5, "last.test", false));
	}

	@Test
	void aLineOverTheCapIsReportedWithItsStartAndTheNextLineIsRead() {
		String longLine = "x".repeat(250);
		assertThat(split(100, "ok.test\n" + longLine.substring(0, 100), longLine.substring(100) + "\r\nnext.test\n"))
			.containsExactly(new RawLine(1, "ok.test", false), new RawLine(2, "x".repeat(64), true),
					new RawLine(3, "next.test", false));
	}

	@Test
	void theCapCountsBytesWithoutTheLineEnd() {
		assertThat(split(4, "abcd\r\nabcde\nabcd")).extracting(RawLine::overlong).containsExactly(false, true, false);
	}

	@Test
	void dropsAByteOrderMarkAndDecodesUtf8() {
		assertThat(split(100, "\uFEFFbücher.test\n")).containsExactly(new RawLine(1, "bücher.test", false));
	}

	@Test
	void anEmptyBodyHasNoLines() {
		assertThat(split(10)).isEmpty();
		assertThat(split(10, "")).isEmpty();
	}
}
