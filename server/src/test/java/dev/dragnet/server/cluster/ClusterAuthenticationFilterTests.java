package dev.dragnet.server.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.dragnet.server.web.ProblemResponseWriter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/** The internal endpoints take calls only with the configured cluster secret; nothing else is affected. */
class ClusterAuthenticationFilterTests {

	private static final String SECRET = "a-cluster-secret-of-some-length";

	@Test
	void withoutAConfiguredSecretEveryInternalCallIsRefused() {
		assertThat(call(null, "/internal/cluster/stats", "")).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(call(null, "/internal/cluster/stats", SECRET)).isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void aMissingOrWrongSecretIsRefused() {
		assertThat(call(SECRET, "/internal/cluster/tasks", null)).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(call(SECRET, "/internal/cluster/tasks", SECRET + "x")).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(call(SECRET, "//internal/cluster/tasks", null)).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(call(SECRET, "/%69nternal/cluster/tasks", null)).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(call(SECRET, "/INTERNAL/cluster/tasks", null)).isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void theSecretLetsTheCallThrough() {
		assertThat(call(SECRET, "/internal/cluster/tasks", SECRET)).isNull();
	}

	@Test
	void otherPathsAreNotItsBusiness() {
		assertThat(call(null, "/WHOIS/example.com", null)).isNull();
		assertThat(call(SECRET, "/api/internal/x", null)).isNull();
	}

	/** The status the filter answered with, or null when it passed the request on. */
	private static @Nullable HttpStatus call(@Nullable String configured, String path, @Nullable String presented) {
		ClusterProperties properties = new ClusterProperties(Duration.ofSeconds(2), Duration.ofSeconds(10), null,
				configured, Duration.ofSeconds(2), 8, Duration.ofSeconds(2));
		ClusterAuthenticationFilter filter = new ClusterAuthenticationFilter(new ClusterSecret(properties),
				new ProblemResponseWriter(ServerCodecConfigurer.create()));
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.method(HttpMethod.GET, URI.create("http://localhost" + path));
		if (presented != null) {
			request.header(ClusterSecret.HEADER, presented);
		}
		MockServerWebExchange exchange = MockServerWebExchange.from(request);
		AtomicBoolean passed = new AtomicBoolean();
		filter.filter(exchange, (e) -> {
			passed.set(true);
			return Mono.empty();
		}).block(Duration.ofSeconds(5));
		return passed.get() ? null : HttpStatus.resolve(exchange.getResponse().getStatusCode().value());
	}
}
