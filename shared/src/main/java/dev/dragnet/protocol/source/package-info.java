/**
 * Declarative reverse-IP source definitions: what the server sends a probe so that it can ask a third-party
 * "same IP" site which domains are hosted on an address, and recognise every way the site refuses to say.
 *
 * <p>A {@link dev.dragnet.protocol.source.SourceDefinition} holds the request template
 * ({@link dev.dragnet.protocol.source.SourceRequest}), how names are found in the answer
 * ({@link dev.dragnet.protocol.source.Extractor}), how pages are walked
 * ({@link dev.dragnet.protocol.source.Pagination}), the texts that mean a block
 * ({@link dev.dragnet.protocol.source.BlockMarker}, each with a {@link dev.dragnet.protocol.source.Verdict}) or a
 * genuine "nothing hosted", a layout check that tells a changed page from an empty one, and a pace.
 * {@link dev.dragnet.protocol.source.SourceCatalogue} has the built-in definitions. Records only; they round-trip
 * through Jackson as JSON.
 */
@NullMarked
package dev.dragnet.protocol.source;

import org.jspecify.annotations.NullMarked;
