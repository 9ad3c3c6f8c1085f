package dev.dragnet.server.whois.parse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real WHOIS answers in {@code whois-dev/domains} on the test class path (MIT licence, see its
 * {@code LICENSE}), for the JMH benchmarks: one answer by name, or all of them.
 */
public final class WhoisFixtures {

	private static final String ROOT = "whois-dev/domains";

	private WhoisFixtures() {
	}

	/**
	 * One answer: {@code "com/google.com"} is {@code whois-dev/domains/com/google.com.txt}.
	 * @throws IllegalArgumentException when there is no such fixture
	 */
	public static Answer answer(String name) {
		Path file = root().resolve(name + ".txt");
		if (!Files.isRegularFile(file)) {
			throw new IllegalArgumentException("no WHOIS fixture " + file);
		}
		return answer(file);
	}

	/** Every answer, sorted by path: registered names and "not found" answers ({@code free.txt}). */
	public static List<Answer> all() {
		try (Stream<Path> files = Files.walk(root())) {
			return files.filter((path) -> path.toString().endsWith(".txt")).sorted().map(WhoisFixtures::answer).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Answer answer(Path file) {
		String zone = file.getParent().getFileName().toString();
		String name = file.getFileName().toString().replaceFirst("\\.txt$", "").replaceFirst("_registrar_whois$", "");
		String domain = name.equals("free") ? "free." + zone : name;
		try {
			return new Answer(zone + "/" + file.getFileName(), domain,
					new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path root() {
		URL url = WhoisFixtures.class.getClassLoader().getResource(ROOT);
		if (url == null) {
			throw new IllegalStateException(ROOT + " is not on the class path");
		}
		try {
			return Path.of(url.toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A fixture.
	 * @param file its path under {@code whois-dev/domains}
	 * @param domain the domain it answers about
	 * @param text the answer
	 */
	public record Answer(String file, String domain, String text) {
	}
}
