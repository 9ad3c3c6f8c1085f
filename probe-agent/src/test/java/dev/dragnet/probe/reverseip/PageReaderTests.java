package dev.dragnet.probe.reverseip;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.dragnet.probe.reverseip.PageReader.Reading;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.Verdict;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading single pages without a network. */
class PageReaderTests {

	private static final HttpHeaders NONE = new DefaultHttpHeaders();

	@Test
	void aBomIsDroppedAndTheCharsetIsTakenFromTheContentType() {
		byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}' };
		assertThat(PageReader.decode(bom, "text/html; charset=utf-8")).isEqualTo("{}");
		byte[] latin = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
		assertThat(PageReader.decode(latin, "text/plain; charset=ISO-8859-1")).isEqualTo("caf\u00e9");
		assertThat(PageReader.decode("绑定".getBytes(StandardCharsets.UTF_8), null)).isEqualTo("绑定");
		assertThat(PageReader.decode("x".getBytes(StandardCharsets.UTF_8), "text/plain; charset=nonsense")).isEqualTo("x");
	}

	@Test
	void anHtmlPageWithoutACharsetInItsTypeIsDecodedAsItsMetaSays() {
		String gbk = "<html><head><meta charset=\"gbk\"><title>绑定域名</title></head><body><td>例子.cn</td></body></html>";
		assertThat(PageReader.decode(gbk.getBytes(java.nio.charset.Charset.forName("GBK")), "text/html")).isEqualTo(gbk);
		assertThat(PageReader.decode(gbk.getBytes(java.nio.charset.Charset.forName("GBK")), null)).isEqualTo(gbk);
		String cyrillic = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">"
				+ "</head><body>пример.рф</body></html>";
		assertThat(PageReader.decode(cyrillic.getBytes(java.nio.charset.Charset.forName("windows-1251")),
				"text/html")).isEqualTo(cyrillic);
		// the Content-Type's charset comes first, as in browsers
		String latin = "<meta charset=\"gbk\"><p>caf\u00e9</p>";
		assertThat(PageReader.decode(latin.getBytes(StandardCharsets.ISO_8859_1), "text/html; charset=ISO-8859-1"))
			.isEqualTo(latin);
		// not HTML: no meta is looked for
		String json = "{\"x\":\"<meta charset=gbk>é\"}";
		assertThat(PageReader.decode(json.getBytes(StandardCharsets.UTF_8), "application/json")).isEqualTo(json);
	}

	@Test
	void theSitesTotalIsTheLastNumberShown() {
		assertThat(PageReader.lastNumber("11-20 of 1,037 results")).isEqualTo(1037L);
		assertThat(PageReader.lastNumber("12")).isEqualTo(12L);
		assertThat(PageReader.lastNumber("none")).isNull();
	}

	@Test
	void hostsAreTakenFromUrlsByHand() {
		assertThat(PageReader.hostOf("https://user@Host.example.:8443/x?y")).isEqualTo("Host.example.");
		assertThat(PageReader.hostOf("http://a.example")).isEqualTo("a.example");
		assertThat(PageReader.hostOf("//a.example/p")).isEqualTo("a.example");
		assertThat(PageReader.hostOf("http://[2001:db8::1]/")).isNull();
	}

	@Test
	void aBlockMarkerWinsOverTheStatusAndA429WithoutMarkerIsStillThrottling() {
		String challenge = "<html><head><title>Just a moment...</title></head></html>";
		Reading reading = PageReader.read(SourceCatalogue.pagedTable("http://s.example/"), 503, NONE, challenge);
		assertThat(reading).isInstanceOf(Reading.Blocked.class);
		assertThat(((Reading.Blocked) reading).verdict()).isEqualTo(Verdict.FIREWALL);
		HttpHeaders retry = new DefaultHttpHeaders().set("Retry-After", "120");
		Reading throttled = PageReader.read(SourceCatalogue.pagedTable("http://s.example/").withRequest(
				SourceCatalogue.pagedTable("http://s.example/").request()), 429, retry, "slow down");
		assertThat(throttled).isEqualTo(new Reading.Blocked(Verdict.THROTTLED, "matched STATUS 429",
				Duration.ofSeconds(120)));
		assertThat(PageReader.read(SourceCatalogue.plainText("http://s.example/"), 502, NONE, "Bad Gateway"))
			.isEqualTo(new Reading.Failed(502));
	}

	@Test
	void aPlainTextAnswerInAnotherShapeIsAChangedPage() {
		Reading csv = PageReader.read(SourceCatalogue.plainText("http://s.example/"), 200, NONE,
				"host,ip\na.example,192.0.2.1");
		assertThat(csv).isInstanceOf(Reading.Changed.class);
		Reading lines = PageReader.read(SourceCatalogue.plainText("http://s.example/"), 200, NONE,
				"a.example\r\n\r\nB.example.\n");
		assertThat(lines).isEqualTo(new Reading.Rows(java.util.List.of("a.example", "B.example."), null));
	}

	@Test
	void aPassiveDnsStreamIsReadBetweenItsConditions() {
		var dnsdb = SourceCatalogue.passiveDns("http://s.example/");
		String record = "{\"obj\":{\"count\":3,\"rrname\":\"A.example.\",\"rrtype\":\"A\",\"rdata\":\"192.0.2.1\"}}";
		String other = "{\"obj\":{\"rrname\":\"b.example.\",\"rrtype\":\"A\",\"rdata\":\"192.0.2.1\"}}";
		assertThat(PageReader.read(dnsdb, 200, NONE, "{\"cond\":\"begin\"}\n" + record + "\n{\"cond\":\"ongoing\"}\n"
				+ other + "\n{\"cond\":\"succeeded\"}\n"))
			.isEqualTo(new Reading.Rows(java.util.List.of("A.example.", "b.example."), null));
		assertThat(PageReader.read(dnsdb, 200, NONE, "{\"cond\":\"begin\"}\n{\"cond\":\"succeeded\"}"))
			.as("an empty stream is none").isEqualTo(new Reading.Rows(java.util.List.of(), null));
		assertThat(PageReader.read(dnsdb, 200, NONE, "{\"cond\":\"begin\"}\n" + record
				+ "\n{\"cond\":\"limited\",\"msg\":\"Result limit reached\"}"))
			.isEqualTo(new Reading.Rows(java.util.List.of("A.example."), null,
					"the source stopped at its result limit: Result limit reached"));
	}

	@Test
	void aPassiveDnsStreamCutShortOrFailedIsIncompleteAndAnotherShapeIsAChangedPage() {
		var dnsdb = SourceCatalogue.passiveDns("http://s.example/");
		String record = "{\"obj\":{\"rrname\":\"a.example.\",\"rrtype\":\"A\",\"rdata\":\"192.0.2.1\"}}";
		assertThat(PageReader.read(dnsdb, 200, NONE, "{\"cond\":\"begin\"}\n" + record + "\n"))
			.isInstanceOf(Reading.Incomplete.class);
		assertThat(PageReader.read(dnsdb, 200, NONE, "")).isInstanceOf(Reading.Incomplete.class);
		assertThat(PageReader.read(dnsdb, 200, NONE, "{\"cond\":\"begin\"}\n{\"cond\":\"failed\",\"msg\":\"boom\"}"))
			.isEqualTo(new Reading.Incomplete("the stream failed: boom"));
		assertThat(PageReader.read(dnsdb, 200, NONE, "{\"cond\":\"begin\"}\n{\"record\":{\"name\":\"a.example.\"}}\n"
				+ "{\"cond\":\"succeeded\"}")).isInstanceOf(Reading.Changed.class);
		assertThat(PageReader.read(dnsdb, 200, NONE, "<html>maintenance</html>")).isInstanceOf(Reading.Changed.class);
		assertThat(PageReader.read(dnsdb, 401, NONE, "Error: API key not valid."))
			.isEqualTo(new Reading.Blocked(Verdict.KEY_REFUSED, "matched STATUS 401", null));
	}

}
