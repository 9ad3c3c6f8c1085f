package dev.dragnet.probe.campaign;

import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import org.jspecify.annotations.Nullable;

/**
 * One source a block can be answered from: a declarative definition the server sent, or the built-in
 * {@value SourceCatalogue#PTR} lookup, which has none.
 *
 * @param name the name results are tagged with
 * @param definition the definition, or {@code null} for the PTR lookup
 */
record Source(String name, @Nullable SourceDefinition definition) {

	private static final Source PTR = new Source(SourceCatalogue.PTR, null);

	/** The built-in PTR lookup. */
	static Source ptr() {
		return PTR;
	}

	/** A declarative source. */
	static Source of(SourceDefinition definition) {
		return new Source(definition.name(), definition);
	}

	boolean isPtr() {
		return this.definition == null;
	}

	/** The address that tells this source's silent ban from empty answers, or {@code null} when it has none. */
	@Nullable String canary() {
		return (this.definition != null) ? this.definition.canary() : null;
	}

}
