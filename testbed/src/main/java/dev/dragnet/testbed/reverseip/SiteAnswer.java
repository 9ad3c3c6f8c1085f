package dev.dragnet.testbed.reverseip;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link FakeSite} sends for one request: status, headers and body, or a reset; and how (after a delay, cut
 * short).
 */
record SiteAnswer(int status, Map<String, String> headers, byte[] body, boolean reset, boolean cutShort,
		Duration delay) {

	static final String HTML = "text/html; charset=utf-8";

	static final String TEXT = "text/plain; charset=utf-8";

	static SiteAnswer html(int status, String body) {
		return of(status, HTML, body.getBytes(StandardCharsets.UTF_8));
	}

	static SiteAnswer text(int status, String body) {
		return of(status, TEXT, body.getBytes(StandardCharsets.UTF_8));
	}

	static SiteAnswer of(int status, String contentType, byte[] body) {
		return new SiteAnswer(status, Map.of("Content-Type", contentType), body, false, false, Duration.ZERO);
	}

	static SiteAnswer redirect(String location) {
		return new SiteAnswer(302, Map.of("Location", location), new byte[0], false, false, Duration.ZERO);
	}

	static SiteAnswer connectionReset() {
		return new SiteAnswer(0, Map.of(), new byte[0], true, false, Duration.ZERO);
	}

	SiteAnswer withHeader(String name, String value) {
		Map<String, String> more = new LinkedHashMap<>(this.headers);
		more.put(name, value);
		return new SiteAnswer(this.status, more, this.body, this.reset, this.cutShort, this.delay);
	}

	SiteAnswer delayedBy(Duration pause) {
		return new SiteAnswer(this.status, this.headers, this.body, this.reset, this.cutShort, pause);
	}

	SiteAnswer cutShortAnswer() {
		return new SiteAnswer(this.status, this.headers, this.body, this.reset, true, this.delay);
	}

}
