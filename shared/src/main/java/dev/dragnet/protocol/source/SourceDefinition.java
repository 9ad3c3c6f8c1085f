package dev.dragnet.protocol.source;

import java.util.List;
import java.util.Objects;

import dev.dragnet.net.Addresses;
import dev.dragnet.protocol.Pace;
import org.jspecify.annotations.Nullable;

/**
 * One reverse-IP source, declared rather than coded, so the server can change it faster than probes are upgraded.
 * A probe answering "which domains are hosted on this address?" from it: builds {@link #request()}, checks
 * {@link #blockMarkers()} (a block), then {@link #emptyMarkers()} (a genuine "nothing hosted"), then
 * {@link #layoutCheck()} (the page still has the shape the extractor expects; otherwise "page changed", never a
 * silent zero), then extracts names with {@link #extractor()}, page by page as {@link #pagination()} says.
 *
 * @param name the source's stable name ({@code "rapiddns"}); every result carries it
 * @param version the definition's version, raised on every change, so results can be traced to the definition that
 * made them
 * @param request the HTTP request template
 * @param extractor where the names (and the site's total) are in an answer
 * @param pagination how to walk pages, or {@code null} when one answer holds everything the site gives
 * @param blockMarkers the signs of a block, checked in order, first match wins
 * @param emptyMarkers texts in an answer that mean the site genuinely knows no names for the address
 * ({@code "No DNS A records found"}); checked after the block markers and before the layout check
 * @param layoutCheck what an answer in the expected layout always has, read as the extractor reads: {@link Extractor.Kind#CSS}
 * a selector that must match, {@link Extractor.Kind#JSON_POINTER} a pointer that must be present,
 * {@link Extractor.Kind#NDJSON} a pointer every record line must have,
 * {@link Extractor.Kind#REGEX} a pattern that must be found, {@link Extractor.Kind#LINES} a pattern every non-blank
 * line must match in full; or {@code null} for no check (not advised: a changed page then reads as "none")
 * @param pace how this probe paces its requests to the source's host
 * @param maxResults most names taken for one address (B7: more available marks the answer truncated)
 * @param canary an address (IPv4 or IPv6 literal) the source is known to list names for, or {@code null}. A probe asks
 * about it when the source's "no names" answers pile up, to tell a silent ban (B5: normal pages with zero rows) from
 * genuinely empty addresses; without one, a source's empty answers are taken as they come
 */
public record SourceDefinition(String name, int version, SourceRequest request, Extractor extractor,
		@Nullable Pagination pagination, List<BlockMarker> blockMarkers, List<String> emptyMarkers,
		@Nullable String layoutCheck, Pace pace, int maxResults, @Nullable String canary) {

	/** Checks the required parts and copies the lists. */
	public SourceDefinition {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(request, "request");
		Objects.requireNonNull(extractor, "extractor");
		Objects.requireNonNull(pace, "pace");
		if (name.isBlank()) {
			throw new IllegalArgumentException("a source needs a name");
		}
		if (version < 1 || maxResults < 1) {
			throw new IllegalArgumentException("a source needs version >= 1 and maxResults >= 1");
		}
		blockMarkers = (blockMarkers != null) ? List.copyOf(blockMarkers) : List.of();
		emptyMarkers = (emptyMarkers != null) ? List.copyOf(emptyMarkers) : List.of();
		if (emptyMarkers.stream().anyMatch(String::isEmpty)) {
			throw new IllegalArgumentException("an empty marker must not be empty: it would match every answer");
		}
		if (layoutCheck != null && (extractor.kind() == Extractor.Kind.REGEX || extractor.kind() == Extractor.Kind.LINES)) {
			java.util.regex.Pattern.compile(layoutCheck);
		}
		if (layoutCheck != null && extractor.kind() == Extractor.Kind.NDJSON && !layoutCheck.startsWith("/")) {
			throw new IllegalArgumentException("an NDJSON layout check is a JSON pointer, not " + layoutCheck);
		}
		if (canary != null && Addresses.parseLiteral(canary.trim()) == null) {
			throw new IllegalArgumentException("a canary is an IP address, not " + canary);
		}
	}

	/** A definition without a canary. */
	public SourceDefinition(String name, int version, SourceRequest request, Extractor extractor,
			@Nullable Pagination pagination, List<BlockMarker> blockMarkers, List<String> emptyMarkers,
			@Nullable String layoutCheck, Pace pace, int maxResults) {
		this(name, version, request, extractor, pagination, blockMarkers, emptyMarkers, layoutCheck, pace, maxResults,
				null);
	}

	/** This definition with {@code {base}} and {@code {origin}} filled in; see {@link SourceRequest#withBase}. */
	public SourceDefinition withBase(String base) {
		return withRequest(this.request.withBase(base));
	}

	/** Whether asking this source needs an API key ({@code {key}} in its request). */
	public boolean needsKey() {
		return this.request.needsKey();
	}

	/** This definition with {@code {key}} filled in; see {@link SourceRequest#withKey}. */
	public SourceDefinition withKey(String key) {
		return withRequest(this.request.withKey(key));
	}

	/** This definition with another request. */
	public SourceDefinition withRequest(SourceRequest other) {
		return new SourceDefinition(this.name, this.version, other, this.extractor, this.pagination, this.blockMarkers,
				this.emptyMarkers, this.layoutCheck, this.pace, this.maxResults, this.canary);
	}

	/** This definition with another pace. */
	public SourceDefinition withPace(Pace other) {
		return new SourceDefinition(this.name, this.version, this.request, this.extractor, this.pagination,
				this.blockMarkers, this.emptyMarkers, this.layoutCheck, other, this.maxResults, this.canary);
	}

	/** This definition with another canary address ({@code null}: none). */
	public SourceDefinition withCanary(@Nullable String address) {
		return new SourceDefinition(this.name, this.version, this.request, this.extractor, this.pagination,
				this.blockMarkers, this.emptyMarkers, this.layoutCheck, this.pace, this.maxResults, address);
	}

	/** This definition with other caps: {@code maxPages} (ignored without pagination) and {@code maxResults}. */
	public SourceDefinition withLimits(int maxPages, int maxResults) {
		Pagination paging = (this.pagination != null) ? new Pagination(this.pagination.first(), this.pagination.step(),
				this.pagination.perPage(), maxPages) : null;
		return new SourceDefinition(this.name, this.version, this.request, this.extractor, paging, this.blockMarkers,
				this.emptyMarkers, this.layoutCheck, this.pace, maxResults, this.canary);
	}

}
