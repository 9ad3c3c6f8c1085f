package dev.dragnet.protocol;

import java.util.List;
import java.util.Objects;

import dev.dragnet.protocol.source.SourceDefinition;

/**
 * The reverse-IP source definitions a probe should use, sent after the welcome and again whenever an admin
 * changes one. The list replaces whatever the probe had.
 */
public record SourceList(List<SourceDefinition> sources) implements ServerFrame {

	public SourceList {
		sources = List.copyOf(Objects.requireNonNull(sources, "sources is missing"));
	}
}
