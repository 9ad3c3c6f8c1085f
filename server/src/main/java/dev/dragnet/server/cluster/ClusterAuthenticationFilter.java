package dev.dragnet.server.cluster;

import dev.dragnet.server.web.ProblemException;
import dev.dragnet.server.web.ProblemResponseWriter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Guards everything under {@code /internal/}, the endpoints instances call on each other: a request passes only
 * with the {@link ClusterSecret#HEADER} header carrying {@code dragnet.cluster.secret}. Without a configured
 * secret every such request is refused, so a single instance exposes nothing new. Refusals are 401 problems.
 * The first path segment is matched as the controllers match it (decoded, without matrix variables), so
 * {@code /%69nternal/...} or {@code //internal/...} cannot slip past.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 90)
class ClusterAuthenticationFilter implements WebFilter {

	private final ClusterSecret secret;

	private final ProblemResponseWriter problems;

	ClusterAuthenticationFilter(ClusterSecret secret, ProblemResponseWriter problems) {
		this.secret = secret;
		this.problems = problems;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!isInternal(request)) {
			return chain.filter(exchange);
		}
		if (!this.secret.configured()) {
			return this.problems.write(exchange, new SecretRefused("this instance has no dragnet.cluster.secret, so it "
					+ "takes no calls from other instances"));
		}
		String presented = request.getHeaders().getFirst(ClusterSecret.HEADER);
		if (presented == null) {
			return this.problems.write(exchange, new SecretRefused("internal endpoints need the " + ClusterSecret.HEADER
					+ " header with the value of dragnet.cluster.secret"));
		}
		if (!this.secret.matches(presented)) {
			return this.problems.write(exchange, new SecretRefused("the " + ClusterSecret.HEADER + " header is not this "
					+ "instance's dragnet.cluster.secret; every instance must have the same one"));
		}
		return chain.filter(exchange);
	}

	private static boolean isInternal(ServerHttpRequest request) {
		for (PathContainer.Element element : request.getPath().pathWithinApplication().elements()) {
			if (element instanceof PathContainer.PathSegment segment && !segment.valueToMatch().isEmpty()) {
				return segment.valueToMatch().equalsIgnoreCase("internal");
			}
		}
		return false;
	}

	/** A call to an internal endpoint without the cluster secret. */
	static final class SecretRefused extends ProblemException {

		SecretRefused(String detail) {
			super(HttpStatus.UNAUTHORIZED, "cluster-secret-required", "Cluster secret required", detail);
		}
	}
}
