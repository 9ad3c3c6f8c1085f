package dev.dragnet.protocol.source;

/**
 * How a source's answer is spread over pages. The request template names the page with placeholders: {@code {page}}
 * is {@code first + i * step} for the {@code i}-th page fetched (from 0), the page number as the site counts it;
 * {@code {first}} is {@code i * perPage}, the offset of the page's first result (Bing's {@code first=}).
 *
 * <p>A probe stops at the first of: a page with fewer than {@code perPage} rows, a page with no rows it has not seen
 * already (sites that answer "past the end" with the last page again), the site's total reached, {@code maxPages}
 * pages, or the definition's {@code maxResults} names.
 *
 * @param first the value of {@code {page}} on the first page (1 for {@code ?page=1})
 * @param step how much {@code {page}} grows from one page to the next
 * @param perPage how many rows a full page holds
 * @param maxPages most pages fetched for one address (B7: reaching it with more to come marks the answer truncated)
 */
public record Pagination(int first, int step, int perPage, int maxPages) {

	/** Checks the numbers make sense. */
	public Pagination {
		if (first < 0 || step < 1 || perPage < 1 || maxPages < 1) {
			throw new IllegalArgumentException("pagination needs first >= 0, step >= 1, perPage >= 1 and maxPages >= 1");
		}
	}

}
