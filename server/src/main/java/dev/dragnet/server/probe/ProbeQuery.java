package dev.dragnet.server.probe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import dev.dragnet.server.web.ProblemException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * One page of the probe table, as {@code GET /api/probes?page=&size=&sort=&q=&state=} asks for it: filtered by a
 * search text and a status, sorted, and cut to at most {@value #MAX_SIZE} rows. The status page fetches the table
 * this way, so a fleet of ten thousand probes costs a browser one page of rows, not the whole list.
 *
 * @param page the page, from 0
 * @param size rows per page, 1 to {@value #MAX_SIZE}
 * @param sort the column sorted on
 * @param descending whether the order is reversed (ties are always broken by name, ascending)
 * @param q text the name or the address must contain (any case); empty matches every probe
 * @param statuses the statuses shown; every one when empty
 */
record ProbeQuery(int page, int size, Column sort, boolean descending, String q, Set<Status> statuses) {

	static final int DEFAULT_SIZE = 50;

	static final int MAX_SIZE = 200;

	static final int MAX_PAGE = 1_000_000;

	static final int MAX_SEARCH = 100;

	ProbeQuery {
		statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(statuses);
	}

	/** Whether any of the parameters is given: then the answer is a {@link ProbePage}, else the plain list. */
	static boolean asked(@Nullable String page, @Nullable String size, @Nullable String sort, @Nullable String q,
			@Nullable String state) {
		return page != null || size != null || sort != null || q != null || state != null;
	}

	/**
	 * Reads the parameters; each may be null (its default).
	 * @throws InvalidProbeQuery with a detail that says what is accepted
	 */
	static ProbeQuery parse(@Nullable String page, @Nullable String size, @Nullable String sort, @Nullable String q,
			@Nullable String state) {
		int pageNumber = number("page", page, 0, 0, MAX_PAGE);
		int pageSize = number("size", size, DEFAULT_SIZE, 1, MAX_SIZE);
		Column column = Column.NAME;
		boolean descending = false;
		if (sort != null && !sort.isBlank()) {
			String[] parts = sort.split(",", -1);
			if (parts.length > 2) {
				throw new InvalidProbeQuery("sort is a column and an optional direction, such as 'name,desc', not '"
						+ shorten(sort) + "'");
			}
			column = Column.named(parts[0].trim());
			if (parts.length == 2) {
				String direction = parts[1].trim().toLowerCase(Locale.ROOT);
				if (!direction.equals("asc") && !direction.equals("desc")) {
					throw new InvalidProbeQuery("the sort direction is 'asc' or 'desc', not '" + shorten(parts[1]) + "'");
				}
				descending = direction.equals("desc");
			}
		}
		String search = (q != null) ? q.trim() : "";
		if (search.length() > MAX_SEARCH) {
			throw new InvalidProbeQuery("q is at most " + MAX_SEARCH + " characters");
		}
		return new ProbeQuery(pageNumber, pageSize, column, descending, search, statuses(state));
	}

	/** The page of {@code probes} this query asks for, with the number of probes that match. */
	ProbePage apply(List<ProbeService.ProbeView> probes) {
		String needle = this.q.toLowerCase(Locale.ROOT);
		List<ProbeService.ProbeView> matching = new ArrayList<>();
		for (ProbeService.ProbeView probe : probes) {
			if ((this.statuses.isEmpty() || this.statuses.contains(Status.of(probe))) && matches(probe, needle)) {
				matching.add(probe);
			}
		}
		Comparator<ProbeService.ProbeView> order = this.sort.order();
		if (this.descending) {
			order = order.reversed();
		}
		matching.sort(order.thenComparing(ProbeService.ProbeView::name));
		long from = (long) this.page * this.size;
		List<ProbeService.ProbeView> items = (from >= matching.size()) ? List.of()
				: List.copyOf(matching.subList((int) from, (int) Math.min(matching.size(), from + this.size)));
		int pages = (matching.size() + this.size - 1) / this.size;
		return new ProbePage(items, this.page, this.size, matching.size(), pages,
				this.sort.parameter + "," + (this.descending ? "desc" : "asc"), this.q,
				this.statuses.stream().map(Enum::name).sorted().toList());
	}

	private static boolean matches(ProbeService.ProbeView probe, String needle) {
		if (needle.isEmpty()) {
			return true;
		}
		return probe.name().toLowerCase(Locale.ROOT).contains(needle)
				|| (probe.remoteAddress() != null && probe.remoteAddress().toLowerCase(Locale.ROOT).contains(needle));
	}

	private static int number(String name, @Nullable String value, int fallback, int min, int max) {
		if (value == null || value.isBlank()) {
			return fallback;
		}
		try {
			int number = Integer.parseInt(value.trim());
			if (number >= min && number <= max) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// said below
		}
		throw new InvalidProbeQuery(name + " is a whole number from " + min + " to " + max + ", not '" + shorten(value)
				+ "'");
	}

	private static Set<Status> statuses(@Nullable String state) {
		if (state == null || state.isBlank()) {
			return Set.of();
		}
		Set<Status> statuses = EnumSet.noneOf(Status.class);
		for (String name : state.split(",")) {
			try {
				statuses.add(Status.valueOf(name.trim().toUpperCase(Locale.ROOT)));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidProbeQuery("state is a comma-separated list of EFFECTIVE, INEFFECTIVE, QUARANTINED and"
						+ " REVOKED, not '" + shorten(state) + "'");
			}
		}
		return statuses;
	}

	private static String shorten(String text) {
		return (text.length() <= 40) ? text : text.substring(0, 40) + "...";
	}

	/** What a probe is, for the filter: one of these, in this order of precedence. */
	enum Status {

		/** An admin revoked it. */
		REVOKED,

		/** Not revoked, and gets no work until an admin releases it. */
		QUARANTINED,

		/** Connected and answering pings. */
		EFFECTIVE,

		/** Not connected. */
		INEFFECTIVE;

		static Status of(ProbeService.ProbeView probe) {
			if (probe.revoked()) {
				return REVOKED;
			}
			if (probe.quarantineReason() != null) {
				return QUARANTINED;
			}
			return (probe.state() == ProbeState.EFFECTIVE) ? EFFECTIVE : INEFFECTIVE;
		}
	}

	/** The columns the table sorts on, by their parameter name. */
	enum Column {

		NAME("name", Comparator.comparing(ProbeService.ProbeView::name)),

		STATE("state", Comparator.comparing(Status::of)),

		ADDRESS("address", nullsLast(ProbeService.ProbeView::remoteAddress)),

		LAST_SEEN("lastSeen", nullsLast(ProbeService.ProbeView::lastSeen)),

		IN_FLIGHT("inFlight", Comparator.comparingInt(ProbeService.ProbeView::inFlight)),

		COMPLETED("completed", Comparator.comparingLong(ProbeService.ProbeView::completed)),

		FAILED("failed", Comparator.comparingLong(ProbeService.ProbeView::failed)),

		THROTTLED("throttled", Comparator.comparingLong(ProbeService.ProbeView::throttled)),

		FAILURE_RATE("failureRate", Comparator.comparingDouble(Column::failureRate));

		private final String parameter;

		private final Comparator<ProbeService.ProbeView> order;

		Column(String parameter, Comparator<ProbeService.ProbeView> order) {
			this.parameter = parameter;
			this.order = order;
		}

		Comparator<ProbeService.ProbeView> order() {
			return this.order;
		}

		static Column named(String parameter) {
			for (Column column : values()) {
				if (column.parameter.equalsIgnoreCase(parameter)) {
					return column;
				}
			}
			List<String> names = new ArrayList<>();
			for (Column column : values()) {
				names.add(column.parameter);
			}
			throw new InvalidProbeQuery("sort by one of " + String.join(", ", names) + ", not '" + shorten(parameter)
					+ "'");
		}

		/** Failed tasks of the answered ones; a probe that answered nothing sorts as 0. */
		private static double failureRate(ProbeService.ProbeView probe) {
			long answered = probe.completed() + probe.failed();
			return (answered > 0) ? (double) probe.failed() / answered : 0;
		}

		private static <T extends Comparable<T>> Comparator<ProbeService.ProbeView> nullsLast(
				Function<ProbeService.ProbeView, @Nullable T> key) {
			return Comparator.comparing(key, Comparator.nullsLast(Comparator.naturalOrder()));
		}
	}

	/**
	 * The paged answer of {@code GET /api/probes}.
	 *
	 * @param items the probes of this page, in order
	 * @param page the page, from 0
	 * @param size rows per page
	 * @param total probes that match the search and the status filter
	 * @param pages pages of {@code size} the matching probes fill
	 * @param sort the order, {@code column,asc|desc}
	 * @param q the search text
	 * @param state the statuses shown; every one when empty
	 */
	record ProbePage(List<ProbeService.ProbeView> items, int page, int size, int total, int pages, String sort,
			String q, List<String> state) {
	}

	static final class InvalidProbeQuery extends ProblemException {

		InvalidProbeQuery(String detail) {
			super(HttpStatus.BAD_REQUEST, "invalid-probe-query", "Invalid probe table query", detail);
		}
	}
}
