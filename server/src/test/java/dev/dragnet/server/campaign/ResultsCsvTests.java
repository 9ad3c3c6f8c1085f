package dev.dragnet.server.campaign;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsCsvTests {

	@Test
	void fieldsWithCommasQuotesAndLineBreaksReadBackAsWritten() throws IOException {
		List<List<String>> written = List.of(ResultsCsv.HEADER,
				List.of("192.0.2.1", "example.com", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "VERIFIED", "1",
						"true", "plain;ptr"),
				List.of("192.0.2.2", "a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", "", " padded ", "\"\""));
		StringBuilder file = new StringBuilder();
		written.forEach((record) -> file.append(ResultsCsv.line(record)));

		List<List<String>> read = new ArrayList<>();
		try (CSVParser parser = CSVParser.parse(new StringReader(file.toString()), CSVFormat.RFC4180)) {
			for (CSVRecord record : parser) {
				read.add(record.toList());
			}
		}
		assertThat(read).isEqualTo(written);
		assertThat(file.toString()).startsWith("ip,domain,first_seen,last_seen,verification,domain_level,new,sources\r\n");
		assertThat(ResultsCsv.line(List.of("a,b", "x"))).isEqualTo("\"a,b\",x\r\n");
	}

	@Test
	void aMissingValueIsAnEmptyField() {
		assertThat(ResultsCsv.line(java.util.Arrays.asList("192.0.2.1", null, "x"))).isEqualTo("192.0.2.1,,x\r\n");
	}
}
