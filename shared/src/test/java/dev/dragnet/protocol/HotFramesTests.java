package dev.dragnet.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import dev.dragnet.protocol.source.BlockMarker;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.protocol.source.Verdict;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every frame a probe sends or reads is read and written by hand ({@link HotFrames}); data binding is the
 * reference. Generated frames must come out byte for byte as data binding writes them and read back as data
 * binding reads them; and any text, well-formed or not, must read as data binding reads it, or fail with its error.
 */
class HotFramesTests {

	private final FrameCodec hot = new FrameCodec();

	private final FrameCodec bound = new FrameCodec(false);

	private final Random random = new Random(20261203);

	@Test
	void generatedFramesAreWrittenAsDataBindingWritesThemAndReadBack() {
		for (int i = 0; i < 3000; i++) {
			ServerFrame server = serverFrame();
			String expected = this.bound.encode(server);
			assertThat(this.hot.encode(server)).as("written: %s", server).isEqualTo(expected);
			assertThat(this.hot.decodeServerFrame(expected)).isEqualTo(server);
			ProbeFrame probe = probeFrame();
			String expectedProbe = this.bound.encode(probe);
			assertThat(this.hot.encode(probe)).as("written: %s", probe).isEqualTo(expectedProbe);
			assertThat(this.hot.decodeProbeFrame(expectedProbe)).isEqualTo(probe);
		}
	}

	@Test
	void theHotFramesAreReallyReadByHand() {
		HotFrames frames = new HotFrames(tools.jackson.databind.json.JsonMapper.builder().build().tokenStreamFactory());
		for (int i = 0; i < 200; i++) {
			ServerFrame server = serverFrame();
			assertThat(frames.readServerFrame(this.bound.encode(server))).isEqualTo(server);
			ProbeFrame probe = probeFrame();
			assertThat(frames.readProbeFrame(this.bound.encode(probe))).isEqualTo(probe);
		}
		assertThat(frames.write(new SourceList(List.of(SourceCatalogue.plainText("http://a.example/")))))
			.as("the server's source list is data binding's to write").isNull();
	}

