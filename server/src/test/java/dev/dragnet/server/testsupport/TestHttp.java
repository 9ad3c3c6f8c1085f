package dev.dragnet.server.testsupport;

import java.util.Map;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;

/**
 * WebTestClient for tests against a running server, with a new connection per request. In full test runs a
 * request sent on a kept-alive connection after certain error answers (a 401 from the admin filter, a 400, a
 * 503) sometimes waited past its timeout with nothing reaching the server; the cause is still open (see the
 * issue notes). Tests check what the server answers, so they do not reuse connections.
 */
public final class TestHttp {

	private TestHttp() {
	}

	/** {@code WebTestClient.bindToServer()} without keep-alive. */
	public static WebTestClient.Builder bindToServer() {
		return WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.create().keepAlive(false)));
	}

	/** {@code POST uri} with {@code body} as JSON and the admin token; expects 201 Created and returns its JSON body. */
	public static Map<String, Object> createAsAdmin(WebTestClient http, String adminToken, String uri,
			Map<String, Object> body) {
		return http.post()
			.uri(uri)
			.headers((h) -> h.setBearerAuth(adminToken))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	/**
	 * Creates a campaign through the admin API from {@code body} ({@code name}, {@code ranges}, {@code blockSize} and any
	 * other field of {@code POST /api/campaigns}) and starts it; returns its id.
	 */
	public static long startCampaign(WebTestClient http, String adminToken, Map<String, Object> body) {
		Map<String, Object> created = createAsAdmin(http, adminToken, "/api/campaigns", body);
		long id = ((Number) created.get("id")).longValue();
		http.post()
			.uri("/api/campaigns/{id}/start", id)
			.headers((h) -> h.setBearerAuth(adminToken))
			.exchange()
			.expectStatus()
			.isOk();
		return id;
	}
}
