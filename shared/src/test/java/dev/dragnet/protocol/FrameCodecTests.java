package dev.dragnet.protocol;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameCodecTests {

	private final FrameCodec codec = new FrameCodec();

	@Test
	void probeFramesSurviveARoundTrip() {
		List<ProbeFrame> frames = List.of(new Hello("cafe-12", "t", "0.1", 1, List.of("whois"), 32),
				new Hello("cafe-12", "t", "0.1", 1, List.of("reverse-ip"), 32, List.of("l-7", "l-8")), new Pong(7),
				new CreditGrant(3), new TaskResult("t-1", TaskResult.Outcome.OK, "Domain Name: X", 14, 5, null),
				new ErrorFrame(ErrorFrame.BAD_FRAME, "oops", null), new WantBlocks(4), new BlockProgress("l-1", 17),
				new BlockResult("l-1",
						List.of(new BlockResult.IpFinding("192.0.2.1",
								List.of(new BlockResult.DomainFinding("example.com", List.of("ptr"), true)))),
						List.of("192.0.2.2")),
				new BlockGiveUp("l-2", "no source could answer for 192.0.2.9: ip138 (resting 600 s)"),
				new BlockGiveUp("l-3", "every source rests", 600_000L),
				new SourceRests(List.of(new SourceRests.Rest("ip138", 600_000, "CAPTCHA", "blocked (CAPTCHA)"),
						new SourceRests.Rest("plain", 0, null, null))));
		for (ProbeFrame frame : frames) {
			assertThat(this.codec.decodeProbeFrame(this.codec.encode(frame))).isEqualTo(frame);
		}
	}

	@Test
	void serverFramesSurviveARoundTrip() {
		List<ServerFrame> frames = List.of(new Welcome("cafe-12", "0.1", 1, 10_000), new Ping(3),
				new Task("t-1", 5000, new WhoisQuery("whois.example", 43, "domain example.com", null, 65536, 2000,
						new SocksProxy("127.0.0.1", 1080, "u", "p"))),
				new BlockLease("l-1", 7, 3, "192.0.2.0", "192.0.2.255", List.of("ptr"), false, 300_000),
				new BlockAck("l-1", false, "not your lease"), BlockAck.deferred("l-2", "the database is away", 2000),
				new CampaignNotice(3, CampaignNotice.STARTED),
				new SourceList(List.of(dev.dragnet.protocol.source.SourceCatalogue.plainText("https://api.example/"))));
		for (ServerFrame frame : frames) {
			assertThat(this.codec.decodeServerFrame(this.codec.encode(frame))).isEqualTo(frame);
		}
	}

	@Test
	void framesCarryTheirTypeByName() {
		assertThat(this.codec.encode(new CreditGrant(2))).isEqualTo("{\"type\":\"credit\",\"credits\":2}");
		assertThat(this.codec.encode(new Task("x", 1, new WhoisQuery("h", 43, "q", null, 1, 1, null))))
			.contains("\"type\":\"task\"", "\"kind\":\"whois\"");
		assertThat(this.codec.encode(new BlockGiveUp("l-1", "every source rests")))
			.isEqualTo("{\"type\":\"block-give-up\",\"leaseId\":\"l-1\",\"reason\":\"every source rests\"}");
		assertThat(this.codec.encode(new BlockGiveUp("l-1", "every source rests", 1500L))).contains("\"restingMillis\":1500");
	}

	@Test
	void aGiveUpFromAnOlderProbeHasNoRestingTime() {
		assertThat(this.codec.decodeProbeFrame("{\"type\":\"block-give-up\",\"leaseId\":\"l\",\"reason\":\"r\"}"))
			.isEqualTo(new BlockGiveUp("l", "r", null));
	}

	@Test
	void aDeferralSaysWhenToSendAgainAndOlderFramesReadAsBefore() {
		assertThat(this.codec.encode(BlockAck.deferred("l-1", "the database is away", 2000)))
			.isEqualTo("{\"type\":\"block-ack\",\"leaseId\":\"l-1\",\"accepted\":false,"
					+ "\"reason\":\"the database is away\",\"retryAfterMillis\":2000}");
		assertThat(this.codec.encode(new BlockAck("l-1", true, null))).doesNotContain("retryAfterMillis");
		BlockAck refused = (BlockAck) this.codec.decodeServerFrame(
				"{\"type\":\"block-ack\",\"leaseId\":\"l\",\"accepted\":false,\"reason\":\"r\"}");
		assertThat(refused.deferral()).isFalse();
		Hello older = (Hello) this.codec.decodeProbeFrame("{\"type\":\"hello\",\"name\":\"p\",\"token\":\"t\","
				+ "\"version\":\"0.1\",\"protocol\":1,\"capabilities\":[\"whois\"],\"maxConcurrency\":4}");
		assertThat(older.heldResults()).isEmpty();
	}

	@Test
	void creditInTheResultIsSaidOnlyWhenUsed() {
		TaskResult plain = new TaskResult("t-1", TaskResult.Outcome.OK, "x", 1, 2, null);
		assertThat(this.codec.encode(plain)).doesNotContain("credits");
		assertThat(this.codec.encode(plain.withCredits(1))).endsWith(",\"credits\":1}");
		assertThat(this.codec.decodeProbeFrame(this.codec.encode(plain.withCredits(1)))).isEqualTo(plain.withCredits(1));
		Welcome older = new Welcome("p", "0.1", 1, 10_000);
		assertThat(this.codec.encode(older)).doesNotContain("creditInResult");
		Welcome newer = (Welcome) this.codec.decodeServerFrame(this.codec.encode(new Welcome("p", "0.2", 1, 10_000, true)));
		assertThat(newer.takesCreditInResult()).isTrue();
		assertThat(((Welcome) this.codec.decodeServerFrame(this.codec.encode(older))).takesCreditInResult()).isFalse();
	}

	@Test
	void unknownPropertiesAreIgnoredForForwardCompatibility() {
		assertThat(this.codec.decodeProbeFrame("{\"type\":\"pong\",\"seq\":4,\"newField\":true}")).isEqualTo(new Pong(4));
	}

	@Test
	void malformedFramesAreRejectedWithAReason() {
		assertThatThrownBy(() -> this.codec.decodeProbeFrame("not json")).isInstanceOf(FrameCodec.BadFrameException.class);
		assertThatThrownBy(() -> this.codec.decodeProbeFrame("{\"type\":\"teleport\"}"))
			.isInstanceOf(FrameCodec.BadFrameException.class)
			.hasMessageContaining("teleport");
		assertThatThrownBy(() -> this.codec.decodeProbeFrame("{\"seq\":1}")).isInstanceOf(FrameCodec.BadFrameException.class);
		assertThatThrownBy(() -> this.codec.decodeProbeFrame("null")).isInstanceOf(FrameCodec.BadFrameException.class);
		assertThatThrownBy(() -> this.codec.decodeProbeFrame("{\"type\":\"pong\"}"))
			.as("missing primitive field").isInstanceOf(FrameCodec.BadFrameException.class);
	}

	@Test
	void aServerFrameTypeIsNotAcceptedFromAProbe() {
		String ping = this.codec.encode(new Ping(1));
		assertThatThrownBy(() -> this.codec.decodeProbeFrame(ping)).isInstanceOf(FrameCodec.BadFrameException.class);
	}

	@Test
	void oversizedFramesAreRejectedBeforeParsing() {
		String big = "{\"type\":\"pong\",\"seq\":1,\"pad\":\"" + "x".repeat(Protocol.MAX_FRAME_BYTES) + "\"}";
		assertThatThrownBy(() -> this.codec.decodeProbeFrame(big)).isInstanceOf(FrameCodec.BadFrameException.class)
			.hasMessageContaining("exceeds");
	}

	@Test
	void aTaskThatCannotBeReadStillNamesItsIdAndKind() {
		assertThat(this.codec.taskHeader("{\"work\":{\"x\":[1],\"kind\":\"gopher\"},\"id\":\"t1\",\"type\":\"task\"}"))
			.isEqualTo(new FrameCodec.TaskHeader("t1", "gopher"));
		assertThat(this.codec.taskHeader("{\"type\":\"task\",\"id\":7,\"deadlineMillis\":\"soon\"}"))
			.isEqualTo(new FrameCodec.TaskHeader("7", ""));
		assertThat(this.codec.taskHeader("{\"type\":\"task\",\"id\":{\"a\":1},\"work\":\"whois\"}"))
			.isEqualTo(new FrameCodec.TaskHeader(null, ""));
		assertThat(this.codec.taskHeader("{\"type\":\"ping\",\"id\":\"t1\"}")).isNull();
		assertThat(this.codec.taskHeader("{\"type\":\"task\",\"id\":\"t1\"")).as("cut short").isNull();
		assertThat(this.codec.taskHeader("[\"task\"]")).isNull();
		assertThat(this.codec.taskHeader("not json")).isNull();
	}
}