	@Test
	void oddTextsReadAsDataBindingReadsThem() {
		List<String> probeTexts = List.of(
				// fields in another order, unknown fields of every kind, a repeated field
				"{\"type\":\"result\",\"bytes\":3,\"x\":{\"a\":[1,{\"b\":null}]},\"taskId\":\"t\",\"outcome\":\"OK\","
						+ "\"elapsedMillis\":2,\"text\":\"abc\",\"taskId\":\"t2\"}",
				"{\"type\":\"credit\",\"credits\":5,\"more\":[true,false]}",
				"{\"type\":\"result\",\"taskId\":\"t\",\"outcome\":\"OK\",\"bytes\":3,\"elapsedMillis\":2,"
						+ "\"text\":null,\"detail\":\"d\",\"retryAfterMillis\":7}",
				// what the hand-written reader leaves to data binding
				"{\"credits\":5,\"type\":\"credit\"}", // type not first
				"{\"type\":\"credit\",\"credits\":\"5\"}", // a number as a string
				"{\"type\":\"credit\",\"credits\":5.0}", "{\"type\":\"credit\",\"credits\":null}",
				"{\"type\":\"credit\"}", "{\"type\":\"credit\",\"credits\":99999999999}",
				"{\"type\":\"pong\",\"seq\":1} trailing", "{\"type\":\"pong\",\"seq\":1}{}",
				"{\"type\":\"result\",\"taskId\":\"t\",\"outcome\":\"PERHAPS\",\"bytes\":1,\"elapsedMillis\":1}",
				"{\"type\":\"result\",\"taskId\":\"t\",\"outcome\":\"ok\",\"bytes\":1,\"elapsedMillis\":1}",
				"{\"type\":\"result\",\"taskId\":7,\"outcome\":\"OK\",\"bytes\":1,\"elapsedMillis\":1}",
				"{\"type\":\"result\",\"taskId\":\"t\",\"outcome\":\"OK\",\"elapsedMillis\":1}",
				"{\"type\":\"result\",\"taskId\":\"t\",\"outcome\":\"OK\",\"bytes\":1,\"elapsedMillis\":1,\"credits\":1}",
				"{\"type\":\"result\",\"taskId\":\"t\",\"outcome\":\"OK\",\"bytes\":1,\"elapsedMillis\":1,\"credits\":null}",
				"{\"type\":\"result\",\"taskId\":\"t\",\"outcome\":\"OK\",\"bytes\":1,\"elapsedMillis\":1,"
						+ "\"credits\":3000000000}",
				"{\"type\":\"block-result\",\"leaseId\":\"l\",\"found\":[],\"empty\":[]}",
				"{\"type\":\"block-result\",\"leaseId\":\"l\",\"found\":[{\"ip\":\"192.0.2.1\",\"domains\":[{\"name\":\"a.example\","
						+ "\"sources\":[\"ptr\"],\"verified\":null,\"z\":1}]}],\"empty\":[\"192.0.2.2\"]}",
				"{\"type\":\"block-result\",\"leaseId\":\"l\",\"found\":[{\"ip\":\"192.0.2.1\",\"domains\":[{\"name\":\"a\","
						+ "\"sources\":[null]}]}],\"empty\":[]}",
				"{\"type\":\"block-result\",\"leaseId\":\"l\",\"empty\":[]}",
				"{\"type\":\"block-result\",\"leaseId\":\"l\",\"found\":null,\"empty\":[]}",
				"{\"type\":\"block-result\",\"leaseId\":\"l\",\"found\":[null],\"empty\":[]}",
				"{\"type\":\"block-result\",\"leaseId\":\"l\",\"found\":[{\"ip\":\"x\"}],\"empty\":[]}",
				"{\"type\":\"block-result\",\"leaseId\":\"l\",\"found\":[{\"ip\":\"x\",\"domains\":[{\"name\":\"n\",\"sources\":[],"
						+ "\"verified\":\"yes\"}]}],\"empty\":[]}",
				"{\"type\":\"progress\",\"leaseId\":\"l\",\"done\":3}", "{\"type\":\"want-blocks\",\"blocks\":-1}",
				"{\"type\":\"hello\",\"name\":\"p\"}", "{\"type\":\"teleport\"}",
				"{\"type\":\"hello\",\"name\":\"p\",\"token\":\"t\",\"version\":\"1\",\"protocol\":1,"
						+ "\"capabilities\":[\"whois\"],\"maxConcurrency\":4}",
				"{\"type\":\"hello\",\"name\":\"p\",\"token\":\"t\",\"version\":\"1\",\"protocol\":1,"
						+ "\"capabilities\":null,\"maxConcurrency\":4,\"heldResults\":null}",
				"{\"type\":\"hello\",\"name\":\"p\",\"token\":\"t\",\"version\":\"1\",\"protocol\":1,"
						+ "\"maxConcurrency\":4,\"heldResults\":[\"a\"]}",
				"{\"type\":\"error\",\"code\":\"bad-frame\"}", "{\"type\":\"error\",\"taskId\":[]}",
				"{\"type\":\"block-give-up\",\"leaseId\":\"l\",\"reason\":\"r\",\"restingMillis\":null}",
				"{\"type\":\"source-rests\"}", "{\"type\":\"source-rests\",\"sources\":null}",
				"{\"type\":\"source-rests\",\"sources\":[{\"source\":\"s\"}]}",
				"{\"type\":\"source-rests\",\"sources\":[{\"source\":\"s\",\"restingMillis\":5,\"x\":1}]}",
				"{\"type\":\"source-rests\",\"sources\":[null]}", "{\"type\":null}", "{\"type\":3}",
				"[]", "null", "\"pong\"", "", "{", "{\"type\":\"pong\",\"seq\":1", "{\"type\":\"ping\",\"seq\":1}");
		for (String text : probeTexts) {
			assertSameReading(text, this.hot::decodeProbeFrame, this.bound::decodeProbeFrame);
		}
		List<String> serverTexts = List.of(
				"{\"type\":\"task\",\"work\":{\"kind\":\"whois\",\"host\":\"h\",\"port\":43,\"query\":\"q\",\"maxBytes\":1,"
						+ "\"connectTimeoutMillis\":1,\"pace\":{\"maxConnections\":2,\"minIntervalMillis\":5}},\"id\":\"x\","
						+ "\"deadlineMillis\":9}",
				"{\"type\":\"task\",\"id\":\"x\",\"deadlineMillis\":9,\"work\":{\"host\":\"h\",\"kind\":\"whois\",\"port\":43,"
						+ "\"query\":\"q\",\"maxBytes\":1,\"connectTimeoutMillis\":1}}",
				"{\"type\":\"task\",\"id\":\"x\",\"deadlineMillis\":9,\"work\":{\"kind\":\"gopher\"}}",
				"{\"type\":\"task\",\"id\":\"x\",\"deadlineMillis\":9,\"work\":null}",
				"{\"type\":\"task\",\"id\":\"x\",\"deadlineMillis\":9}",
				"{\"type\":\"task\",\"id\":\"x\",\"work\":{\"kind\":\"rdap\",\"url\":\"u\",\"maxBytes\":1,"
						+ "\"connectTimeoutMillis\":1,\"followRelated\":true}}",
				"{\"type\":\"task\",\"id\":\"x\",\"deadlineMillis\":9,\"work\":{\"kind\":\"rdap\",\"url\":\"u\",\"maxBytes\":1,"
						+ "\"connectTimeoutMillis\":1,\"followRelated\":true,\"pace\":{\"minIntervalMillis\":-1,"
						+ "\"maxConnections\":1}}}",
				"{\"type\":\"task\",\"id\":\"x\",\"deadlineMillis\":9,\"work\":{\"kind\":\"whois\",\"host\":\"h\",\"port\":43,"
						+ "\"query\":\"q\",\"maxBytes\":1,\"connectTimeoutMillis\":1,\"proxy\":{\"host\":\"p\"}}}",
				"{\"type\":\"task\",\"id\":\"x\",\"deadlineMillis\":9,\"work\":{\"kind\":\"whois\",\"host\":\"h\",\"port\":43,"
						+ "\"query\":\"q\",\"maxBytes\":1,\"connectTimeoutMillis\":1,\"proxy\":{\"host\":\"p\",\"port\":1080,"
						+ "\"extra\":[]}}}",
				"{\"type\":\"block\",\"leaseId\":\"l\",\"blockId\":1,\"campaignId\":2,\"first\":\"a\",\"last\":\"b\","
						+ "\"sources\":[\"ptr\"],\"verify\":true,\"leaseMillis\":5}",
				"{\"type\":\"block\",\"leaseId\":\"l\",\"blockId\":1,\"campaignId\":2,\"first\":\"a\",\"last\":\"b\","
						+ "\"verify\":true,\"leaseMillis\":5}",
				"{\"type\":\"block-ack\",\"leaseId\":\"l\",\"accepted\":true}",
				"{\"type\":\"block-ack\",\"leaseId\":\"l\",\"reason\":\"r\"}",
				"{\"type\":\"block-ack\",\"leaseId\":\"l\",\"accepted\":false,\"retryAfterMillis\":null}",
				"{\"type\":\"ping\",\"seq\":-3}", "{\"type\":\"ping\"}", "{\"type\":\"pong\",\"seq\":1}",
				"{\"type\":\"welcome\",\"name\":\"p\",\"serverVersion\":\"1\",\"protocol\":1,\"pingIntervalMillis\":5}",
				"{\"type\":\"welcome\",\"name\":\"p\",\"protocol\":1,\"pingIntervalMillis\":5,\"creditInResult\":null}",
				"{\"type\":\"welcome\",\"name\":\"p\",\"protocol\":1,\"pingIntervalMillis\":5,\"creditInResult\":1}",
				"{\"type\":\"welcome\",\"name\":\"p\",\"protocol\":1}", "{\"type\":\"campaign\",\"state\":\"OVER\"}",
				"{\"type\":\"campaign\",\"campaignId\":3,\"state\":\"STARTED\",\"more\":{}}",
				"{\"type\":\"error\",\"code\":\"c\",\"message\":\"m\",\"taskId\":null}",
				"{\"type\":\"sources\"}", "{\"type\":\"sources\",\"sources\":[]}",
				"{\"type\":\"sources\",\"sources\":null}", "{\"type\":\"sources\",\"sources\":[null]}",
				"{\"type\":\"sources\",\"sources\":[{\"name\":\"s\",\"version\":1,\"request\":{\"method\":\"get\","
						+ "\"urlTemplate\":\"http://a/{ip}\"},\"extractor\":{\"kind\":\"LINES\",\"expression\":\"\"},"
						+ "\"pace\":{\"minIntervalMillis\":1,\"maxConnections\":1},\"maxResults\":5}]}",
				"{\"type\":\"sources\",\"sources\":[{\"name\":\"s\",\"version\":1,\"request\":{\"method\":\"GET\","
						+ "\"urlTemplate\":\"http://a/{ip}\",\"headers\":{\"A\":null}},\"extractor\":{\"kind\":\"LINES\","
						+ "\"expression\":\"\",\"hostOfUrl\":false},\"pace\":{\"minIntervalMillis\":1,\"maxConnections\":1},"
						+ "\"maxResults\":5}]}",
				"{\"type\":\"sources\",\"sources\":[{\"name\":\"s\",\"version\":1,\"request\":{\"method\":\"GET\","
						+ "\"urlTemplate\":\"http://a/{ip}\"},\"extractor\":{\"kind\":\"lines\",\"expression\":\"\","
						+ "\"hostOfUrl\":false},\"pace\":{\"minIntervalMillis\":1,\"maxConnections\":1},\"maxResults\":5}]}",
				"{\"type\":\"sources\",\"sources\":[{\"name\":\"s\",\"version\":1,\"request\":{\"method\":\"GET\","
						+ "\"urlTemplate\":\"http://a/{ip}\"},\"extractor\":{\"kind\":\"LINES\",\"expression\":\"\","
						+ "\"hostOfUrl\":false},\"blockMarkers\":[{\"match\":\"STATUS\",\"value\":\"x\",\"verdict\":\"QUOTA\"}],"
						+ "\"pace\":{\"minIntervalMillis\":1,\"maxConnections\":1},\"maxResults\":5}]}",
				"{\"type\":\"sources\",\"sources\":[{\"name\":\"s\",\"version\":1,\"request\":{\"method\":\"GET\","
						+ "\"urlTemplate\":\"http://a/{ip}\"},\"extractor\":{\"kind\":\"LINES\",\"expression\":\"\","
						+ "\"hostOfUrl\":false},\"pagination\":{\"first\":0,\"step\":1,\"perPage\":1},"
						+ "\"pace\":{\"minIntervalMillis\":1,\"maxConnections\":1},\"maxResults\":5,\"canary\":\"192.0.2.1\"}]}");
		for (String text : serverTexts) {
			assertSameReading(text, this.hot::decodeServerFrame, this.bound::decodeServerFrame);
		}
	}

