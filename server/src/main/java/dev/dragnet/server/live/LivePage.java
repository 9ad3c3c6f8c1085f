package dev.dragnet.server.live;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Serves the status page: {@code /} (the HTML), {@code /dragnet.js} and {@code /dragnet.css}, from
 * {@code classpath:page/}. The three files are small and read once at start, so a request never touches the
 * file system: no blocking read, and no zero-copy {@code sendfile} from an event loop (which stalled here when
 * the files were served as static resources from a directory).
 */
@Configuration(proxyBeanMethods = false)
class LivePage {

	@Bean
	RouterFunction<ServerResponse> livePageRoutes() {
		Asset html = Asset.read("page/index.html", new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8));
		Asset script = Asset.read("page/dragnet.js", new MediaType("text", "javascript", StandardCharsets.UTF_8));
		Asset style = Asset.read("page/dragnet.css", new MediaType("text", "css", StandardCharsets.UTF_8));
		return RouterFunctions.route()
			.GET("/", html::serve)
			.GET("/index.html", html::serve)
			.GET("/dragnet.js", script::serve)
			.GET("/dragnet.css", style::serve)
			.build();
	}

	/** One file of the page, in memory, with its ETag; browsers revalidate it on each load. */
	private record Asset(byte[] bytes, MediaType type, String etag) {

		static Asset read(String path, MediaType type) {
			try (InputStream in = new ClassPathResource(path).getInputStream()) {
				byte[] bytes = in.readAllBytes();
				String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8)
						+ "\"";
				return new Asset(bytes, type, etag);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("the status page file " + path + " is missing from the build", ex);
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/**
		 * 304 when {@code If-None-Match} names this version: Spring's conditional-request check
		 * ({@code ServerWebExchange.checkNotModified}) reads lists and weak {@code W/} tags; {@code *} it applies to
		 * unsafe methods only, so a GET with it gets the file.
		 */
		Mono<ServerResponse> serve(ServerRequest request) {
			return request.checkNotModified(this.etag)
				.switchIfEmpty(Mono.defer(() -> ServerResponse.ok()
					.contentType(this.type)
					.eTag(this.etag)
					.cacheControl(CacheControl.noCache())
					.bodyValue(this.bytes)));
		}
	}
}
