package dev.dragnet.server.web;

import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemExceptionTests {

	@Test
	void aFailedFallbackKeepsTheFirstProblemsTypeStatusAndHeadersAndAddsItsOwn() {
		ProblemException first = new Busy();
		ProblemException second = new Refused();
		ProblemException both = first.followedBy("port 43", second);
		assertThat(both.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(both.type()).hasToString("/problems/busy");
		assertThat(both.title()).isEqualTo("Busy");
		assertThat(both.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("7");
		assertThat(both.getMessage()).isEqualTo("every probe rests; port 43 was tried next and failed too: no server");
		assertThat(both.properties()).containsEntry("wait", 7).containsEntry("fallback", Map.of("type",
				"/problems/refused", "status", 502, "title", "Refused", "detail", "no server", "reason", "policy"));
		assertThat(both.getCause()).isSameAs(first);
	}

	@Test
	void aFallbackThatFailedOtherwiseGivesItsMessageOrItsKind() {
		assertThat(new Busy().followedBy("port 43", new TimeoutException()).properties())
			.containsEntry("fallback", Map.of("detail", "TimeoutException"));
		assertThat(new Busy().followedBy("port 43", new IllegalStateException("closed")).getMessage())
			.endsWith("failed too: closed");
	}

	private static final class Busy extends ProblemException {

		Busy() {
			super(HttpStatus.SERVICE_UNAVAILABLE, "busy", "Busy", "every probe rests");
		}

		@Override
		public HttpHeaders headers() {
			HttpHeaders headers = new HttpHeaders();
			headers.set(HttpHeaders.RETRY_AFTER, "7");
			return headers;
		}

		@Override
		public Map<String, Object> properties() {
			return Map.of("wait", 7);
		}
	}

	private static final class Refused extends ProblemException {

		Refused() {
			super(HttpStatus.BAD_GATEWAY, "refused", "Refused", "no server");
		}

		@Override
		public Map<String, Object> properties() {
			return Map.of("reason", "policy");
		}
	}
}