	@Test
	void randomlyDamagedFramesReadAsDataBindingReadsThem() {
		for (int i = 0; i < 2000; i++) {
			String probe = damage(this.bound.encode(probeFrame()));
			assertSameReading(probe, this.hot::decodeProbeFrame, this.bound::decodeProbeFrame);
			String server = damage(this.bound.encode(serverFrame()));
			assertSameReading(server, this.hot::decodeServerFrame, this.bound::decodeServerFrame);
		}
	}

	@Test
	void theSizeLimitCountsUtf8BytesWithoutACopy() {
		for (String text : List.of("", "abc", "é", "€", "😀", "a\uD800b", "\uDC00", "x\uD83D", "漢字 and 😀😀 ü")) {
			assertThat(Protocol.utf8Length(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
			assertThat(Protocol.fitsInFrame(text)).isTrue();
		}
		String justUnder = "{\"type\":\"pong\",\"seq\":1,\"pad\":\"" + "é".repeat((Protocol.MAX_FRAME_BYTES - 40) / 2)
				+ "\"}";
		assertThat(this.hot.decodeProbeFrame(justUnder)).isEqualTo(new Pong(1));
		String over = "{\"type\":\"pong\",\"seq\":1,\"pad\":\"" + "€".repeat(Protocol.MAX_FRAME_BYTES / 3) + "\"}";
		assertThat(catchThrowable(() -> this.hot.decodeProbeFrame(over))).isInstanceOf(FrameCodec.BadFrameException.class)
			.hasMessageContaining("exceeds");
	}

	private static <T> void assertSameReading(String text, Function<String, T> hot, Function<String, T> bound) {
		Object expected;
		try {
			expected = bound.apply(text);
		}
		catch (FrameCodec.BadFrameException ex) {
			expected = ex;
		}
		Object actual;
		try {
			actual = hot.apply(text);
		}
		catch (FrameCodec.BadFrameException ex) {
			actual = ex;
		}
		if (expected instanceof FrameCodec.BadFrameException refused) {
			assertThat(actual).as("refused by data binding: %s", text).isInstanceOf(FrameCodec.BadFrameException.class);
			assertThat(((Throwable) actual).getMessage()).as(text).isEqualTo(refused.getMessage());
		}
		else {
			assertThat(actual).as("read from %s", text).isEqualTo(expected);
		}
	}

	/** Cuts, repeats, swaps or replaces a character or a run of the text. */
	private String damage(String text) {
		StringBuilder out = new StringBuilder(text);
		int at = this.random.nextInt(text.length());
		switch (this.random.nextInt(5)) {
			case 0 -> out.setLength(at);
			case 1 -> out.deleteCharAt(at);
			case 2 -> out.insert(at, "{}[],:\"0-tnx\\".charAt(this.random.nextInt(13)));
			case 3 -> out.setCharAt(at, "{}[],:\"0-tnx\\".charAt(this.random.nextInt(13)));
			default -> out.insert(at, text, 0, Math.min(text.length(), this.random.nextInt(20)));
		}
		return out.toString();
	}

	private ServerFrame serverFrame() {
		return switch (this.random.nextInt(9)) {
			case 5 -> new Welcome(text(), text(), this.random.nextInt(), this.random.nextLong(),
					maybe(this.random.nextBoolean()));
			case 6 -> new ErrorFrame(text(), text(), maybe(text()));
			case 7 -> new CampaignNotice(this.random.nextLong(), text());
			case 8 -> sourceList();
			case 0 -> new Ping(this.random.nextLong());
			case 1 -> new BlockLease(text(), this.random.nextLong(), this.random.nextInt(), text(), text(), strings(),
					this.random.nextBoolean(), this.random.nextLong());
			case 2 -> (this.random.nextBoolean()) ? new BlockAck(text(), this.random.nextBoolean(), maybe(text()))
					: BlockAck.deferred(text(), text(), this.random.nextInt(100_000));
			case 3 -> new Task(maybe(text()), this.random.nextLong(),
					new RdapQuery(text(), this.random.nextInt(), this.random.nextLong(), this.random.nextBoolean(),
							maybe(pace())));
			default -> new Task(text(), this.random.nextInt(60_000),
					new WhoisQuery(text(), this.random.nextInt(65536), text(), maybe("ISO-8859-1"), this.random.nextInt(),
							this.random.nextLong(),
							maybe(new SocksProxy(text(), this.random.nextInt(65536), maybe(text()), maybe(text()))),
							maybe(pace())));
		};
	}

	private ProbeFrame probeFrame() {
		return switch (this.random.nextInt(10)) {
			case 6 -> new Hello(text(), text(), text(), this.random.nextInt(), strings(), this.random.nextInt(),
					maybe(strings()));
			case 7 -> new ErrorFrame(text(), maybe(text()), maybe(text()));
			case 8 -> new BlockGiveUp(text(), text(), maybe(this.random.nextLong()));
			case 9 -> {
				List<SourceRests.Rest> rests = new ArrayList<>();
				for (int i = this.random.nextInt(4); i > 0; i--) {
					rests.add(new SourceRests.Rest(text(), this.random.nextLong(), maybe(text()), maybe(text())));
				}
				yield new SourceRests(rests);
			}
			case 0 -> new Pong(this.random.nextLong());
			case 1 -> new CreditGrant(this.random.nextInt());
			case 2 -> new WantBlocks(this.random.nextInt(100));
			case 3 -> new BlockProgress(text(), this.random.nextInt());
			case 4 -> {
				List<BlockResult.IpFinding> found = new ArrayList<>();
				for (int i = this.random.nextInt(4); i > 0; i--) {
					List<BlockResult.DomainFinding> domains = new ArrayList<>();
					for (int j = this.random.nextInt(3); j > 0; j--) {
						Boolean verified = switch (this.random.nextInt(3)) {
							case 0 -> null;
							case 1 -> true;
							default -> false;
						};
						domains.add(new BlockResult.DomainFinding(text(), strings(), verified));
					}
					found.add(new BlockResult.IpFinding(text(), domains));
				}
				yield new BlockResult(text(), found, strings());
			}
			default -> new TaskResult(text(),
					TaskResult.Outcome.values()[this.random.nextInt(TaskResult.Outcome.values().length)], maybe(text()),
					this.random.nextLong(), this.random.nextInt(), maybe(text()), maybe(this.random.nextLong()),
					maybe(this.random.nextInt(3)));
		};
	}

	/** The built-in definitions, at random bases, with random keys, canaries, limits, paces and markers. */
	private SourceList sourceList() {
		List<SourceDefinition> sources = new ArrayList<>();
		for (int i = this.random.nextInt(4); i > 0; i--) {
			String base = "http://" + (char) ('a' + this.random.nextInt(26)) + ".example:" + this.random.nextInt(65536)
					+ "/" + maybe("p/");
			SourceDefinition definition = switch (this.random.nextInt(6)) {
				case 0 -> SourceCatalogue.plainText(base);
				case 1 -> SourceCatalogue.formJson(base);
				case 2 -> SourceCatalogue.pagedTable(base);
				case 3 -> SourceCatalogue.chineseList(base);
				case 4 -> SourceCatalogue.searchResults(base);
				default -> SourceCatalogue.passiveDns(base).withKey("k" + this.random.nextInt());
			};
			definition = definition.withPace(pace()).withLimits(1 + this.random.nextInt(50), 1 + this.random.nextInt(9));
			if (this.random.nextBoolean()) {
				definition = definition.withCanary("192.0.2." + this.random.nextInt(256));
			}
			if (this.random.nextBoolean()) {
				definition = definition.withRequest(definition.request().withHeader(text(), text()));
			}
			if (this.random.nextBoolean()) {
				List<BlockMarker> markers = new ArrayList<>(definition.blockMarkers());
				markers.add(BlockMarker.bodyContains("x" + text(), Verdict.values()[this.random.nextInt(Verdict.values().length)]));
				definition = new SourceDefinition(definition.name(), 1 + this.random.nextInt(9), definition.request(),
						definition.extractor(), definition.pagination(), markers, definition.emptyMarkers(),
						definition.layoutCheck(), definition.pace(), definition.maxResults(), definition.canary());
			}
			sources.add(definition);
		}
		return new SourceList(sources);
	}

	private Pace pace() {
		return new Pace(this.random.nextInt(10_000), 1 + this.random.nextInt(100));
	}

	private List<String> strings() {
		List<String> values = new ArrayList<>();
		for (int i = this.random.nextInt(4); i > 0; i--) {
			values.add(text());
		}
		return values;
	}

	/** Text with what JSON must escape, non-ASCII letters and characters outside the BMP. */
	private String text() {
		String alphabet = "ab.-_0\"\\/\n\t\r\u0000\u001fé€漢\u2028";
		StringBuilder out = new StringBuilder();
		for (int i = this.random.nextInt(12); i > 0; i--) {
			if (this.random.nextInt(10) == 0) {
				out.append("😀");
			}
			else {
				out.append(alphabet.charAt(this.random.nextInt(alphabet.length())));
			}
		}
		return out.toString();
	}

	private <T> @Nullable T maybe(T value) {
		return this.random.nextBoolean() ? value : null;
	}
}
