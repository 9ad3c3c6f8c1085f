package dev.dragnet.server.campaign;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.dragnet.server.testsupport.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leases belong to a probe's session, not only its name: when a probe reconnects and its old session ends late,
 * only the old session's blocks go back.
 */
class BlockSessionsIntegrationTests {

	private static final String ADMIN = "block-sessions-admin";

	private static RunningServer server;

	@BeforeAll
	static void start() {
		server = RunningServer.start("--dragnet.admin.token=" + ADMIN, "--dragnet.campaigns.min-block-size=16");
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void theEndOfAnOldSessionGivesBackOnlyItsOwnBlocks() {
		Map<String, Object> created = server.http().post().uri("/api/campaigns").headers((h) -> h.setBearerAuth(ADMIN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "sessions", "ranges", List.of("192.0.2.0/27"), "blockSize", 16))
			.exchange().expectStatus().isCreated()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody();
		long id = ((Number) created.get("id")).longValue();
		server.http().post().uri("/api/campaigns/{id}/start", id).headers((h) -> h.setBearerAuth(ADMIN)).exchange()
			.expectStatus().isOk();
		BlockRepository blocks = server.context().getBean(BlockRepository.class);
		Duration lease = Duration.ofMinutes(5);

		BlockRepository.Leased old = leaseOne(blocks, "session-1", lease);
		BlockRepository.Leased young = leaseOne(blocks, "session-2", lease);
		assertThat(old.blockId()).isNotEqualTo(young.blockId());

		List<BlockRepository.Released> released = blocks.release("twin", "session-1", "gone", 3)
			.collectList()
			.block(Duration.ofSeconds(5));
		assertThat(released).extracting(BlockRepository.Released::leaseId).containsExactly(old.leaseId());
		assertThat(blocks.held("twin", young.leaseId()).block(Duration.ofSeconds(5))).isNotNull();
		assertThat(blocks.held("twin", old.leaseId()).block(Duration.ofSeconds(5))).isNull();
	}

	private static BlockRepository.Leased leaseOne(BlockRepository blocks, String session, Duration lease) {
		return blocks.leaseAll(List.of(new BlockRepository.Want("twin", session, 1, 4)), lease)
			.block(Duration.ofSeconds(5))
			.get(0)
			.get(0);
	}
}
