package dev.dragnet.server.live;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpStatusCode;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

class LivePageTests {

	private final RouterFunction<ServerResponse> routes = new LivePage().livePageRoutes();

	/**
	 * Lists and weak tags match; another tag does not. {@code *} is read as Spring reads it: it guards unsafe
	 * methods against lost updates, and a GET gets the file (browsers do not send it on GET).
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "{etag}|304", "W/{etag}|304", "\"0000\", {etag}|304",
			"\"a\",W/{etag} ,\"b\"|304", "*|200", "\"0000\"|200", "\"0000\", W/\"1111\"|200" })
	void ifNoneMatchIsReadAsRfc9110Says(String ifNoneMatch, int status) {
		String etag = get(null).headers().getETag();
		assertThat(etag).startsWith("\"");
		ServerResponse response = get(ifNoneMatch.replace("{etag}", etag));
		assertThat(response.statusCode()).isEqualTo(HttpStatusCode.valueOf(status));
		assertThat(response.headers().getETag()).isEqualTo(etag);
	}

	private ServerResponse get(String ifNoneMatch) {
		MockServerHttpRequest.BaseBuilder<?> builder = MockServerHttpRequest.get("/dragnet.js");
		if (ifNoneMatch != null) {
			builder.header("If-None-Match", ifNoneMatch);
		}
		ServerRequest request = ServerRequest.create(MockServerWebExchange.from(builder),
				HandlerStrategies.withDefaults().messageReaders());
		return this.routes.route(request)
			.flatMap((handler) -> handler.handle(request))
			.switchIfEmpty(Mono.error(new AssertionError("no route")))
			.block(Duration.ofSeconds(5));
	}
}
