package dev.dragnet.probe.reverseip;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;

import org.jspecify.annotations.Nullable;

/**
 * The names one lookup has gathered, page by page, and whether the source has more (B7). Rows are told apart by
 * what the page shows (a site that answers "past the end" with its last page again adds nothing new, which ends the
 * walk); names are normalised as they arrive and capped at {@code maxResults}, in the order shown. Not thread-safe:
 * its owner guards it. Holds at most the distinct rows of the pages read, which the page cap and body cap bound.
 */
final class NameTally {

	private final int maxResults;

	private final int perPage;

	private final LinkedHashSet<String> names = new LinkedHashSet<>();

	private final Set<String> seenRows = new HashSet<>();

	private int pages;

	private long shownRows;

	private long valuedRows;

	private @Nullable Long total;

	private boolean namesLeftOut;

	private boolean lastPageFull;

	private boolean stoppedAtMaxResults;

	private @Nullable String limited;

	/**
	 * @param maxResults most names kept
	 * @param perPage rows on a full page ({@link Integer#MAX_VALUE} without pagination)
	 */
	NameTally(int maxResults, int perPage) {
		this.maxResults = maxResults;
		this.perPage = perPage;
	}

	/**
	 * Takes one page: its rows ({@code null} for an entry without a value) and the site's total, if shown.
	 * @return whether a next page may hold more
	 */
	boolean take(List<@Nullable String> rows, @Nullable Long shownTotal) {
		this.pages++;
		if (shownTotal != null) {
			this.total = shownTotal;
		}
		int fresh = 0;
		for (String row : rows) {
			if (row == null || !this.seenRows.add(row)) {
				continue;
			}
			fresh++;
			this.valuedRows++;
			String name = DomainNormaliser.normalise(row);
			if (name == null || this.names.contains(name)) {
				continue;
			}
			if (this.names.size() < this.maxResults) {
				this.names.add(name);
			}
			else {
				this.namesLeftOut = true;
			}
		}
		boolean repeated = fresh == 0 && !rows.isEmpty() && this.pages > 1;
		if (repeated) {
			this.lastPageFull = false;
			return false;
		}
		this.shownRows += rows.size();
		this.lastPageFull = rows.size() >= this.perPage;
		boolean totalReached = this.total != null && this.shownRows >= this.total;
		boolean more = this.lastPageFull && !totalReached;
		if (more && this.names.size() >= this.maxResults) {
			this.stoppedAtMaxResults = true;
			return false;
		}
		return more;
	}

	/** The source said it stopped short of all it has ({@code why}): the answer is truncated. */
	void limited(String why) {
		this.limited = why;
	}

	/** Pages taken so far. */
	int pages() {
		return this.pages;
	}

	/** The names so far, {@code www.} duplicates folded. */
	SortedSet<String> names() {
		return DomainNormaliser.foldWww(this.names);
	}

	/**
	 * The outcome once the walk has ended.
	 * @param pageCapReached whether the walk ended because {@code maxPages} pages were read
	 */
	Result result(boolean pageCapReached) {
		boolean totalLarger = this.total != null && this.shownRows < this.total;
		boolean capped = (pageCapReached || this.stoppedAtMaxResults) && this.lastPageFull
				&& (this.total == null || totalLarger);
		String why = null;
		if (totalLarger) {
			why = "the source shows " + this.total + " results but gave " + this.shownRows;
		}
		else if (capped) {
			why = pageCapReached ? "stopped at the page cap with more pages to come"
					: "stopped at " + this.maxResults + " names with more pages to come";
		}
		else if (this.namesLeftOut) {
			why = "more than " + this.maxResults + " names; the rest were left out";
		}
		else if (this.limited != null) {
			why = this.limited;
		}
		if (why != null && this.namesLeftOut && (totalLarger || capped)) {
			why += "; names beyond " + this.maxResults + " were left out";
		}
		return new Result(names(), why != null, why, this.valuedRows);
	}

	/**
	 * @param names the names, folded and sorted
	 * @param truncated whether the source has (or may have) more
	 * @param truncation why it is truncated, or {@code null}
	 * @param shownRows rows with a value seen in all
	 */
	record Result(SortedSet<String> names, boolean truncated, @Nullable String truncation, long shownRows) {
	}

}
