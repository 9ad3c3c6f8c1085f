package dev.dragnet.probe;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerRotationTests {

	private static final URI A = URI.create("wss://a.example/ws/probe");

	private static final URI B = URI.create("wss://b.example/ws/probe");

	private static final URI C = URI.create("wss://c.example/ws/probe");

	@Test
	void takesTheServersInTurnFromWhereItStarted() {
		ServerRotation rotation = new ServerRotation(List.of(A, B, C), (count) -> 1);
		List<URI> visited = new ArrayList<>(List.of(rotation.current()));
		for (int i = 0; i < 6; i++) {
			visited.add(rotation.advance());
		}
		assertThat(visited).containsExactly(B, C, A, B, C, A, B);
		assertThat(rotation.current()).isEqualTo(B);
		assertThat(rotation.several()).isTrue();
	}

	@Test
	void oneServerIsAlwaysTheCurrentOne() {
		ServerRotation rotation = new ServerRotation(List.of(A), (count) -> 0);
		assertThat(rotation.advance()).isEqualTo(A);
		assertThat(rotation.current()).isEqualTo(A);
		assertThat(rotation.several()).isFalse();
	}

	@Test
	void aFleetStartsSpreadOverTheServers() {
		Random random = new Random(11);
		Map<URI, Integer> starts = new HashMap<>();
		for (int probe = 0; probe < 3000; probe++) {
			starts.merge(new ServerRotation(List.of(A, B, C), random::nextInt).current(), 1, Integer::sum);
		}
		assertThat(starts).containsOnlyKeys(A, B, C);
		assertThat(starts.values()).allSatisfy((count) -> assertThat(count).isBetween(850, 1150));
	}

	@Test
	void aStartOutsideTheListWrapsAndAnEmptyListIsRefused() {
		assertThat(new ServerRotation(List.of(A, B), (count) -> -1).current()).isEqualTo(B);
		assertThat(new ServerRotation(List.of(A, B), (count) -> 5).current()).isEqualTo(B);
		assertThatThrownBy(() -> new ServerRotation(List.of(), (count) -> 0))
			.isInstanceOf(IllegalArgumentException.class);
	}
}
