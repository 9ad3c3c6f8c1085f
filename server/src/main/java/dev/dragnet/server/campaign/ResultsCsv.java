package dev.dragnet.server.campaign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The lines of {@code results.csv}, RFC 4180 through Commons CSV: a field holding a comma, a quote or a line break
 * is quoted (quotes doubled), so every record reads back as written. One line at a time, so that the file streams.
 */
final class ResultsCsv {

	static final List<String> HEADER = List.of("ip", "domain", "first_seen", "last_seen", "verification",
			"domain_level", "new", "sources");

	private static final CSVFormat FORMAT = CSVFormat.RFC4180;

	private ResultsCsv() {
	}

	/** One record, ending with CRLF. */
	static String line(List<?> values) {
		StringBuilder out = new StringBuilder(128);
		try (CSVPrinter printer = new CSVPrinter(out, FORMAT)) {
			printer.printRecord(values);
		}
		catch (IOException ex) { // a StringBuilder does not fail
			throw new UncheckedIOException(ex);
		}
		return out.toString();
	}
}
