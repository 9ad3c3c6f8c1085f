package dev.dragnet.server.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Lets a request that changes data under {@code /api/} (POST, PUT, PATCH, DELETE) through only with
 * {@code Authorization: Bearer <admin token>}; with {@code dragnet.admin.protect-reads}, reads under
 * {@code /api/} need it too. Anything else, such as {@code /WHOIS/...}, is not affected. Runs before the
 * controllers and answers 401 problems itself.
 *
 * <p>Two exemptions, both reads that are POSTs only because their input is too large for a URL:
 * {@code POST /api/whois/parse} parses the WHOIS text in its body and answers the fields, storing and
 * sending nothing; {@code POST /api/whois/bulk} streams lookups, each the same as an open
 * {@code GET /api/whois/{domain}}. They are treated as reads: open unless {@code protect-reads} is on. The
 * match is exact (decoded segments), so no other path under {@code /api/} can borrow it. And
 * {@code POST /api/probes/enroll} is always open: a probe's one-time enrollment code is its authorisation.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 100)
class AdminAuthenticationFilter implements WebFilter {

	private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
			HttpMethod.DELETE);

	private static final String BEARER = "bearer ";

	private static final Set<List<String>> READ_ONLY_POSTS = Set.of(List.of("api", "whois", "parse"),
			List.of("api", "whois", "bulk"));

	/** A probe exchanging its one-time enrollment code: the code is its authorisation. */
	private static final List<String> ENROLL = List.of("api", "probes", "enroll");

	private final AdminToken token;

	private final boolean protectReads;

	private final ProblemResponseWriter problems;

	AdminAuthenticationFilter(AdminToken token, AdminProperties properties, ProblemResponseWriter problems) {
		this.token = token;
		this.protectReads = properties.protectReads();
		this.problems = problems;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!needsToken(request)) {
			return chain.filter(exchange);
		}
		String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
			return this.problems.write(exchange, new AdminProblems.TokenMissing(describe(request)));
		}
		if (!this.token.matches(authorization.substring(BEARER.length()).strip())) {
			return this.problems.write(exchange, new AdminProblems.TokenInvalid());
		}
		return chain.filter(exchange);
	}

	private boolean needsToken(ServerHttpRequest request) {
		if (!isUnderApi(request)) {
			return false;
		}
		HttpMethod method = request.getMethod();
		if (HttpMethod.POST.equals(method) && ENROLL.equals(segments(request))) {
			return false;
		}
		if (WRITES.contains(method) && !isReadOnlyPost(request)) {
			return true;
		}
		return this.protectReads && !HttpMethod.OPTIONS.equals(method);
	}

	/**
	 * Looks at the first non-empty path segment as the controllers will match it: decoded and without matrix
	 * variables, so {@code /%61pi/...} or {@code //api/...} cannot slip past.
	 */
	private static boolean isUnderApi(ServerHttpRequest request) {
		for (PathContainer.Element element : request.getPath().pathWithinApplication().elements()) {
			if (element instanceof PathContainer.PathSegment segment && !segment.valueToMatch().isEmpty()) {
				return segment.valueToMatch().equalsIgnoreCase("api");
			}
		}
		return false;
	}

	/** {@code POST /api/whois/parse} or {@code /api/whois/bulk}, exactly: see the class comment. */
	private static boolean isReadOnlyPost(ServerHttpRequest request) {
		if (!HttpMethod.POST.equals(request.getMethod())) {
			return false;
		}
		return READ_ONLY_POSTS.contains(segments(request));
	}

	private static List<String> segments(ServerHttpRequest request) {
		List<String> segments = new ArrayList<>();
		for (PathContainer.Element element : request.getPath().pathWithinApplication().elements()) {
			if (element instanceof PathContainer.PathSegment segment && !segment.valueToMatch().isEmpty()) {
				segments.add(segment.valueToMatch());
			}
		}
		return segments;
	}

	private static String describe(ServerHttpRequest request) {
		return request.getMethod().name() + " " + request.getPath().pathWithinApplication().value();
	}
}
