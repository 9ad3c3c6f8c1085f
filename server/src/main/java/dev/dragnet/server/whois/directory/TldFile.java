package dev.dragnet.server.whois.directory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads the bundled {@code whois/tld.json} (schema 2 of the whois gem's table): suffix to
 * {@code {host, adapter, format, url}}.
 *
 * <p>Entries with a host are WHOIS servers on port 43. Adapter {@code none} marks registries without WHOIS,
 * {@code web} those with only a web page, {@code formatted} carries its own query format and
 * {@code verisign} the thin registries that want {@code domain <name>}. The {@code arpa} adapter (reverse DNS)
 * is not a domain registry and is skipped, as is the {@code _} metadata entry.
 */
final class TldFile {

	private TldFile() {
	}

	/** One row to seed, with {@code service} as stored: {@code whois}, {@code none} or {@code web}. */
	record Row(String suffix, @Nullable String host, String queryFormat, String service, @Nullable String webUrl) {
	}

	static List<Row> rows(JsonNode root) {
		List<Row> rows = new ArrayList<>();
		for (Map.Entry<String, JsonNode> entry : root.properties()) {
			String suffix = entry.getKey().toLowerCase(Locale.ROOT);
			if (suffix.startsWith("_")) {
				continue;
			}
			Row row = row(suffix, entry.getValue());
			if (row != null) {
				rows.add(row);
			}
		}
		return rows;
	}

	/** The {@code updated} time of the file, for the log. */
	static String updated(JsonNode root) {
		return text(root.path("_"), "updated", "unknown");
	}

	private static @Nullable Row row(String suffix, JsonNode entry) {
		String adapter = text(entry, "adapter", "");
		String host = text(entry, "host", null);
		String url = text(entry, "url", null);
		String format = switch (adapter) {
			case "verisign" -> "domain %s";
			case "formatted" -> text(entry, "format", "%s");
			default -> "%s";
		};
		return switch (adapter) {
			case "arpa" -> null;
			case "none" -> new Row(suffix, host, format, "none", null);
			case "web" -> new Row(suffix, host, format, "web", url);
			default -> (host != null) ? new Row(suffix, host.toLowerCase(Locale.ROOT), format, "whois", url)
					: new Row(suffix, null, format, "none", url);
		};
	}

	private static @Nullable String text(JsonNode node, String field, @Nullable String fallback) {
		JsonNode value = node.get(field);
		return (value != null && value.isString() && !value.asString().isBlank()) ? value.asString().trim() : fallback;
	}
}
